/**
 * The browser's one connection to a competition's live stream, shared by
 * every island on the page (this module lands in one shared chunk), as
 * values islands subscribe to (`live_stream.ts` keeps the connection). On a
 * store owner's page every island asks for the owner's own stream, which
 * also carries the store's own panels. No state library: a live page's
 * islands hold their state in hooks, which keeps the page's JavaScript
 * within its budget.
 */
import { type ConnectionState, followCompetition, type LeaderboardJson } from "./live_stream.ts";
import type { RegionsRefresh } from "../lib/live/regions.ts";
import type { OwnStoreView } from "../lib/competitions/own_store.ts";

/** A value that tells its subscribers when it changes. */
export class FeedValue<T> {
  #subscribers = new Set<(value: T) => void>();

  constructor(private current: T) {}

  /** The latest value. */
  get value(): T {
    return this.current;
  }

  set value(next: T) {
    if (next === this.current) return;
    this.current = next;
    for (const subscriber of this.#subscribers) subscriber(next);
  }

  /** Calls `subscriber` with the value now and on each change; returns what stops it. */
  subscribe(subscriber: (value: T) => void): () => void {
    this.#subscribers.add(subscriber);
    subscriber(this.current);
    return () => this.#subscribers.delete(subscriber);
  }
}

/** A competition's live state. */
export interface CompetitionFeed {
  /** The latest leaderboard, `null` until the first event. */
  leaderboard: FeedValue<LeaderboardJson | null>;
  connection: FeedValue<ConnectionState>;
  /** The owner's own store (own stream only), `null` until its first event. */
  own: FeedValue<OwnStoreView | null>;
  /** The last `refresh` event: the page's regions moved to a new version, and when to ask for them. */
  refresh: FeedValue<RegionsRefresh | null>;
}

const feeds = new Map<string, CompetitionFeed>();

/**
 * The live feed of competition `id` (division `division`'s board, with
 * divisions), connecting on first use: the owner's own stream when `own`
 * (every island of an owner's page passes the same two, so the page opens
 * one connection).
 * @example const { leaderboard, connection } = competitionFeed(id);
 */
export function competitionFeed(id: string, division?: number, own = false): CompetitionFeed {
  const name = `${id}/${division}/${own}`;
  let feed = feeds.get(name);
  if (!feed) {
    const created: CompetitionFeed = {
      leaderboard: new FeedValue<LeaderboardJson | null>(null),
      connection: new FeedValue<ConnectionState>("connecting"),
      own: new FeedValue<OwnStoreView | null>(null),
      refresh: new FeedValue<RegionsRefresh | null>(null),
    };
    feeds.set(name, created);
    followCompetition(
      id,
      {
        board: (next) => created.leaderboard.value = next,
        connection: (state) => created.connection.value = state,
        refresh: (next) => created.refresh.value = next,
        ...(own ? { own: (next: unknown) => created.own.value = next as OwnStoreView } : {}),
      },
      division,
      own,
    );
    feed = created;
  }
  return feed;
}
