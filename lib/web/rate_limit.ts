/**
 * Rate limits (DESIGN.md "Limits"): fixed-window counters kept in KV, so
 * every instance on one KV shares them, and sampled logging of what they
 * refuse.
 *
 * Why not a library: `hono-rate-limiter` and `rate-limiter-flexible` have no
 * Deno KV store, and both decide before the handler runs. Here only
 * failures count for authentication (a request is verified first, then
 * counted only when it failed), so a correctly signed webhook is never
 * refused because of other requests from the same address. The counter is a
 * compare-and-set on one KV entry with an expiry (`sum` cannot expire keys);
 * once a window is full it is only read, and remembered in the process
 * until it resets, so a burst past the limit costs no KV operation at all.
 */
import { commit, keys } from "../core/db.ts";
import { AppError } from "../core/errors.ts";
import { log } from "../core/log.ts";
import { countRateLimitRefusal } from "../core/metrics.ts";

/** One limit: at most `limit` counted events per `windowMs` per subject. */
export interface RateRule {
  /** The rule's name, in KV keys, logs and metrics. */
  name: "auth_failures" | "sign_in_starts" | "competition_creation" | "join_attempts" | "payment_lookups";
  limit: number;
  windowMs: number;
  /** What a refused caller reads. */
  message: string;
}

/** The limits of DESIGN.md "Limits" (README "Limits" lists them). */
export const RATE_LIMITS = {
  /** Failed authentication (bad webhook signature, bad user token) per client address. */
  authFailures: {
    name: "auth_failures",
    limit: 30,
    windowMs: 60_000,
    message: "Too many failed authentications from this address; try again later.",
  },
  /** `GET /login` per client address. */
  signInStarts: {
    name: "sign_in_starts",
    limit: 20,
    windowMs: 10 * 60_000,
    message: "Too many sign-in attempts from this address; wait a few minutes and try again.",
  },
  /** `POST /api/competitions` per user. */
  competitionCreation: {
    name: "competition_creation",
    limit: 20,
    windowMs: 3600_000,
    message: "You have created many competitions in the last hour; try again later.",
  },
  /** Returns from Whop's checkout that ask Whop for the payment (`GET /funding/:id/return`), per client address. */
  paymentLookups: {
    name: "payment_lookups",
    limit: 30,
    windowMs: 10 * 60_000,
    message: "Too many payment checks from this address; Whop's confirmation will still arrive on its own.",
  },
  /** `POST /api/competitions/:id/join` per user. */
  joinAttempts: {
    name: "join_attempts",
    limit: 30,
    windowMs: 10 * 60_000,
    message: "Too many attempts to join; wait a few minutes and try again.",
  },
} as const satisfies Record<string, RateRule>;

/** The stored window of one subject under one rule. */
interface RateWindow {
  count: number;
  resetAt: number;
}

/** Whether an event is allowed, and when to retry when it is not. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterS: number };

/** A refusal already logged by `RefusalLog` (sampled): the request log writes no line of its own for it. */
export class SampledRefusal extends AppError {
  override name = "SampledRefusal";
}

/** A 429 with the seconds to wait (`Retry-After`). */
export class RateLimitedError extends SampledRefusal {
  override name = "RateLimitedError";
  constructor(message: string, readonly retryAfterS: number) {
    super(429, message);
  }
}

/** A failed authentication (401), counted and logged sampled. */
export class AuthenticationRefused extends SampledRefusal {
  override name = "AuthenticationRefused";
  constructor(message: string) {
    super(401, message);
  }
}

/**
 * Compare-and-set rounds before an event is refused: losing this many in a
 * row means as many events of the same subject landed at the same moment,
 * which is a flood (so the limit is never exceeded by contention).
 */
const MAX_ROUNDS = 16;

/** KV keys are limited to 2 KB; subjects are cut (addresses and user ids are far shorter). */
const MAX_SUBJECT = 200;

/**
 * Counts events per subject in KV.
 *
 * @example
 * const limiter = new RateLimiter(kv, Date.now);
 * const decision = await limiter.hit(RATE_LIMITS.signInStarts, "203.0.113.9");
 */
export class RateLimiter {
  /** Windows this process has seen full, until they reset: a flood is then refused without a KV read. */
  #full = new Map<string, number>();

  constructor(private readonly kv: Deno.Kv, private readonly now: () => number) {}

