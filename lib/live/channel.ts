/**
 * One competition's live channel in this process (one per board the hub
 * serves: a division's, with divisions; a viewer's own, under privacy mode):
 * a single KV watch on its change key plus a cheap poll of the same key (to
 * see writes from other processes sharing a local KV file), coalesced
 * rebuilds of the live state, and the sweep that drops clients that stopped
 * reading (heartbeats come from the hub's one timer).
 *
 * Store owners following their own stream also get `own` frames: after each
 * rebuild the channel reads the participant records of the stores whose
 * owners are connected (ten to a read) and sends a store's own panels only
 * to its owner's clients when its record changed — so a change reaches the
 * owner with the board's frame of it (or alone, when the board shown did not
 * move: an order held, or in another division), nobody else ever sees it,
 * and the cost is one read per ten followed stores per rebuild, not a
 * request per viewer.
 */
import { keys } from "../core/db.ts";
import { log } from "../core/log.ts";
import type { Participant } from "../competitions/participants.ts";
import type { LiveSink } from "./client.ts";
import { eventFrame, heartbeatFrame, type LiveFrame } from "./sse.ts";
import {
  changedFrames,
  type LiveState,
  readLiveState,
  type RenderLeaderboard,
  type RenderOwnStore,
  snapshotFrames,
} from "./state.ts";

/** Timings and bounds of a channel. */
export interface LiveChannelSettings {
  kv: Deno.Kv;
  /** Builds the leaderboard JSON of the competition. */
  render: RenderLeaderboard;
  /** Builds a store owner's own panels. */
  renderOwn: RenderOwnStore;
  /** How often the change key is polled, ms. */
  pollMs: number;
  /** At most one rebuild (and so one leaderboard event) per this many ms; a change after a quiet window goes out at once. */
  coalesceMs: number;
  /** A client whose frames have been held back this long without progress is dropped, ms. */
  slowClientMs: number;
  /** A monotonic clock in milliseconds. */
  now: () => number;
}

/** Callbacks from a channel to its hub. */
export interface LiveChannelEvents {
  /** A client that stopped reading was dropped. */
  onDrop: () => void;
  /** The last client left and the channel stopped; `stopped` settles when the watch has ended. */
  onIdle: (stopped: Promise<void>) => void;
}

/** The live channel of one competition; see the module comment. */
export class LiveChannel {
  /** Clients that have had their snapshot and get every change. */
  readonly clients = new Set<LiveSink>();
  /** Owners' clients by the store they follow, with the version of its record they were last sent. */
  readonly #owners = new Map<string, { clients: Set<LiveSink>; versionstamp: string | null }>();
  #latest: LiveState | undefined;
  #seen: string | undefined;
  #building: Promise<LiveState> | undefined;
  #joining = 0;
  #running = true;
  #lastTickAt = -Infinity;
  /** When a frame last went to every client (monotonic ms). */
  #lastBroadcastAt = -Infinity;
  #tickTimer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | undefined;
  readonly #pollTimer: ReturnType<typeof setInterval>;
  readonly #watch: ReadableStreamDefaultReader<Deno.KvEntryMaybe<unknown>[]>;
  readonly #watching: Promise<void>;

  constructor(
    readonly competitionId: string,
    private readonly settings: LiveChannelSettings,
    private readonly events: LiveChannelEvents,
  ) {
    const key = keys.changes(competitionId);
    this.#watch = settings.kv.watch([key]).getReader();
    this.#watching = this.#readWatch();
    this.#pollTimer = setInterval(() => this.#poll(key), settings.pollMs);
  }

