/**
 * Structured logging: one JSON object per line on stdout (stderr for
 * warnings and errors), at or above `LOG_LEVEL` (default `info`). Never pass
 * secrets; fields whose names suggest one are redacted anyway.
 */

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];
const threshold = LEVELS.indexOf((Deno.env.get("LOG_LEVEL") ?? "info") as LogLevel);

const SECRET_FIELD = /token|secret|password|authorization|cookie|key|code_verifier/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? "[redacted]" : redact(v, depth + 1)]),
  );
}

/**
 * Writes one structured log line.
 *
 * @example
 * log("info", "order recorded", { requestId, participantId, orderId });
 */
export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS.indexOf(level) < threshold) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...redact(fields) as object });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}
