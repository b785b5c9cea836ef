/**
 * Every setting of the app, read from the environment once and checked with
 * zod (its `zod/mini` flavour, as everywhere in the app). A bad value stops
 * start-up with one sentence naming the variable. It imports nothing of the
 * app: `lib/` receives the settings it needs as plain values, so the settings
 * sit below everything that uses them.
 */
import * as z from "zod/mini";

/**
 * The longest settlement window (`SETTLEMENT_DELAY_S`), 3 days. The longest
 * competition leaves this window and a day for a late final sync free of
 * Shopify's 60-day order window (`FINAL_SYNC_ALLOWANCE_S` in
 * `lib/competitions/input.ts`; `config_test.ts` checks that they agree).
 */
export const MAX_SETTLEMENT_DELAY_S = 3 * 24 * 3600;

/** The checked settings the app runs with. */
export interface Config {
  port: number;
  /** The address to listen on (`LISTEN_ADDRESS`): `0.0.0.0`, or `127.0.0.1` in sandbox mode. */
  listenAddress: string;
  /** How many reverse proxies in front append to `X-Forwarded-For` (`TRUST_PROXY`); 0 trusts none. */
  trustProxy: number;
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
    /** Whop's fee on a payment: a decimal percentage (`WHOP_FEE_PERCENT`), e.g. "2.7". */
    feePercent: string;
    /** Whop's fixed fee per payment in US dollars (`WHOP_FEE_FIXED`), e.g. "0.30". */
    feeFixed: string;
    /** Whop's fixed fee set per currency (`WHOP_FEE_FIXED_<CUR>`, e.g. `WHOP_FEE_FIXED_JPY`): a decimal amount in it. */
    feeFixedByCurrency: Record<string, string>;
  };
  sandbox: boolean;
  competitionMinDurationS: number;
  /** `SETTLEMENT_DELAY_S`: how long after the end refunds and cancellations still count. */
  settlementDelayS: number;
  adminUserIds: string[];
  /** Longest wait between payout tries while funds are pending (`PAYOUT_RETRY_MAX_S`). */
  payoutRetryMaxS: number;
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

/** A setting is missing or malformed; the message names it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** `ENCRYPTION_KEY`'s 32 bytes, or what is wrong with it (a clause: "must …"). */
function decodeEncryptionKey(value: string): Uint8Array | string {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0));
  } catch {
    return "must be base64 (for example the output of `openssl rand -base64 32`)";
  }
  return bytes.length === 32 ? bytes : `must decode to 32 bytes, not ${bytes.length}`;
}

/** Whether `host` (of a URL) is this machine: a sandbox or a test, where plain http is fine. */
function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const optionalText = z.optional(z.string().check(z.trim(), z.minLength(1)));
const origin = z.optional(
  z.pipe(
    z.url({ protocol: /^https?$/, error: "must be an http(s) origin such as https://example.com" }),
    z.transform((value) => value.replace(/\/+$/, "")),
  ),
);

const decimal = z.string().check(
  z.trim(),
  z.regex(/^\d{1,6}(\.\d{1,6})?$/, "must be a non-negative decimal number such as 2.7 or 0.30"),
);

/** A whole number read from text: `error` when it is not a number, then each bound's own sentence. */
function wholeNumber(error: string, whole: string, ...bounds: z.core.$ZodCheck<number>[]) {
  return z.coerce.number({ error }).check(z.refine(Number.isInteger, whole), ...bounds);
}

const port = (min: number) =>
  wholeNumber(
    "must be a port number",
    "must be a whole number",
    z.gte(min, `must be between ${min} and 65535`),
    z.lte(65535, `must be between ${min} and 65535`),
  );

const seconds = (...bounds: z.core.$ZodCheck<number>[]) =>
  wholeNumber("must be a number of seconds", "must be a whole number of seconds", ...bounds);