  /** Whether the watch and timers are still running. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Adds a client once the channel has a state, and sends it the snapshot
   * (leaderboard, status, winner; and, for the owner of store
   * `participantId`, its own panels). A client that went away meanwhile is
   * not added.
   */
  async join(client: LiveSink, participantId?: string): Promise<void> {
    this.#joining++;
    try {
      const state = this.#latest ?? await this.#refresh();
      if (!client.open || !this.#running) return;
      this.clients.add(client);
      for (const frame of snapshotFrames(this.#latest ?? state)) client.send(frame); // the newest, if a tick ran meanwhile
      if (participantId !== undefined) await this.#follow(client, participantId);
    } finally {
      this.#joining--;
      this.#stopIfIdle();
    }
  }

  /**
   * Sends the shared `: heartbeat` comment to every client (called by the
   * hub's timer, every `intervalMs`), unless the channel sent them a frame in
   * the last half interval: a stream carrying updates is not idle, and a
   * heartbeat round costs as much as an update (a write to every socket).
   * So no stream goes more than 1.5 intervals without bytes.
   */
  heartbeat(intervalMs: number): void {
    if (this.settings.now() - this.#lastBroadcastAt < intervalMs / 2) return;
    this.#broadcast([heartbeatFrame]);
  }

  /** Removes a client; the channel stops with its last client. */
  leave(client: LiveSink): void {
    this.clients.delete(client);
    this.#unfollow(client);
    this.#stopIfIdle();
  }

  /** Stops the watch and timers and ends every client's stream; settles when no KV call is left in flight. */
  async stop(): Promise<void> {
    if (this.#running) {
      this.#running = false;
      clearInterval(this.#pollTimer);
      clearTimeout(this.#tickTimer);
      this.#watch.cancel().catch(() => {});
      for (const client of this.clients) client.close();
      this.clients.clear();
      this.#owners.clear();
    }
    await Promise.allSettled([this.#watching, this.#polling, this.#building]);
  }

  #stopIfIdle(): void {
    if (!this.#running || this.clients.size > 0 || this.#joining > 0) return;
    this.events.onIdle(this.stop());
  }

  async #readWatch(): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await this.#watch.read();
        if (done) return;
        this.#observe(value[0].versionstamp);
      }
    } catch (error) {
      if (this.#running) log("warn", "live watch ended", { competitionId: this.competitionId, error });
    }
  }

  #poll(key: Deno.KvKey): void {
    this.#sweep();
    if (!this.#running || this.#polling) return;
    this.#polling = this.settings.kv.get(key)
      .then((entry) => this.#observe(entry.versionstamp))
      .catch((error) => {
        if (this.#running) log("warn", "live poll failed", { competitionId: this.competitionId, error });
      })
      .finally(() => {
        this.#polling = undefined;
      });
  }

  /**
   * A change was seen. Leading edge: when no rebuild started in the last
   * `coalesceMs`, it is rebuilt and sent at once. Otherwise changes are
   * coming in a row: this one waits for the end of that window and shares
   * its rebuild with every change seen meanwhile, so rebuilds stay at most
   * one per `coalesceMs` however many changes arrive.
   */
  #observe(versionstamp: string | null): void {
    if (!this.#running || versionstamp === null || versionstamp === this.#seen) return;
    this.#seen = versionstamp;
    if (this.#tickTimer !== undefined) return;
    const delay = Math.max(0, this.#lastTickAt + this.settings.coalesceMs - this.settings.now());
    if (delay === 0 && !this.#building) {
      this.#tick();
      return;
    }
    this.#tickTimer = setTimeout(() => this.#tick(), delay);
  }

  async #tick(): Promise<void> {
    this.#tickTimer = undefined;
    await this.#building?.catch(() => {});
    if (!this.#running || this.#seen === this.#latest?.id) return;
    this.#lastTickAt = this.settings.now();
    try {
      await this.#refresh();
    } catch (error) {
      if (this.#running) log("warn", "live refresh failed", { competitionId: this.competitionId, error });
    }
  }

  /** Rebuilds the state (one build at a time) and broadcasts what changed. */
  #refresh(): Promise<LiveState> {
    this.#building ??= (async () => {
      try {
        const next = await readLiveState(this.settings.kv, this.competitionId, this.settings.render);
        const previous = this.#latest;
        this.#latest = next;
        this.#seen ??= next.id;
        if (previous) {
          this.#broadcast(changedFrames(previous, next, this.clients.size));
          await this.#sendChangedStores(next);
        }
        return next;
      } finally {
        this.#building = undefined;
      }
    })();
    return this.#building;
  }

  /**
   * Registers `client` as following its store, then sends it the store's
   * panels as read now — unless a rebuild meanwhile sent it a newer version.
   */
  async #follow(client: LiveSink, participantId: string): Promise<void> {
    let owner = this.#owners.get(participantId);
    if (!owner) this.#owners.set(participantId, owner = { clients: new Set(), versionstamp: null });
    owner.clients.add(client);
    const entry = await this.settings.kv.get<Participant>(keys.participant(participantId));
    if (!entry.value || !client.open || !this.#running) return;
    if (owner.versionstamp !== null && entry.versionstamp !== null && owner.versionstamp > entry.versionstamp) return;
    owner.versionstamp = entry.versionstamp;
    client.send(await this.#ownFrame(this.#latest!, entry.value));
  }

  #unfollow(client: LiveSink): void {
    for (const [participantId, owner] of this.#owners) {
      if (owner.clients.delete(client) && owner.clients.size === 0) this.#owners.delete(participantId);
    }
  }

  /** Sends each followed store whose record changed since its owner's last frame its own panels. */
  async #sendChangedStores(state: LiveState): Promise<void> {
    const followed = [...this.#owners.keys()];
    for (let i = 0; i < followed.length; i += 10) {
      const entries = await this.settings.kv.getMany<Participant[]>(followed.slice(i, i + 10).map(keys.participant));
      for (const entry of entries) {
        const owner = this.#owners.get(entry.value?.id ?? "");
        if (!entry.value || !owner || owner.versionstamp === entry.versionstamp) continue;
        owner.versionstamp = entry.versionstamp;
        const frame = await this.#ownFrame(state, entry.value);
        for (const client of owner.clients) client.send(frame);
      }
    }
  }

  async #ownFrame(state: LiveState, participant: Participant): Promise<LiveFrame> {
    return eventFrame("own", state.id, await this.settings.renderOwn(state.competition, participant));
  }

  #broadcast(frames: LiveFrame[]): void {
    if (frames.length === 0) return;
    for (const client of this.clients) for (const frame of frames) client.send(frame);
    this.#lastBroadcastAt = this.settings.now();
  }

  #sweep(): void {
    const limit = this.settings.now() - this.settings.slowClientMs;
    for (const client of this.clients) {
      const since = client.stalledSince;
      if (since === undefined || since > limit) continue;
      client.drop(`The client read nothing for ${this.settings.slowClientMs} ms; reconnect to resume.`);
      this.clients.delete(client);
      this.#unfollow(client);
      this.events.onDrop();
      log("info", "live client dropped", { competitionId: this.competitionId });
    }
    this.#stopIfIdle();
  }
}
