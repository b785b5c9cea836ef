/**
 * The Whop REST client (`@whop/sdk`) built from the app's settings, and the
 * conversions between Whop's decimal amounts and the app's minor units.
 */
import Whop, { APIConnectionError, APIError } from "@whop/sdk";
import { currencyExponent, type Minor, MoneyError, parseMoney, toDecimalString } from "../core/money.ts";

/** The settings the Whop integration reads: a part of the app's (`config.ts`), passed in. */
export interface WhopSettings {
  /** The app's public base URL (`APP_URL`): sign-in and checkout come back to it. */
  appUrl: string;
  /** Longest wait between payout tries while funds are pending (`PAYOUT_RETRY_MAX_S`). */
  payoutRetryMaxS: number;
  whop: {
    apiKey?: string;
    appId?: string;
    companyId?: string;
    clientId?: string;
    clientSecret?: string;
    webhookSecret?: string;
    /** Where Whop is (`WHOP_ORIGIN`, default `https://api.whop.com`). */
    origin: string;
    /** Whop's fee on a payment, a decimal percentage (`WHOP_FEE_PERCENT`). */
    feePercent: string;
    /** Whop's fixed fee per payment in US dollars (`WHOP_FEE_FIXED`). */
    feeFixed: string;
    /** Whop's fixed fee in a given currency (`WHOP_FEE_FIXED_<CUR>`), by currency code. */
    feeFixedByCurrency?: Readonly<Record<string, string>>;
  };
}

/** Options of {@link createWhopClient}. */
export interface WhopClientOptions {
  /** The SDK's own retries of failed requests (it retries POSTs too). Default 2. */
  maxRetries?: number;
  /** Per-request timeout in milliseconds. Default 20 s. */
  timeout?: number;
}

/**
 * The Whop client for these settings, or `undefined` when `WHOP_API_KEY` is
 * not set. Every option is passed explicitly, so the SDK reads nothing from
 * the environment; the webhook key is `btoa(WHOP_WEBHOOK_SECRET)` as Whop
 * documents.
 *
 * @example
 * const whop = createWhopClient(config);
 */
export function createWhopClient(
  settings: { whop: Pick<WhopSettings["whop"], "apiKey" | "appId" | "webhookSecret" | "origin"> },
  options: WhopClientOptions = {},
): Whop | undefined {
  const { apiKey, appId, webhookSecret, origin } = settings.whop;
  if (!apiKey) return undefined;
  return new Whop({
    apiKey,
    appID: appId ?? null,
    webhookKey: webhookSecret ? btoa(webhookSecret) : null,
    baseURL: `${origin}/api/v1`,
    userTokenJwksUrl: `${origin}/.well-known/jwks.json`,
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeout ?? 20_000,
    logLevel: "off",
  });
}

/** The lower-case currency code Whop's API uses, e.g. `usd`. */
export function whopCurrency(currency: string): string {
  return currency.toLowerCase();
}

/**
 * Minor units as the decimal number Whop's API takes, e.g. 50000 USD → 500.
 * The number is built from the exact decimal string.
 */
export function toWhopAmount(minor: Minor, currency: string): number {
  return Number(toDecimalString(minor, currency.toUpperCase()));
}

/**
 * A decimal amount from Whop's API as exact minor units. The number is read
 * through its shortest string form and parsed strictly, so `499.999` is
 * refused rather than rounded up to 500.00. Negative amounts are allowed
 * only with `allowNegative`. Throws `MoneyError`.
 */
export function fromWhopAmount(amount: number, currency: string, allowNegative = false): Minor {
  const code = currency.toUpperCase();
  currencyExponent(code);
  if (!Number.isFinite(amount)) throw new MoneyError(`${amount} is not an amount.`);
  if (amount < 0) {
    if (!allowNegative) throw new MoneyError(`${amount} is negative.`);
    return -parseMoney(String(-amount), code);
  }
  return parseMoney(String(amount), code);
}

/** A failure that retrying cannot fix (e.g. a payment that is no longer refundable). */
export class PermanentWhopError extends Error {
  override name = "PermanentWhopError";
}

/**
 * Whether a failed Whop call may succeed if tried again: connection errors,
 * timeouts, 408, 409, 429 and 5xx. Other 4xx answers (bad request, not
 * found, insufficient funds) need a person.
 */
export function isRetryableWhopError(error: unknown): boolean {
  if (error instanceof PermanentWhopError) return false;
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) {
    const status = error.status;
    if (status === undefined) return true;
    return status === 408 || status === 409 || status === 429 || status >= 500;
  }
  // Anything else (a body cut mid-read surfaces as a TypeError) counts as a connection failure.
  return true;
}

/** One line describing a failed Whop call, for records and logs (never a secret). */
export function describeWhopError(error: unknown): string {
  if (error instanceof APIError) {
    return `Whop error: ${error.message}`.slice(0, 500);
  }
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
}
