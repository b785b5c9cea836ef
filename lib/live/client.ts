/**
 * One live-stream client: a byte-bounded `ReadableStream` the HTTP server
 * pulls from, plus a coalescing hold-back of at most one frame per event kind
 * for when the client is not keeping up.
 */
import type { LiveFrame } from "./sse.ts";

/**
 * What a channel needs of one subscriber, whatever carries its bytes: a
 * `ReadableStream` served by `Deno.serve` (`LiveClient`) or a raw socket of
 * the lean stream server (`SocketClient`).
 */
export interface LiveSink {
  /** Whether it still takes frames. */
  readonly open: boolean;
  /** Since when (monotonic ms) frames have waited without progress; undefined when keeping up. */
  readonly stalledSince: number | undefined;
  /** Sends a frame, or holds it back (the newest of its kind) while the connection is busy. */
  send(frame: LiveFrame): void;
  /** Drops a subscriber that stopped reading. */
  drop(reason: string): void;
  /** Ends the stream normally (server shutdown). */
  close(): void;
}

/** Raised into the stream of a client that stopped reading; the server then closes its connection. */
export class SlowClientError extends Error {
  override name = "SlowClientError";
}

/** How a client is built. */
export interface LiveClientOptions {
  /** Bytes queued in the stream before frames are held back (the stream's high-water mark). */
  maxBufferedBytes: number;
  /** Bytes sent before anything else (the `retry:` hint). */
  preamble: Uint8Array;
  /** A monotonic clock in milliseconds. */
  now: () => number;
  /** Called once when the consumer goes away (client abort, connection closed). */
  onCancel: () => void;
}

/**
 * A client's outgoing stream. Frames go straight into the stream's queue while
 * it has room (`desiredSize > 0`); otherwise the newest frame of each kind
 * waits in a hold-back map (a newer leaderboard replaces an unsent older one)
 * and the client counts as stalled until the server pulls again.
 */
export class LiveClient implements LiveSink {
  /** The response body. */
  readonly stream: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #held = new Map<LiveFrame["kind"], Uint8Array>();
  #stalledSince: number | undefined;
  #open = true;
  #now: () => number;
  #preamble: Uint8Array;

  constructor(options: LiveClientOptions) {
    this.#now = options.now;
    this.#preamble = options.preamble;
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
        controller.enqueue(options.preamble);
      },
      pull: () => this.#flush(),
      cancel: () => {
        if (!this.#release()) return;
        options.onCancel();
      },
    }, { highWaterMark: options.maxBufferedBytes, size: (chunk) => chunk.byteLength });
  }

  /** Whether the stream is still open. */
  get open(): boolean {
    return this.#open;
  }

  /** Since when (monotonic ms) frames have been held back without the server pulling; undefined when keeping up. */
  get stalledSince(): number | undefined {
    return this.#stalledSince;
  }

  /** Queues a frame, or holds it back (replacing an older frame of its kind) when the stream is full. */
  send(frame: LiveFrame): void {
    if (!this.#open) return;
    if (this.#held.size === 0 && (this.#controller.desiredSize ?? 0) > 0) {
      this.#controller.enqueue(frame.bytes);
      return;
    }
    if (frame.kind === "heartbeat" && this.#held.size > 0) return;
    this.#held.delete(frame.kind);
    this.#held.set(frame.kind, frame.bytes);
    this.#stalledSince ??= this.#now();
  }

  /** Drops a client that stopped reading: the stream errors, its queue is freed and the server closes the connection. */
  drop(reason: string): void {
    if (this.#release()) this.#controller.error(new SlowClientError(reason));
  }

  /** Ends the stream normally (server shutdown), repeating the `retry:` hint so the browser reconnects, elsewhere. */
  close(): void {
    if (!this.#release()) return;
    this.#controller.enqueue(this.#preamble);
    this.#controller.close();
  }

  #flush(): void {
    for (const [kind, bytes] of this.#held) {
      if ((this.#controller.desiredSize ?? 0) <= 0) break;
      this.#held.delete(kind);
      this.#controller.enqueue(bytes);
    }
    this.#stalledSince = this.#held.size > 0 ? this.#now() : undefined;
  }

  #release(): boolean {
    if (!this.#open) return false;
    this.#open = false;
    this.#held.clear();
    return true;
  }
}
