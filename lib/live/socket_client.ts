/**
 * One live-stream subscriber on a raw TCP connection of the lean stream
 * server (`stream_server.ts`). `Deno.serve` gives every streamed response
 * body a native channel of 1,024 buffer slots (~40 KiB) on top of its
 * connection state; writing the shared, pre-encoded frames straight to the
 * socket keeps a subscriber to this object, its socket and a pending read.
 */
import type { LiveSink } from "./client.ts";
import type { LiveFrame } from "./sse.ts";

/** Scratch space for the reads that only watch for the peer closing; what a client sends after its request is ignored. */
const IGNORED = new Uint8Array(256);

/**
 * A subscriber writing frames to its socket one write at a time. While a
 * write is pending, the newest frame of each kind waits (a newer leaderboard
 * replaces an older one), as `LiveClient` does for a full stream.
 */
export class SocketClient implements LiveSink {
  #held: Map<LiveFrame["kind"], Uint8Array> | undefined;
  /** The bytes of the write in flight; undefined when no write is pending. */
  #pending: Uint8Array | undefined;
  #stalledSince: number | undefined;
  #open = true;

  /**
   * Starts with `preamble` (the response head and the `retry:` hint);
   * `onGone` is called once when the peer goes away or a write fails.
   */
  constructor(
    private readonly conn: Deno.Conn,
    preamble: Uint8Array,
    private readonly now: () => number,
    private readonly onGone: () => void,
  ) {
    this.#write(preamble);
    this.#watchClose();
  }

  /** Whether the connection still takes frames. */
  get open(): boolean {
    return this.#open;
  }

  /** Since when frames have waited behind a write that made no progress. */
  get stalledSince(): number | undefined {
    return this.#stalledSince;
  }

  /** Writes a frame now, or holds it back while a write is pending. */
  send(frame: LiveFrame): void {
    if (!this.#open) return;
    if (!this.#pending) {
      this.#write(frame.bytes);
      return;
    }
    if (frame.kind === "heartbeat" && this.#held?.size) return;
    this.#held ??= new Map();
    this.#held.delete(frame.kind);
    this.#held.set(frame.kind, frame.bytes);
    this.#stalledSince ??= this.now();
  }

  /** Closes the connection of a subscriber that stopped reading. */
  drop(_reason: string): void {
    if (this.#release()) this.#closeConn();
  }

  /** Closes the connection (server shutdown). */
  close(): void {
    if (this.#release()) this.#closeConn();
  }

  /**
   * Starts writing `bytes`. One write at a time, each continued by the two
   * handlers made once per client: a broadcast allocates a write's promises
   * per client and no closure, view or async frame (less garbage for the
   * collector to promote while thousands of writes are pending: BENCHMARKS.md).
   */
  #write(bytes: Uint8Array): void {
    this.#pending = bytes;
    this.conn.write(bytes).then(this.#written, this.#failed);
  }

  /** A write took `n` bytes: the rest of the frame goes next, then the next held frame. */
  readonly #written = (n: number): void => {
    const pending = this.#pending;
    this.#pending = undefined;
    if (!this.#open || !pending) return;
    const next = n < pending.byteLength ? pending.subarray(n) : this.#nextHeld();
    if (next) this.#write(next);
  };

  readonly #failed = (): void => {
    this.#pending = undefined;
    this.#gone();
  };

  /** The next held frame, the longest-waiting kind first (a kind held again goes last); progress resets the stall clock. */
  #nextHeld(): Uint8Array | undefined {
    const next = this.#held?.entries().next();
    if (!next || next.done) {
      this.#stalledSince = undefined;
      return undefined;
    }
    this.#held!.delete(next.value[0]);
    this.#stalledSince = this.now();
    return next.value[1];
  }

  async #watchClose(): Promise<void> {
    try {
      while (this.#open && (await this.conn.read(IGNORED)) !== null) {
        // The peer sent more bytes; keep waiting for the end.
      }
    } catch {
      // Reset by the peer, or closed here.
    }
    this.#gone();
  }

  #gone(): void {
    if (!this.#release()) return;
    this.#closeConn();
    this.onGone();
  }

  #closeConn(): void {
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }

  #release(): boolean {
    if (!this.#open) return false;
    this.#open = false;
    this.#held = undefined;
    return true;
  }
}
