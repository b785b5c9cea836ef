/**
 * Exactly-once outside effects (a transfer, a refund) driven by a record in
 * KV and the queue. The record's state is written before and after the call:
 *
 *   pending → sending (attempts + 1, lease) → sent
 *                                           ↘ failed → (backoff) → sending …
 *                                           ↘ pending, waiting (backoff) → sending …
 *
 * A call that cannot be made yet (`NotReadyError`: the company's funds are
 * still pending, a refund is still pending at Whop) is not a failure: the
 * record goes back to `pending` with `waitingSince` and `nextAttemptAt`, is
 * tried again with a doubling delay up to the task's `wait.maxMs`, never
 * gives up, and is flagged to the operators (`flaggedAt`, an error log line)
 * once it has waited `wait.flagAfterMs`.
 *
 * Only the runner whose atomic `check` wins the move to `sending` calls out;
 * a runner that finds a live lease comes back when it ends. A run that dies
 * between the call and recording its result leaves `sending` with a lease;
 * once the lease expires the next run calls again with the same idempotence
 * key, which the outside service answers with the original result instead
 * of acting twice. A record that reached `sent` is never called again.
 *
 * One idea in one file, though past 300 lines: each transition above is a
 * separate atomic commit checked against the record the run read, and they
 * are only correct together (a lease, a failure and a wait each hand the
 * record to the next run); split apart, no file would show the whole machine.
 */
import { commit } from "../core/db.ts";
import { log } from "../core/log.ts";
import { enqueue, enqueueIn, type QueueMessage } from "../core/queue.ts";
import { describeWhopError, isRetryableWhopError } from "./client.ts";

/** The fields every exactly-once record carries. */
export interface OnceRecord {
  state: "pending" | "sending" | "sent" | "failed";
  /** Calls started so far. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
  /** When the latest call started. */
  lastAttemptAt?: string;
  /** While `sending`: until when (epoch ms) the current runner owns the call. */
  leaseUntil?: number;
  /** The latest failure, as a sentence. */
  lastError?: string;
  /** When the next retry is due (state `failed`, not given up). */
  nextAttemptAt?: string;
  /** Set when retrying cannot help; an operator must look. */
  gaveUp?: boolean;
  sentAt?: string;
  /** While the call cannot be made yet (see `NotReadyError`): since when it has been waiting. */
  waitingSince?: string;
  /** Tries that ended waiting (they do not count towards `maxAttempts`). */
  waits?: number;
  /** When a record that kept waiting was flagged to the operators. */
  flaggedAt?: string;
}

/** The call cannot be made yet, and no person needs to act (yet): wait and try again. The message says why. */
export class NotReadyError extends Error {
  override name = "NotReadyError";
}

/** How long a record may wait (see `NotReadyError`) between tries, and before the operators are told. */
export interface WaitPolicy {
  /** Longest delay between tries while waiting. */
  maxMs: number;
  /** Waiting this long flags the record to the operators. */
  flagAfterMs: number;
}

/** Fourteen days: a payout or refund waiting longer than this is flagged to the operators. */
export const FLAG_AFTER_MS = 14 * 24 * 3_600_000;

/** How failed calls are retried. */
export interface RetryPolicy {
  /** First retry delay; doubles each attempt. */
  baseMs: number;
  /** Longest delay between attempts. */
  maxMs: number;
  /** Calls before giving up on retryable errors. */
  maxAttempts: number;
  /** How long a runner owns a call before another may take it over. */
  leaseMs: number;
}

/** Production retry timings: 30 s doubling to 1 h, 12 attempts, a 5-minute lease. */
export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 12, leaseMs: 5 * 60_000 };

/** What one run did. */
export type OnceOutcome =
  | "sent" // this run made the call and recorded it
  | "already_sent" // nothing to do
  | "busy" // another runner holds the lease; a later check is queued
  | "not_due" // a retry is already scheduled for later
  | "retry_scheduled" // the call failed; the retry is queued
  | "waiting" // the call cannot be made yet (funds pending); the next try is queued
  | "gave_up" // the call failed in a way retries cannot fix
  | "missing"; // there is no record

