/**
 * Every setting of the app, read from the environment once and checked with
 * zod. A bad value stops start-up with one sentence naming the variable.
 */
import { z } from "zod";

/** The checked settings the app runs with. */
export interface Config {
  port: number;
  /**
   * When set, event streams are also served on this port by the lean stream
   * server (~8 KiB per open stream instead of ~60 KiB under `Deno.serve`);
   * route the event-stream paths (`GET /api/competitions/:id/events`) there.
   */
  livePort?: number;
  appUrl: string;
  kvPath: string;
  /** Raw 32-byte AES key; absent only in sandbox mode (the sandbox makes one). */
  encryptionKey?: Uint8Array;
  shopify: { apiKey?: string; apiSecret?: string; origin?: string };
  whop: {
    apiKey?: string;
    appId?: string;
    companyId?: string;
    clientId?: string;
    clientSecret?: string;
    webhookSecret?: string;
    origin: string;
  };
  sandbox: boolean;
  competitionMinDurationS: number;
  adminUserIds: string[];
}

/** A setting is missing or malformed; the message names it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const optionalText = z.string().trim().min(1).optional();
const origin = z.url({ protocol: /^https?$/, error: "must be an http(s) origin such as https://example.com" })
  .transform((value) => value.replace(/\/+$/, ""))
  .optional();

const settings = z.object({
  PORT: z.coerce.number({ error: "must be a port number" }).int("must be a whole number")
    .min(0, "must be between 0 and 65535").max(65535, "must be between 0 and 65535").default(8000),
  LIVE_PORT: z.coerce.number({ error: "must be a port number" }).int("must be a whole number")
    .min(1, "must be between 1 and 65535").max(65535, "must be between 1 and 65535").optional(),
  APP_URL: origin,
  KV_PATH: z.string().trim().min(1).default("./data/cartbrawl.sqlite3"),
  ENCRYPTION_KEY: z.string().trim().optional().transform((value, ctx) => {
    if (!value) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0));
    } catch {
      ctx.addIssue({ code: "custom", message: "must be base64 (for example the output of `openssl rand -base64 32`)" });
      return z.NEVER;
    }
    if (bytes.length !== 32) {
      ctx.addIssue({ code: "custom", message: `must decode to 32 bytes, not ${bytes.length}` });
      return z.NEVER;
    }
    return bytes;
  }),
  SHOPIFY_API_KEY: optionalText,
  SHOPIFY_API_SECRET: optionalText,
  SHOPIFY_ORIGIN: origin,
  WHOP_API_KEY: optionalText,
  WHOP_APP_ID: optionalText,
  WHOP_COMPANY_ID: optionalText,
  WHOP_CLIENT_ID: optionalText,
  WHOP_CLIENT_SECRET: optionalText,
  WHOP_WEBHOOK_SECRET: optionalText,
  WHOP_ORIGIN: origin,
  SANDBOX: z.enum(["0", "1", "true", "false"], { error: "must be 1 or 0" }).optional(),
  COMPETITION_MIN_DURATION_S: z.coerce.number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds").min(1, "must be at least 1").default(3600),
  ADMIN_USER_IDS: z.string().optional(),
});

/**
 * Reads and checks the settings from an environment map.
 *
 * @example
 * const config = loadConfig(Deno.env.toObject());
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = settings.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${String(issue.path[0])} ${issue.message}.`);
  }
  const s = parsed.data;
  const sandbox = s.SANDBOX === undefined
    ? !s.SHOPIFY_API_KEY && !s.WHOP_API_KEY
    : s.SANDBOX === "1" || s.SANDBOX === "true";
  if (!sandbox) {
    const required = [
      "ENCRYPTION_KEY",
      "SHOPIFY_API_KEY",
      "SHOPIFY_API_SECRET",
      "WHOP_API_KEY",
      "WHOP_APP_ID",
      "WHOP_COMPANY_ID",
      "WHOP_WEBHOOK_SECRET",
    ] as const;
    const missing = required.find((name) => s[name] === undefined);
    if (missing) throw new ConfigError(`${missing} is required unless SANDBOX=1.`);
  }
  return {
    port: s.PORT,
    livePort: s.LIVE_PORT,
    appUrl: s.APP_URL ?? `http://localhost:${s.PORT}`,
    kvPath: s.KV_PATH,
    encryptionKey: s.ENCRYPTION_KEY,
    shopify: { apiKey: s.SHOPIFY_API_KEY, apiSecret: s.SHOPIFY_API_SECRET, origin: s.SHOPIFY_ORIGIN },
    whop: {
      apiKey: s.WHOP_API_KEY,
      appId: s.WHOP_APP_ID,
      companyId: s.WHOP_COMPANY_ID,
      clientId: s.WHOP_CLIENT_ID,
      clientSecret: s.WHOP_CLIENT_SECRET,
      webhookSecret: s.WHOP_WEBHOOK_SECRET,
      origin: s.WHOP_ORIGIN ?? "https://api.whop.com",
    },
    sandbox,
    competitionMinDurationS: s.COMPETITION_MIN_DURATION_S,
    adminUserIds: (s.ADMIN_USER_IDS ?? "").split(",").map((id) => id.trim()).filter(Boolean),
  };
}
