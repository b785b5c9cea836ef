/**
 * The browser's one connection to a competition's live stream, shared by
 * every island on the page (this module lands in one shared chunk), as
 * signals (`live_stream.ts` keeps the connection). On a store owner's page
 * every island asks for the owner's own stream, which also carries the
 * store's own panels.
 */
import { type Signal, signal } from "@preact/signals";
import { type ConnectionState, followCompetition, type LeaderboardJson } from "./live_stream.ts";
import type { OwnStoreView } from "../lib/competitions/own_store.ts";

/** A competition's live state. */
export interface CompetitionFeed {
  /** The latest leaderboard, `null` until the first event. */
  leaderboard: Signal<LeaderboardJson | null>;
  connection: Signal<ConnectionState>;
  /** The owner's own store (own stream only), `null` until its first event. */
  own: Signal<OwnStoreView | null>;
}

const feeds = new Map<string, CompetitionFeed>();

/**
 * The live feed of competition `id`, connecting on first use: the owner's
 * own stream when `own` (every island of an owner's page passes it, since
 * the first caller connects).
 * @example const { leaderboard, connection } = competitionFeed(id);
 */
export function competitionFeed(id: string, own = false): CompetitionFeed {
  let feed = feeds.get(id);
  if (!feed) {
    const created: CompetitionFeed = { leaderboard: signal(null), connection: signal("connecting"), own: signal(null) };
    feeds.set(id, created);
    followCompetition(id, {
      board: (next) => created.leaderboard.value = next,
      connection: (state) => created.connection.value = state,
      ...(own ? { own: (next: unknown) => created.own.value = next as OwnStoreView } : {}),
    }, own);
    feed = created;
  }
  return feed;
}
