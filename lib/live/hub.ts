/**
 * The live hub: every open event stream of this process, whether served by
 * `Deno.serve` (`open`) or on a raw socket of the lean stream server
 * (`openSocket`), grouped by competition (by division, for a competition with
 * divisions), with one channel (one KV watch, one poll, one payload per tick)
 * per board that has at least one client, and one heartbeat timer for all of them.
 */
import { LiveChannel, type LiveChannelSettings } from "./channel.ts";
import { LiveClient, type LiveSink } from "./client.ts";
import { SocketClient } from "./socket_client.ts";
import { retryBytes } from "./sse.ts";
import type { RenderLeaderboard, RenderOwnStore } from "./state.ts";
import { log } from "../core/log.ts";
import { leaderboardView } from "../competitions/views.ts";
import { ownStoreView } from "../competitions/own_store.ts";
import type { Competition } from "../competitions/competitions.ts";

export { SlowClientError } from "./client.ts";
export type { LiveLeaderboard, RenderLeaderboard } from "./state.ts";

/** How a hub is built; every timing has a production default. */
export interface LiveHubOptions {
  kv: Deno.Kv;
  /** Builds the leaderboard JSON of a competition (the `GET …/leaderboard` body). */
  render: RenderLeaderboard;
  /** Builds a store owner's own panels (`own` events); default `ownStoreView`. */
  renderOwn?: RenderOwnStore;
  /** Change-key poll interval, ms (default 250). */
  pollMs?: number;
  /**
   * Minimum interval between two rebuilds of one competition, ms (default 100):
   * a change after a quiet interval is sent at once, changes in a row share a
   * rebuild at the end of the interval.
   */
  coalesceMs?: number;
  /** Interval of `: heartbeat` comments to streams that carried nothing for half of it, ms (default 15 000). */
  heartbeatMs?: number;
  /** The `retry:` hint sent to clients, ms (default 3 000). */
  retryMs?: number;
  /** A client whose frames are held back this long without the server pulling is dropped, ms (default 30 000). */
  slowClientMs?: number;
  /** Bytes queued per client before frames are held back (default 64 KiB). */
  maxBufferedBytes?: number;
}

/** Counters for tests, benchmarks and the health of the live view. */
export interface LiveStats {
  /** Boards with a running channel (one KV watch each): a competition's, or one division's. */
  competitions: number;
  /** Clients currently subscribed. */
  clients: number;
  /** Clients dropped because they stopped reading, since the hub was built. */
  drops: number;
}

/**
 * The live hub of one process.
 *
 * @example
 * const hub = new LiveHub({ kv, render: (competition, viewerId, division) => leaderboardView(kv, competition, 100, viewerId, division) });
 * return new Response(hub.open(competition.id), { headers: { "content-type": "text/event-stream" } });
 */
export class LiveHub implements AsyncDisposable {
  #channels = new Map<string, LiveChannel>();
  #stopping = new Set<Promise<void>>();
  #drops = 0;
  #settings: LiveChannelSettings;
  #heartbeatMs: number;
  /** One timer sends the heartbeats of every channel; it runs while there is a channel. */
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #retry: Uint8Array;
  #maxBufferedBytes: number;