const settings = z.object({
  PORT: z._default(port(0), 8000),
  LISTEN_ADDRESS: z.optional(
    z.string().check(z.trim(), z.regex(/^[0-9a-fA-F.:]{2,45}$/, "must be an IP address such as 0.0.0.0 or 127.0.0.1")),
  ),
  TRUST_PROXY: z._default(
    wholeNumber(
      "must be the number of reverse proxies in front (0 for none)",
      "must be a whole number",
      z.gte(0, "must be 0 or more"),
      z.lte(10, "must be at most 10"),
    ),
    0,
  ),
  LIVE_PORT: z.optional(port(1)),
  APP_URL: origin,
  KV_PATH: z._default(z.string().check(z.trim(), z.minLength(1)), "./data/cartbrawl.sqlite3"),
  ENCRYPTION_KEY: z.pipe(
    z.optional(z.string().check(z.trim())),
    z.transform((value, ctx) => {
      if (!value) return undefined;
      const key = decodeEncryptionKey(value);
      if (typeof key === "string") {
        ctx.issues.push({ code: "custom", input: value, message: key });
        return z.NEVER;
      }
      return key;
    }),
  ),
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
  // Whop's published pricing (docs.whop.com/fees): 2.7 % + 0.30 per card payment.
  WHOP_FEE_PERCENT: z._default(decimal.check(z.refine((value) => Number(value) < 100, "must be below 100")), "2.7"),
  WHOP_FEE_FIXED: z._default(decimal, "0.30"),
  PAYOUT_RETRY_MAX_S: z._default(seconds(z.gte(1, "must be at least 1")), 3600),
  SANDBOX: z.optional(z.enum(["0", "1", "true", "false"], { error: "must be 1 or 0" })),
  COMPETITION_MIN_DURATION_S: z._default(seconds(z.gte(1, "must be at least 1")), 3600),
  SETTLEMENT_DELAY_S: z.optional(
    seconds(
      z.gte(0, "must be 0 or more"),
      z.lte(
        MAX_SETTLEMENT_DELAY_S,
        `must be at most ${MAX_SETTLEMENT_DELAY_S} (3 days): the longest competition is sized so that Shopify still ` +
          "shows its first order at the final sync, which runs when the settlement window closes",
      ),
    ),
  ),
  ADMIN_USER_IDS: z.optional(z.string()),
  METRICS_TOKEN: optionalText,
});

/**
 * The settings a process outside sandbox mode cannot run without, each with
 * what to set it to (one clause: the start-up refusal and `deno task doctor`
 * both say it).
 */
export const PRODUCTION_SETTINGS = {
  APP_URL: "the public https address browsers reach the app at, such as https://cartbrawl.example.com",
  ENCRYPTION_KEY: "base64 of 32 random bytes (openssl rand -base64 32), kept with your backups",
  SHOPIFY_API_KEY: "the client id of your Shopify app (Dev Dashboard, Settings)",
  SHOPIFY_API_SECRET: "the client secret of your Shopify app (Dev Dashboard, Settings)",
  WHOP_API_KEY: "an API key of your Whop company with the permissions the README lists",
  WHOP_APP_ID: "your Whop app's id (app_…)",
  WHOP_COMPANY_ID: "the id of the Whop company that holds the prizes (biz_…)",
  WHOP_CLIENT_ID: "the OAuth client id of your Whop app (its app id, app_…)",
  WHOP_CLIENT_SECRET: "the OAuth client secret of your Whop app",
  WHOP_WEBHOOK_SECRET: "the secret of the company webhook you created on Whop for this app",
} as const;

/** A setting production cannot run without. */
export type ProductionSetting = keyof typeof PRODUCTION_SETTINGS;

/**
 * What the platforms' ids and keys look like: Whop's ids carry their kind's
 * prefix (`@whop/sdk`: `app_…` apps, `biz_…` companies), a Shopify app's
 * client id is 32 hexadecimal digits, and its secret the same with the
 * `shpss_` prefix Shopify added in 2020 (older secrets have none).
 */
const ID_FORMATS: Partial<Record<ProductionSetting, { pattern: RegExp; looksLike: string }>> = {
  WHOP_APP_ID: { pattern: /^app_[A-Za-z0-9]+$/, looksLike: "a Whop app id (app_…)" },
  WHOP_CLIENT_ID: { pattern: /^app_[A-Za-z0-9]+$/, looksLike: "a Whop app id (app_…): Whop's OAuth client id" },
  WHOP_COMPANY_ID: { pattern: /^biz_[A-Za-z0-9]+$/, looksLike: "a Whop company id (biz_…)" },
  SHOPIFY_API_KEY: { pattern: /^[0-9a-f]{32}$/, looksLike: "a Shopify client id (32 hexadecimal digits)" },
  SHOPIFY_API_SECRET: {
    pattern: /^(shpss_)?[0-9a-f]{32}$/,
    looksLike: "a Shopify client secret (shpss_ and 32 hexadecimal digits)",
  },
};

