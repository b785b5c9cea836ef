/**
 * Bounded retries for calls to Shopify: 429 waits what `Retry-After` says
 * (in seconds, as Shopify sends it), 5xx and network errors back off
 * exponentially with jitter, and anything else fails at once.
 */
import { HttpInternalError, HttpRequestError, HttpThrottlingError } from "@shopify/shopify-api";

/** Waits `ms` milliseconds (tests pass one that moves their clock). */
export type Sleep = (ms: number) => Promise<void>;

/** Real time. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How many failed attempts (5xx, network) a call gets, the backoff bounds,
 * and how long in all a call may wait when Shopify asks it to (429,
 * `THROTTLED`).
 */
export const RETRY = { attempts: 8, baseMs: 500, maxMs: 30_000, rateWaitBudgetMs: 5 * 60_000 } as const;

/**
 * How long to wait before retrying after `error`, or `undefined` when it
 * should not be retried.
 */
export function retryDelay(error: unknown, attempt: number): number | undefined {
  if (error instanceof HttpThrottlingError) {
    const seconds = error.response.retryAfter;
    return Math.min(RETRY.maxMs, seconds !== undefined && seconds >= 0 ? seconds * 1000 : backoff(attempt));
  }
  if (error instanceof HttpInternalError || error instanceof HttpRequestError || error instanceof TypeError) {
    return backoff(attempt);
  }
  return undefined;
}

/** Exponential backoff with full jitter between half and all of the step. */
export function backoff(attempt: number): number {
  const step = Math.min(RETRY.maxMs, RETRY.baseMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + Math.random() * step / 2);
}

/**
 * Runs `task` until it succeeds, an error is not retriable, or `attempts`
 * are used up (the last error is thrown).
 */
export async function withRetries<T>(
  task: (attempt: number) => Promise<T>,
  sleep: Sleep,
  attempts: number = RETRY.attempts,
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      const delay = retryDelay(error, attempt);
      if (delay === undefined || attempt >= attempts) throw error;
      await sleep(delay);
    }
  }
}
