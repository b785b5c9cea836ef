/**
 * Group commit: many small read-modify-write tasks that arrive within a few
 * milliseconds share one Deno KV atomic commit, because a commit (a SQLite
 * transaction) costs far more than the work of one task.
 *
 * - Each task declares the keys it will read, then runs against a
 *   transaction view: reads see the writes of earlier tasks of the same
 *   batch, every value read from KV becomes an optimistic `check` on its
 *   versionstamp, and writes are staged (the last write of a key wins).
 * - One batch is in flight per KV handle; tasks arriving meanwhile (within
 *   the few ms of a commit) wait for the next one, so batches grow with the
 *   load and a task on a quiet handle is committed at once.
 * - A batch stays inside Deno KV's limits on one atomic operation (measured
 *   on Deno 2.9.6: 100 checks, 1,000 mutations, 819,200 bytes of mutations,
 *   81,920 bytes of keys); a task that would cross one waits for the next.
 * - Each task's promise settles only after the commit that holds its writes
 *   succeeded, so a caller answering after it never acknowledges a write
 *   that is not durable.
 * - When a check fails (another process wrote a key the batch read), the
 *   checked keys are read again and the tasks are re-run on the fresh
 *   values; a task whose keys did not change stages the very same writes, so
 *   only the affected ones change. After repeated conflicts the batch is
 *   halved, so heavy contention still makes progress.
 * - Entries the handle committed or read are kept (bounded) so the next batch
 *   reads only what it has not seen; a stale one fails its check and is read
 *   again, so the cache can cost a retry but never a wrong write.
 *
 * One idea, past 300 lines: the committer's batching, limits, conflict
 * retries and cache act on one shared batch state, and each rule above is
 * only safe given the others; the module is that one class and its helpers.
 */
import { commit } from "./db.ts";

/** What a task sees and writes while its batch is being built. */
export interface GroupTransaction {
  /** The value of `key`: this batch's staged write, or what KV holds (checked at commit). */
  get<T>(key: Deno.KvKey): Promise<T | null>;
  /** Stages a write of `key`. */
  set(key: Deno.KvKey, value: unknown): void;
  /** Stages a delete of `key`. */
  delete(key: Deno.KvKey): void;
  /**
   * Adds writes that are not read back in the batch (e.g. a delivery id with
   * an expiry) to the commit; `mutations` is how many it adds at most.
   */
  also(add: (op: Deno.AtomicOperation) => Deno.AtomicOperation, mutations?: number): void;
}

/** One task: its keys (read together with the batch's) and its deterministic body, which may run more than once. */
export interface GroupTask<R> {
  reads: readonly Deno.KvKey[];
  run(tx: GroupTransaction): Promise<R>;
}

/** Limits of one atomic operation (Deno KV's, with room for the estimate's error). */
export interface GroupCommitLimits {
  checks: number;
  mutations: number;
  /** Estimated bytes of keys plus values written. */
  mutationBytes: number;
  /** Estimated bytes of every key checked or written. */
  keyBytes: number;
  /** Tasks in one batch. */
  tasks: number;
}

/** Deno KV's limits per atomic operation, with margins on the byte estimates. */
export const KV_ATOMIC_LIMITS: GroupCommitLimits = {
  checks: 100,
  mutations: 1000,
  mutationBytes: 640 * 1024,
  keyBytes: 64 * 1024,
  tasks: 256,
};

/** Counters of a committer (tests and benchmarks). */
export interface GroupCommitStats {
  /** Tasks settled. */
  tasks: number;
  /** Successful commits. */
  commits: number;
  /** Commits refused by a failed check (then retried). */
  conflicts: number;
  /** The most tasks one commit carried. */
  largestBatch: number;
}

/** How a committer is built. */
export interface GroupCommitOptions {
  /**
   * How long the first task of an idle committer waits for others, ms
   * (default 0: it starts as soon as the current task has run; the tasks that
   * arrive while its commit is in flight form the next batch).
   */
  gatherMs?: number;
  limits?: GroupCommitLimits;
  /** Entries kept between batches (default 20,000). */
  cacheEntries?: number;
}

interface Pending {
  task: GroupTask<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Staged {
  key: Deno.KvKey;
  value: unknown;
  deleted: boolean;
  bytes: number;
}

interface Known {
  value: unknown;
  versionstamp: string | null;
}

const CONFLICTS_BEFORE_SPLIT = 3;
const LIMIT_ERROR = /too many|too large/i;

/** Gathers tasks on one KV handle into shared atomic commits; see the module comment. */
export class GroupCommitter {
  #queue: Pending[] = [];
  #scheduled = false;
  #flushing = false;
  #known = new Map<string, Known>();
  #stats: GroupCommitStats = { tasks: 0, commits: 0, conflicts: 0, largestBatch: 0 };
  readonly #gatherMs: number;
  readonly #limits: GroupCommitLimits;
  readonly #cacheEntries: number;