/** The effect a record stands for. */
export interface OnceTask<R extends OnceRecord, Result> {
  kv: Deno.Kv;
  key: Deno.KvKey;
  now: () => number;
  retry: RetryPolicy;
  /** The message that runs this task again (for busy and retry cases). */
  message: QueueMessage;
  /** A short name for logs, e.g. `payout`. */
  label: string;
  /** Makes the outside call; must be safe to repeat (idempotence key). */
  perform(record: R): Promise<Result>;
  /** Fields recorded with `sent`. */
  sentFields(result: Result): Partial<R>;
  /** Runs after `sent` is recorded, on every run that finds it sent; must be idempotent. */
  afterSent?(record: R): Promise<void>;
  /** While the call is not ready; default: the retry's `maxMs`, flagged after {@link FLAG_AFTER_MS}. */
  wait?: WaitPolicy;
}

/** Backoff before attempt `attempts + 1`, with ±20% jitter. */
export function retryDelay(policy: RetryPolicy, attempts: number): number {
  const base = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Runs the task once in effect; see the module comment. */
export async function runOnce<R extends OnceRecord, Result>(task: OnceTask<R, Result>): Promise<OnceOutcome> {
  const { kv, key } = task;
  let claimed: R;
  for (;;) {
    const entry = await kv.get<R>(key);
    const record = entry.value;
    if (!record) {
      log("warn", `${task.label}: no record`, { record: task.key.join("/") });
      return "missing";
    }
    if (record.state === "sent") {
      await task.afterSent?.(record);
      return "already_sent";
    }
    if (record.gaveUp) return "gave_up";
    const now = task.now();
    if (record.state === "sending" && (record.leaseUntil ?? 0) > now) {
      await enqueue(kv, task.message, { delay: record.leaseUntil! - now + 1000 });
      return "busy";
    }
    // The retry's own message is already queued for `nextAttemptAt` (a second of slack for early delivery).
    if (record.state !== "sending" && record.nextAttemptAt && Date.parse(record.nextAttemptAt) > now + 1000) {
      return "not_due";
    }
    const at = new Date(now).toISOString();
    claimed = {
      ...record,
      state: "sending",
      attempts: record.attempts + 1,
      lastAttemptAt: at,
      leaseUntil: now + task.retry.leaseMs,
      nextAttemptAt: undefined,
      updatedAt: at,
    };
    const result = await commit(() => kv.atomic().check(entry).set(key, claimed));
    if (result.ok) break;
  }

  let outcome: Result;
  try {
    outcome = await task.perform(claimed);
  } catch (error) {
    if (error instanceof NotReadyError) return await recordWaiting(task, claimed, error);
    return await recordFailure(task, claimed, error);
  }
  const sent = await recordSent(task, claimed, outcome);
  await task.afterSent?.(sent);
  return "sent";
}

async function recordSent<R extends OnceRecord, Result>(
  task: OnceTask<R, Result>,
  claimed: R,
  result: Result,
): Promise<R> {
  for (;;) {
    const entry = await task.kv.get<R>(task.key);
    if (entry.value?.state === "sent") return entry.value;
    const at = new Date(task.now()).toISOString();
    const sent: R = {
      ...(entry.value ?? claimed),
      ...task.sentFields(result),
      state: "sent",
      sentAt: at,
      updatedAt: at,
      leaseUntil: undefined,
      lastError: undefined,
      nextAttemptAt: undefined,
      waitingSince: undefined,
    };
    const committed = await commit(() => task.kv.atomic().check(entry).set(task.key, sent));
    if (committed.ok) {
      log("info", `${task.label} sent`, { record: task.key.join("/"), attempts: sent.attempts });
      return sent;
    }
  }
}

async function recordFailure<R extends OnceRecord, Result>(
  task: OnceTask<R, Result>,
  claimed: R,
  error: unknown,
): Promise<OnceOutcome> {
  const retryable = isRetryableWhopError(error);
  const gaveUp = !retryable || claimed.attempts - (claimed.waits ?? 0) >= task.retry.maxAttempts;
  const delay = retryDelay(task.retry, claimed.attempts);
  for (;;) {
    const entry = await task.kv.get<R>(task.key);
    const current = entry.value;
    // Another runner took over after our lease ended; its result stands.
    if (!current || current.state !== "sending" || current.attempts !== claimed.attempts) return "busy";
    const now = task.now();
    const failed: R = {
      ...current,
      state: "failed",
      lastError: describeWhopError(error),
      leaseUntil: undefined,
      gaveUp: gaveUp || undefined,
      nextAttemptAt: gaveUp ? undefined : new Date(now + delay).toISOString(),
      updatedAt: new Date(now).toISOString(),
    };
    const committed = await commit(() => {
      const op = task.kv.atomic().check(entry).set(task.key, failed);
      return gaveUp ? op : op.enqueue(task.message, { delay });
    });
    if (!committed.ok) continue;
    log(
      gaveUp ? "error" : "warn",
      gaveUp ? `${task.label} failed; needs an operator` : `${task.label} failed; retrying`,
      {
        record: task.key.join("/"),
        attempts: claimed.attempts,
        retryInMs: gaveUp ? undefined : delay,
        error: failed.lastError,
      },
    );
    return gaveUp ? "gave_up" : "retry_scheduled";
  }
}

/**
 * Records a try that could not be made yet: back to `pending`, the next try
 * queued after a doubling delay (at most `wait.maxMs`), and the record
 * flagged once it has waited `wait.flagAfterMs`.
 */
async function recordWaiting<R extends OnceRecord, Result>(
  task: OnceTask<R, Result>,
  claimed: R,
  error: NotReadyError,
): Promise<OnceOutcome> {
  const wait = task.wait ?? { maxMs: task.retry.maxMs, flagAfterMs: FLAG_AFTER_MS };
  const waits = (claimed.waits ?? 0) + 1;
  const delay = Math.min(wait.maxMs, retryDelay({ ...task.retry, maxMs: wait.maxMs }, waits));
  for (;;) {
    const entry = await task.kv.get<R>(task.key);
    const current = entry.value;
    if (!current || current.state !== "sending" || current.attempts !== claimed.attempts) return "busy";
    const now = task.now();
    const waitingSince = current.waitingSince ?? claimed.lastAttemptAt ?? new Date(now).toISOString();
    const flag = !current.flaggedAt && now - Date.parse(waitingSince) >= wait.flagAfterMs;
    const waiting: R = {
      ...current,
      state: "pending",
      waits,
      waitingSince,
      lastError: error.message,
      leaseUntil: undefined,
      nextAttemptAt: new Date(now + delay).toISOString(),
      updatedAt: new Date(now).toISOString(),
      ...(flag ? { flaggedAt: new Date(now).toISOString() } : {}),
    };
    const committed = await commit(() =>
      task.kv.atomic().check(entry).set(task.key, waiting).enqueue(task.message, { delay })
    );
    if (!committed.ok) continue;
    if (flag) {
      log("error", `${task.label} still waiting; needs an operator`, {
        record: task.key.join("/"),
        waitingSince,
        waits,
        reason: error.message,
      });
    } else {
      log("info", `${task.label} waiting`, { record: task.key.join("/"), retryInMs: delay, reason: error.message });
    }
    return "waiting";
  }
}

/**
 * Lets a record that gave up run again (an operator fixed the cause, e.g.
 * topped up the company balance) and queues it. Returns whether it changed.
 */
export async function resumeOnce<R extends OnceRecord>(
  kv: Deno.Kv,
  key: Deno.KvKey,
  message: QueueMessage,
  now: number,
): Promise<boolean> {
  const entry = await kv.get<R>(key);
  if (!entry.value || entry.value.state === "sent" || !entry.value.gaveUp) return false;
  const next: R = {
    ...entry.value,
    gaveUp: undefined,
    nextAttemptAt: undefined,
    updatedAt: new Date(now).toISOString(),
  };
  const result = await commit(() => kv.atomic().check(entry).set(key, next).enqueue(message));
  return result.ok;
}

/**
 * Records `record` at `key`, only if absent, and queues `message` in the
 * same commit (`extra` adds writes to it): the request of an exactly-once
 * effect. A record already there is returned as it is, and queued again
 * unless sent or given up (harmless: how a run lost in a crash is resumed).
 */
export async function requestOnce<R extends OnceRecord>(
  kv: Deno.Kv,
  key: Deno.KvKey,
  record: R,
  message: QueueMessage,
  extra: (op: Deno.AtomicOperation) => Deno.AtomicOperation = (op) => op,
): Promise<{ record: R; created: boolean }> {
  for (;;) {
    const existing = await kv.get<R>(key);
    if (existing.value) {
      if (existing.value.state !== "sent" && !existing.value.gaveUp) await enqueue(kv, message);
      return { record: existing.value, created: false };
    }
    const result = await commit(() => extra(enqueueIn(kv.atomic().check(existing).set(key, record), message)));
    if (result.ok) return { record, created: true };
  }
}