/**
 * What is wrong with a set production setting beyond being present, as a
 * clause ("must …"), or undefined when it is well-formed: `APP_URL` is https
 * (plain http only on this machine), the key decodes to 32 bytes, ids have
 * their platform's form. `deno task doctor` reports these; start-up refuses
 * only what it cannot run with.
 * @example productionSettingProblem("WHOP_COMPANY_ID", "company-1") // "must look like a Whop company id (biz_…)"
 */
export function productionSettingProblem(name: ProductionSetting, value: string): string | undefined {
  const text = value.trim();
  if (name === "APP_URL") {
    const url = URL.canParse(text) ? new URL(text) : undefined;
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      return "must be an origin such as https://cartbrawl.example.com";
    }
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
      return "must be https: browsers, Whop and Shopify reach the app there, and its cookies are Secure only on https";
    }
    return undefined;
  }
  if (name === "ENCRYPTION_KEY") {
    const key = decodeEncryptionKey(text);
    return typeof key === "string" ? key : undefined;
  }
  const format = ID_FORMATS[name];
  return format && !format.pattern.test(text) ? `must look like ${format.looksLike}` : undefined;
}

/**
 * Whether `env` runs the app in sandbox mode: `SANDBOX` says so, or, unset,
 * neither `SHOPIFY_API_KEY` nor `WHOP_API_KEY` is set.
 */
export function sandboxRequested(env: Record<string, string | undefined>): boolean {
  const flag = env.SANDBOX?.trim();
  if (!flag) return !env.SHOPIFY_API_KEY?.trim() && !env.WHOP_API_KEY?.trim();
  return flag === "1" || flag === "true";
}

/** The first of {@link PRODUCTION_SETTINGS} that `env` leaves unset (empty counts as unset), if any. */
export function missingProductionSetting(env: Record<string, string | undefined>): ProductionSetting | undefined {
  return (Object.keys(PRODUCTION_SETTINGS) as ProductionSetting[]).find((name) => !env[name]?.trim());
}

/** `WHOP_FEE_FIXED_<CUR>`: Whop's fixed fee in one currency (a three-letter code, upper case). */
const FIXED_FEE_SETTING = /^WHOP_FEE_FIXED_([A-Z]{3})$/;

/** Every `WHOP_FEE_FIXED_<CUR>` setting, by currency, each checked as a decimal amount. */
function readFixedFees(env: Record<string, string | undefined>): Record<string, string> {
  const fees: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const currency = FIXED_FEE_SETTING.exec(name)?.[1];
    if (!currency || value === undefined) continue;
    const parsed = decimal.safeParse(value);
    if (!parsed.success) throw new ConfigError(`${name} ${parsed.error.issues[0].message}.`);
    fees[currency] = parsed.data;
  }
  return fees;
}

/** The settlement window: 3 days in production, 30 s in the sandbox so a demo completes while watched. */
const DEFAULT_SETTLEMENT_DELAY_S = { production: 259_200, sandbox: 30 };

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
  const feeFixedByCurrency = readFixedFees(present);
  const sandbox = sandboxRequested(present);
  if (!sandbox) {
    const missing = missingProductionSetting(present);
    if (missing) throw new ConfigError(`${missing} is required unless SANDBOX=1: ${PRODUCTION_SETTINGS[missing]}.`);
  }
  return {
    port: s.PORT,
    listenAddress: s.LISTEN_ADDRESS ?? (sandbox ? "127.0.0.1" : "0.0.0.0"),
    trustProxy: s.TRUST_PROXY,
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
      feePercent: s.WHOP_FEE_PERCENT,
      feeFixed: s.WHOP_FEE_FIXED,
      feeFixedByCurrency,
    },
    sandbox,
    competitionMinDurationS: s.COMPETITION_MIN_DURATION_S,
    settlementDelayS: s.SETTLEMENT_DELAY_S ??
      (sandbox ? DEFAULT_SETTLEMENT_DELAY_S.sandbox : DEFAULT_SETTLEMENT_DELAY_S.production),
    adminUserIds: (s.ADMIN_USER_IDS ?? "").split(",").map((id) => id.trim()).filter(Boolean),
    payoutRetryMaxS: s.PAYOUT_RETRY_MAX_S,
    metricsToken: s.METRICS_TOKEN,
  };
}