  constructor(options: LiveHubOptions) {
    this.#settings = {
      kv: options.kv,
      render: options.render,
      renderOwn: options.renderOwn ??
        ((competition, participant) => ownStoreView(options.kv, participant, competition.currency)),
      pollMs: options.pollMs ?? 250,
      coalesceMs: options.coalesceMs ?? 100,
      slowClientMs: options.slowClientMs ?? 30_000,
      now: () => performance.now(),
    };
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#retry = retryBytes(options.retryMs ?? 3_000);
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024;
  }

  /**
   * Opens an event stream on a competition known to exist: it starts with the
   * `retry:` hint and a fresh snapshot, then carries every coalesced change.
   * Cancelling the stream (the client going away) unsubscribes at once.
   * Everyone shares the strangers' stream; `viewerId` opens that viewer's own
   * (under privacy mode, a creator's or a store owner's: a channel per
   * viewer, whose frames carry what they may see, at every change of it).
   * With divisions, `division` is the board it carries (one the competition
   * has). With `participantId` (the caller's own store, checked by the
   * caller), the stream also carries that store's own panels on each of its
   * changes.
   */
  open(
    competitionId: string,
    viewerId?: string,
    division?: number,
    participantId?: string,
  ): ReadableStream<Uint8Array> {
    const channel = this.#channelOf(competitionId, viewerId, division);
    const client: LiveClient = new LiveClient({
      maxBufferedBytes: this.#maxBufferedBytes,
      preamble: this.#retry,
      now: this.#settings.now,
      onCancel: () => channel.leave(client),
    });
    this.#join(channel, client, participantId);
    return client.stream;
  }

  /**
   * Serves the event stream of a competition known to exist on a raw
   * connection (the lean stream server): writes `head` (the HTTP response
   * head) and the `retry:` hint, then the same frames as `open`.
   */
  openSocket(competitionId: string, conn: Deno.Conn, head: Uint8Array, division?: number): void {
    const channel = this.#channelOf(competitionId, undefined, division);
    const preamble = new Uint8Array(head.byteLength + this.#retry.byteLength);
    preamble.set(head);
    preamble.set(this.#retry, head.byteLength);
    const client: SocketClient = new SocketClient(conn, preamble, this.#settings.now, () => channel.leave(client));
    this.#join(channel, client);
  }

  /** Current counters. */
  stats(): LiveStats {
    let clients = 0;
    for (const channel of this.#channels.values()) clients += channel.clients.size;
    return { competitions: this.#channels.size, clients, drops: this.#drops };
  }

  /** Ends every stream and stops every watch; settles when no KV call is left in flight. */
  async close(): Promise<void> {
    for (const channel of this.#channels.values()) this.#track(channel.stop());
    this.#channels.clear();
    this.#heartbeatTimer = clearTimer(this.#heartbeatTimer);
    await Promise.all(this.#stopping);
  }

  /** Same as `close`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #channelOf(competitionId: string, viewerId?: string, division?: number): LiveChannel {
    const key = [competitionId, viewerId ?? "", division ?? ""].join(" ").trimEnd();
    const existing = this.#channels.get(key);
    if (existing?.running) return existing;
    const settings = viewerId === undefined && division === undefined ? this.#settings : {
      ...this.#settings,
      render: (competition: Competition) => this.#settings.render(competition, viewerId, division),
    };
    const channel = new LiveChannel(competitionId, settings, {
      onDrop: () => this.#drops++,
      onIdle: (stopped) => {
        if (this.#channels.get(key) === channel) this.#channels.delete(key);
        if (this.#channels.size === 0) this.#heartbeatTimer = clearTimer(this.#heartbeatTimer);
        this.#track(stopped);
      },
    });
    this.#channels.set(key, channel);
    this.#heartbeatTimer ??= setInterval(() => {
      for (const each of this.#channels.values()) each.heartbeat(this.#heartbeatMs);
    }, this.#heartbeatMs);
    return channel;
  }

  #join(channel: LiveChannel, client: LiveSink, participantId?: string): void {
    channel.join(client, participantId).catch((error) => {
      log("warn", "live snapshot failed", { competitionId: channel.competitionId, error });
      client.drop("The live view could not be loaded; reconnect to retry.");
    });
  }

  #track(stopped: Promise<void>): void {
    this.#stopping.add(stopped);
    stopped.finally(() => this.#stopping.delete(stopped));
  }
}

/** A live hub with the production timings, rendering the same leaderboard JSON as `GET …/leaderboard`. */
export function createLiveHub(kv: Deno.Kv): LiveHub {
  return new LiveHub({
    kv,
    render: (competition, viewerId, division) => leaderboardView(kv, competition, 100, viewerId, division),
  });
}

/** Stops an interval timer, if any; always undefined (to store back). */
function clearTimer(timer: ReturnType<typeof setInterval> | undefined): undefined {
  if (timer !== undefined) clearInterval(timer);
  return undefined;
}