  constructor(private readonly kv: Deno.Kv, options: GroupCommitOptions = {}) {
    this.#gatherMs = options.gatherMs ?? 0;
    this.#limits = options.limits ?? KV_ATOMIC_LIMITS;
    this.#cacheEntries = options.cacheEntries ?? 20_000;
  }

  /** Runs `task` in the next batch; settles once its writes are committed. */
  submit<R>(task: GroupTask<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ task, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Current counters. */
  stats(): GroupCommitStats {
    return { ...this.#stats };
  }

  #schedule(): void {
    if (this.#flushing || this.#scheduled || this.#queue.length === 0) return;
    this.#scheduled = true;
    const start = () => {
      this.#scheduled = false;
      this.#flush();
    };
    // With no wait, the batch starts once the current task has run (every task it submitted joins); tasks
    // arriving while a commit is in flight gather for the next one.
    if (this.#gatherMs > 0) setTimeout(start, this.#gatherMs);
    else queueMicrotask(start);
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) await this.#commitNext();
    } finally {
      this.#flushing = false;
      this.#schedule();
    }
  }

  /** Commits one batch from the head of the queue (tasks that do not fit stay queued). */
  async #commitNext(): Promise<void> {
    let candidates = this.#queue.splice(0, this.#limits.tasks);
    await this.#prefetch(candidates.flatMap((p) => p.task.reads), false);
    for (let conflicts = 0;;) {
      const batch = await this.#build(candidates);
      if (batch.accepted.length === 0) {
        this.#queue.unshift(...batch.deferred);
        return;
      }
      let result: Deno.KvCommitResult | Deno.KvCommitError;
      try {
        result = await commit(() => batch.operation());
      } catch (error) {
        if (batch.accepted.length > 1 && error instanceof Error && LIMIT_ERROR.test(error.message)) {
          // The estimate missed: commit the first half now and the rest after.
          const half = Math.ceil(batch.accepted.length / 2);
          this.#queue.unshift(...batch.accepted.slice(half).map((a) => a.pending), ...batch.deferred);
          candidates = batch.accepted.slice(0, half).map((a) => a.pending);
          continue;
        }
        for (const { pending } of batch.accepted) pending.reject(error);
        this.#queue.unshift(...batch.deferred);
        return;
      }
      if (result.ok) {
        this.#remember(batch, result.versionstamp);
        this.#stats.commits++;
        this.#stats.tasks += batch.accepted.length;
        this.#stats.largestBatch = Math.max(this.#stats.largestBatch, batch.accepted.length);
        this.#queue.unshift(...batch.deferred);
        for (const { pending, value } of batch.accepted) pending.resolve(value);
        return;
      }
      // Another writer changed a key the batch read: read the checked keys again and re-run on fresh values.
      this.#stats.conflicts++;
      await this.#prefetch(batch.checks.map((c) => c.key), true);
      if (++conflicts >= CONFLICTS_BEFORE_SPLIT && batch.accepted.length > 1) {
        conflicts = 0;
        const half = Math.ceil(batch.accepted.length / 2);
        this.#queue.unshift(...batch.accepted.slice(half).map((a) => a.pending), ...batch.deferred);
        candidates = batch.accepted.slice(0, half).map((a) => a.pending);
      } else {
        candidates = [...batch.accepted.map((a) => a.pending), ...batch.deferred];
      }
    }
  }

  /** Reads `keys` not yet known (or all of them when `fresh`), ten per `getMany`, in parallel. */
  async #prefetch(keys: readonly Deno.KvKey[], fresh: boolean): Promise<void> {
    const wanted = new Map<string, Deno.KvKey>();
    for (const key of keys) {
      const id = keyId(key);
      if (fresh || !this.#known.has(id)) wanted.set(id, key);
    }
    const list = [...wanted.values()];
    const chunks: Deno.KvKey[][] = [];
    for (let i = 0; i < list.length; i += 10) chunks.push(list.slice(i, i + 10));
    const results = await Promise.all(chunks.map((chunk) => this.kv.getMany(chunk)));
    for (const entries of results) {
      for (const entry of entries) this.#learn(keyId(entry.key), entry.value, entry.versionstamp);
    }
  }

  #learn(id: string, value: unknown, versionstamp: string | null): void {
    if (this.#known.size >= this.#cacheEntries && !this.#known.has(id)) this.#known.clear();
    this.#known.set(id, { value, versionstamp });
  }