  /** Counts one event; refused when the window already holds `limit` of them. */
  async hit(rule: RateRule, subject: string): Promise<RateDecision> {
    const key = keys.rateLimit(rule.name, subject.slice(0, MAX_SUBJECT));
    const fullId = `${rule.name}\u0000${key[2]}`;
    const fullUntil = this.#full.get(fullId);
    if (fullUntil !== undefined) {
      const now = this.now();
      if (fullUntil > now) return { allowed: false, retryAfterS: Math.max(1, Math.ceil((fullUntil - now) / 1000)) };
      this.#full.delete(fullId);
    }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry = await this.kv.get<RateWindow>(key);
      const now = this.now();
      const current = entry.value && entry.value.resetAt > now ? entry.value : null;
      if (current && current.count >= rule.limit) {
        if (this.#full.size >= MAX_TRACKED) this.#full.clear();
        this.#full.set(fullId, current.resetAt);
        return { allowed: false, retryAfterS: Math.max(1, Math.ceil((current.resetAt - now) / 1000)) };
      }
      const next: RateWindow = current
        ? { count: current.count + 1, resetAt: current.resetAt }
        : { count: 1, resetAt: now + rule.windowMs };
      const done = await commit(() => this.kv.atomic().check(entry).set(key, next, { expireIn: next.resetAt - now }));
      if (done.ok) return { allowed: true };
    }
    return { allowed: false, retryAfterS: 1 };
  }

  /** Counts one event and throws `RateLimitedError` (429) when it is over the limit. */
  async consume(rule: RateRule, subject: string): Promise<void> {
    const decision = await this.hit(rule, subject);
    if (!decision.allowed) {
      refusals.record(rule.name, subject);
      countRateLimitRefusal(rule.name);
      throw new RateLimitedError(rule.message, decision.retryAfterS);
    }
  }

  /**
   * A request from `address` failed authentication: counts it, logs it
   * sampled, and throws a 401 with `message` or, past the limit, a 429.
   */
  async refuseAuthentication(address: string, message: string): Promise<never> {
    const rule = RATE_LIMITS.authFailures;
    const decision = await this.hit(rule, address);
    refusals.record(rule.name, address, message);
    if (!decision.allowed) {
      countRateLimitRefusal(rule.name);
      throw new RateLimitedError(rule.message, decision.retryAfterS);
    }
    throw new AuthenticationRefused(message);
  }
}

/** How often a summary line is written per rule and subject. */
const SUMMARY_WINDOW_MS = 60_000;

/** Most subjects remembered between summaries; beyond it, they are counted together. */
const MAX_TRACKED = 10_000;

/**
 * Sampled logging of refused requests: the first refusal of a rule and
 * subject in a minute is logged at once, the rest are counted and written as
 * one summary line (with the count) when that minute has passed and another
 * refusal arrives. Memory stays bounded whatever an attacker sends.
 */
export class RefusalLog {
  #windows = new Map<string, { rule: string; subject: string; count: number; since: number }>();
  #overflow = 0;

  /** `write` is where lines go (the structured log; a test may collect them). */
  constructor(private readonly now: () => number = Date.now, private readonly write: typeof log = log) {}

  /** Notes one refused request of `rule` from `subject`. */
  record(rule: string, subject: string, detail?: string): void {
    const now = this.now();
    this.#flush(now);
    const id = `${rule}\u0000${subject}`;
    const window = this.#windows.get(id);
    if (window) {
      window.count++;
      return;
    }
    if (this.#windows.size >= MAX_TRACKED) {
      this.#overflow++;
      return;
    }
    this.#windows.set(id, { rule, subject, count: 1, since: now });
    this.write("warn", "request refused", { rule, subject, detail, sampled: "first of this minute" });
  }

  /** Writes the summary of every window older than a minute and forgets it. */
  #flush(now: number): void {
    for (const [id, window] of this.#windows) {
      // Insertion order is time order: the first window still open ends the sweep.
      if (window.since + SUMMARY_WINDOW_MS > now) break;
      this.#windows.delete(id);
      if (window.count > 1) {
        this.write("warn", "requests refused", {
          rule: window.rule,
          subject: window.subject,
          count: window.count,
          since: new Date(window.since).toISOString(),
        });
      }
    }
    if (this.#overflow > 0 && this.#windows.size < MAX_TRACKED) {
      this.write("warn", "requests refused", { rule: "any", subject: "other addresses", count: this.#overflow });
      this.#overflow = 0;
    }
  }
}

/** The process's refusal log (one per process: its lines are a summary of the process's traffic). */
export const refusals: RefusalLog = new RefusalLog();
