/**
 * One structured JSON log line per request, with a request id that is also
 * returned in the `x-request-id` header and available to handlers.
 */
import type { MiddlewareHandler } from "hono";
import { log } from "../../core/log.ts";

/** Options of the request log middleware. */
export interface RequestLogOptions {
  /** Paths not logged (e.g. health checks polled every second). */
  quietPaths?: string[];
  /**
   * Paths of machine traffic (webhooks, event streams) whose successful
   * requests are logged at `debug`: each already leaves a domain log line,
   * and at `info` they would drown what people do.
   */
  routinePaths?: RegExp;
}

/** Variables the request log middleware sets (`sampledRefusal`: set by whoever logged the refusal sampled). */
export type RequestLogVariables = { requestId: string; userId?: string; sampledRefusal?: boolean };

const INCOMING_ID = /^[\w.-]{8,64}$/;

/** Assigns a request id and logs method, path, status and duration. */
export function requestLog(options: RequestLogOptions = {}): MiddlewareHandler<{ Variables: RequestLogVariables }> {
  const quiet = new Set(options.quietPaths ?? []);
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    const started = performance.now();
    await next();
    c.header("x-request-id", requestId);
    if (quiet.has(c.req.path) && c.res.status < 400) return;
    // Refused floods are summarized by `RefusalLog` (lib/web/rate_limit.ts), not one line each.
    if (c.var.sampledRefusal) return;
    const routine = c.res.status < 400 && options.routinePaths?.test(c.req.path);
    log(c.res.status >= 500 ? "error" : routine ? "debug" : "info", "request", {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      userId: c.var.userId,
    });
  };
}