  /** Runs the candidates in order on one staging area, keeping each only if the batch stays within the limits. */
  async #build(candidates: Pending[]) {
    const staged = new Map<string, Staged>();
    const checks = new Map<string, Deno.AtomicCheck>();
    const extras: ((op: Deno.AtomicOperation) => Deno.AtomicOperation)[] = [];
    const accepted: { pending: Pending; value: unknown }[] = [];
    const deferred: Pending[] = [];
    let extraMutations = 0;
    let mutationBytes = 0;
    let keyBytes = 0;
    for (const pending of candidates) {
      if (deferred.length > 0) {
        // Keep the arrival order: once one task waits, the ones after it wait too.
        deferred.push(pending);
        continue;
      }
      const mine = new Map<string, Staged>();
      const myChecks = new Map<string, Deno.AtomicCheck>();
      const myExtras: typeof extras = [];
      let myExtraMutations = 0;
      const tx: GroupTransaction = {
        get: async <T>(key: Deno.KvKey) => {
          const id = keyId(key);
          const write = mine.get(id) ?? staged.get(id);
          if (write) return (write.deleted ? null : write.value) as T | null;
          let known = this.#known.get(id);
          if (!known) {
            const entry = await this.kv.get(key);
            known = { value: entry.value, versionstamp: entry.versionstamp };
            this.#learn(id, known.value, known.versionstamp);
          }
          if (!checks.has(id)) myChecks.set(id, { key, versionstamp: known.versionstamp });
          return known.value as T | null;
        },
        set: (key, value) => {
          mine.set(keyId(key), { key, value, deleted: false, bytes: estimateBytes(key) + estimateBytes(value) });
        },
        delete: (key) => {
          mine.set(keyId(key), { key, value: null, deleted: true, bytes: estimateBytes(key) });
        },
        also: (add, mutations = 2) => {
          myExtras.push(add);
          myExtraMutations += mutations;
        },
      };
      let value: unknown;
      try {
        value = await pending.task.run(tx);
      } catch (error) {
        pending.reject(error);
        continue;
      }
      let addedBytes = 0;
      let addedKeyBytes = 0;
      let addedMutations = 0;
      for (const [id, write] of mine) {
        const before = staged.get(id);
        addedBytes += write.bytes - (before?.bytes ?? 0);
        if (!before) {
          addedMutations++;
          addedKeyBytes += estimateBytes(write.key);
        }
      }
      for (const check of myChecks.values()) addedKeyBytes += estimateBytes(check.key);
      const limits = this.#limits;
      const fits = checks.size + myChecks.size <= limits.checks &&
        staged.size + addedMutations + extraMutations + myExtraMutations <= limits.mutations &&
        mutationBytes + addedBytes + (extraMutations + myExtraMutations) * 256 <= limits.mutationBytes &&
        keyBytes + addedKeyBytes <= limits.keyBytes;
      if (!fits) {
        if (accepted.length === 0) {
          pending.reject(new Error("One task is larger than a Deno KV atomic operation allows."));
          continue;
        }
        deferred.push(pending);
        continue;
      }
      for (const [id, write] of mine) staged.set(id, write);
      for (const [id, check] of myChecks) checks.set(id, check);
      extras.push(...myExtras);
      extraMutations += myExtraMutations;
      mutationBytes += addedBytes;
      keyBytes += addedKeyBytes;
      accepted.push({ pending, value });
    }
    const operation = () => {
      const op = this.kv.atomic().check(...checks.values());
      for (const write of staged.values()) {
        if (write.deleted) op.delete(write.key);
        else op.set(write.key, write.value);
      }
      for (const add of extras) add(op);
      return op;
    };
    return { accepted, deferred, staged, checks: [...checks.values()], operation };
  }

  /** After a commit: what every staged and checked key now holds. */
  #remember(batch: { staged: Map<string, Staged>; checks: Deno.AtomicCheck[] }, versionstamp: string): void {
    for (const [id, write] of batch.staged) {
      this.#learn(id, write.deleted ? null : write.value, write.deleted ? null : versionstamp);
    }
  }
}

const committers = new WeakMap<Deno.Kv, GroupCommitter>();

/** The committer of a KV handle (one per handle, made on first use with the default settings). */
export function groupCommitterOf(kv: Deno.Kv): GroupCommitter {
  let committer = committers.get(kv);
  if (!committer) {
    committer = new GroupCommitter(kv);
    committers.set(kv, committer);
  }
  return committer;
}

/** A string identifying a key (part types kept apart: `1` and `"1"` differ). */
function keyId(key: Deno.KvKey): string {
  // Keys of strings and numbers (nearly all) need no replacer, which costs more than the rest of the call.
  if (key.every((part) => typeof part === "string" || typeof part === "number")) return JSON.stringify(key);
  return JSON.stringify(key, (_, part) => {
    if (typeof part === "bigint") return `${part}n`;
    if (part instanceof Uint8Array) return `u8:${Array.from(part).join(",")}`;
    return part;
  });
}

/** A rough size of a key or value as stored (JSON length; KV's V8 serialization is of the same order). */
function estimateBytes(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === "string") return value.length + 4;
  if (typeof value === "number" || typeof value === "boolean") return 9;
  // A replacer runs for every property (it was 3 % of a webhook's main thread): only values holding a bigint,
  // which JSON.stringify refuses with a TypeError, take it.
  try {
    return (JSON.stringify(value) ?? "").length + 16;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return (JSON.stringify(value, (_, v) => typeof v === "bigint" ? String(v) : v) ?? "").length + 16;
  }
}
