/**
 * The process's one KV queue worker. `kv.listenQueue` may be called only
 * once per KV handle, so every kind of one-off job (payouts, refunds,
 * backfills, …) is a typed message `{ type, ...payload }` dispatched through
 * one registry of handlers.
 *
 * Adding a job type, without touching anyone else's:
 *
 * ```ts
 * // in your module
 * declare module "../queue.ts" {
 *   interface QueueMessages {
 *     backfill: { participantId: string };
 *   }
 * }
 * worker.on("backfill", (message) => runBackfill(deps, message.participantId));
 * await enqueue(kv, { type: "backfill", participantId });
 * ```
 *
 * Delivery is at least once (a handler that throws is redelivered by Deno KV
 * with its backoff schedule), so every handler must be idempotent.
 */
import { commit } from "./db.ts";
import { log } from "./log.ts";

/**
 * The payload of each message type, by type. Other modules add their own
 * types by interface merging (see the module comment).
 */
// deno-lint-ignore no-empty-interface
export interface QueueMessages {}

/** A message type name. */
export type QueueMessageType = keyof QueueMessages;

/** A queue message: `{ type }` and that type's payload. */
export type QueueMessage<K extends QueueMessageType = QueueMessageType> = {
  [T in K]: { type: T } & QueueMessages[T];
}[K];

/** Handles one message type. Throwing asks Deno KV to redeliver it later. */
export type QueueHandler<K extends QueueMessageType> = (message: QueueMessage<K>) => Promise<void>;

/** Options of an enqueue; `delay` in milliseconds. */
export interface EnqueueOptions {
  delay?: number;
}

/**
 * Enqueues a message.
 *
 * @example
 * await enqueue(kv, { type: "payout", competitionId }, { delay: 30_000 });
 */
export async function enqueue(kv: Deno.Kv, message: QueueMessage, options: EnqueueOptions = {}): Promise<void> {
  await commit(() => enqueueIn(kv.atomic(), message, options));
}

/**
 * Adds a message to an atomic operation, so that it is enqueued if and only
 * if the rest of the operation commits.
 *
 * @example
 * await commit(() => enqueueIn(kv.atomic().check(absent).set(key, record), { type: "payout", competitionId }));
 */
export function enqueueIn(
  op: Deno.AtomicOperation,
  message: QueueMessage,
  options: EnqueueOptions = {},
): Deno.AtomicOperation {
  return op.enqueue(message, options.delay ? { delay: Math.max(0, Math.round(options.delay)) } : undefined);
}

const listening = new WeakSet<Deno.Kv>();

/** The registry of handlers and the one listener of a KV handle. */
export class QueueWorker {
  readonly #kv: Deno.Kv;
  readonly #handlers = new Map<string, (message: QueueMessage) => Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();
  #stopping = false;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Registers the handler of one message type; each type has exactly one. */
  on<K extends QueueMessageType>(type: K, handler: QueueHandler<K>): this {
    if (this.#handlers.has(type)) throw new Error(`The queue already has a handler for "${type}".`);
    this.#handlers.set(type, handler as unknown as (message: QueueMessage) => Promise<void>);
    return this;
  }

  /** The registered message types. */
  get types(): string[] {
    return [...this.#handlers.keys()];
  }

  /**
   * Dispatches one raw message to its handler. Unknown or malformed messages
   * are logged and dropped; a handler's error is logged and rethrown (so the
   * message is redelivered).
   */
  async handle(raw: unknown): Promise<void> {
    const type = typeof raw === "object" && raw !== null && "type" in raw ? (raw as { type: unknown }).type : undefined;
    const handler = typeof type === "string" ? this.#handlers.get(type) : undefined;
    if (!handler) {
      log("error", "queue message dropped: no handler", { type: String(type) });
      return;
    }
    try {
      await handler(raw as QueueMessage);
    } catch (error) {
      log("error", "queue handler failed; the message will be redelivered", { type, error });
      throw error;
    }
  }

  /**
   * Starts listening (once per KV handle; a second call throws). Resolves
   * when the KV handle closes.
   */
  listen(): Promise<void> {
    if (listening.has(this.#kv)) throw new Error("This KV handle already has a queue listener.");
    listening.add(this.#kv);
    return this.#kv.listenQueue((raw) => {
      // A message delivered while stopping fails, so Deno KV delivers it again later (to this or another instance).
      if (this.#stopping) return Promise.reject(new Error("The queue worker is stopping."));
      const handled = this.handle(raw);
      const tracked = handled.catch(() => {});
      this.#inFlight.add(tracked);
      tracked.finally(() => this.#inFlight.delete(tracked));
      return handled;
    });
  }

  /**
   * Stops taking messages and waits up to `timeoutMs` for those being
   * handled (graceful shutdown). Resolves `"drained"` or, when some were
   * still running at the deadline, `"timed_out"` (they are delivered again).
   */
  async stop(timeoutMs: number): Promise<"drained" | "timed_out"> {
    this.#stopping = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"timed_out">((resolve) => timer = setTimeout(() => resolve("timed_out"), timeoutMs));
    const drained = Promise.all(this.#inFlight).then(() => "drained" as const);
    const outcome = await Promise.race([drained, deadline]);
    clearTimeout(timer);
    return outcome;
  }
}
