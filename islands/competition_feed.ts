/**
 * The browser's one connection to a competition's live stream, shared by
 * every island on the page (this module lands in one shared chunk), as
 * signals (`live_stream.ts` keeps the connection).
 */
import { type Signal, signal } from "@preact/signals";
import { type ConnectionState, followCompetition, type LeaderboardJson } from "./live_stream.ts";

/** A competition's live state. */
export interface CompetitionFeed {
  /** The latest leaderboard, `null` until the first event. */
  leaderboard: Signal<LeaderboardJson | null>;
  connection: Signal<ConnectionState>;
}

const feeds = new Map<string, CompetitionFeed>();

/**
 * The live feed of competition `id` (division `division`'s board, with
 * divisions), connecting on first use.
 * @example const { leaderboard, connection } = competitionFeed(id);
 */
export function competitionFeed(id: string, division?: number): CompetitionFeed {
  const name = `${id}/${division}`;
  let feed = feeds.get(name);
  if (!feed) {
    const created: CompetitionFeed = { leaderboard: signal(null), connection: signal("connecting") };
    feeds.set(name, created);
    followCompetition(id, {
      board: (next) => created.leaderboard.value = next,
      connection: (state) => created.connection.value = state,
    }, division);
    feed = created;
  }
  return feed;
}
