/**
 * The browser's one connection to a competition's live stream, shared by
 * every island on the page (this module lands in one shared chunk). It
 * reconnects itself with jittered exponential backoff, since the browser's
 * own retry gives up when the server closes or answers an error.
 */
import { type Signal, signal } from "@preact/signals";
import type { LeaderboardEntry } from "../lib/competitions/leaderboard.ts";
import type { CompetitionStatus, Winner } from "../lib/competitions/competitions.ts";
import type { Metric } from "../lib/competitions/input.ts";

/** A decided place as the JSON carries it (money as decimal strings). */
export type PlaceJson = Omit<Winner, "revenue" | "amount"> & { revenue: string; amount?: string };

/** The competition as the leaderboard JSON carries it (money as decimal strings). */
export interface LiveCompetition {
  id: string;
  title: string;
  status: CompetitionStatus;
  currency: string;
  prize: string;
  startDate: string;
  endDate: string;
  participantCount: number;
  metric?: Metric;
  prizeSplit?: number[];
  /** While SETTLING: when the results become final. */
  settlesAt?: string;
  winner?: PlaceJson | null;
  places?: PlaceJson[];
}

/** `GET /api/competitions/:id/leaderboard`, and the data of each `leaderboard` event. */
export interface LeaderboardJson {
  competition: LiveCompetition;
  entries: LeaderboardEntry[];
  updatedAt: string;
}

/** Where the connection is: the status pill shows it. */
export type ConnectionState = "connecting" | "live" | "reconnecting" | "ended";

/** A competition's live state. */
export interface CompetitionFeed {
  /** The latest leaderboard, `null` until the first event. */
  leaderboard: Signal<LeaderboardJson | null>;
  connection: Signal<ConnectionState>;
}

/** The longest wait between reconnection attempts. */
export const MAX_RECONNECT_MS = 30_000;

/**
 * The wait before reconnection attempt `attempt` (0-based): exponential from
 * 500 ms, capped at {@link MAX_RECONNECT_MS}, "equal jitter" (half fixed,
 * half random) so many viewers do not reconnect in step.
 * @example reconnectDelay(0, () => 0) // 250
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RECONNECT_MS, 500 * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

const feeds = new Map<string, CompetitionFeed>();

/**
 * The live feed of competition `id`, connecting on first use.
 * @example const { leaderboard, connection } = competitionFeed(id);
 */
export function competitionFeed(id: string): CompetitionFeed {
  let feed = feeds.get(id);
  if (!feed) {
    feed = { leaderboard: signal(null), connection: signal("connecting") };
    feeds.set(id, feed);
    connect(id, feed, 0);
  }
  return feed;
}

function connect(id: string, feed: CompetitionFeed, attempt: number) {
  const source = new EventSource(`/api/competitions/${encodeURIComponent(id)}/events`);
  let failures = attempt;
  const patch = (change: Partial<LiveCompetition>) => {
    const current = feed.leaderboard.value;
    if (current) feed.leaderboard.value = { ...current, competition: { ...current.competition, ...change } };
  };
  const on = <T>(type: string, apply: (data: T) => void) =>
    source.addEventListener(type, (event) => {
      failures = 0;
      feed.connection.value = "live";
      apply(JSON.parse((event as MessageEvent<string>).data));
    });
  source.onopen = () => {
    failures = 0;
    feed.connection.value = "live";
  };
  on<LeaderboardJson>("leaderboard", (data) => feed.leaderboard.value = data);
  on<{ participantCount: number }>("join", patch);
  const end = () => {
    source.close();
    feed.connection.value = "ended";
  };
  on<{ status: CompetitionStatus }>("status", (data) => {
    patch(data);
    if (data.status === "CANCELLED") end();
  });
  on<{ winner: LiveCompetition["winner"] }>("winner", (data) => {
    patch(data);
    end();
  });
  source.onerror = () => {
    source.close();
    if (feed.connection.value === "ended") return;
    feed.connection.value = "reconnecting";
    setTimeout(() => connect(id, feed, failures + 1), reconnectDelay(failures));
  };
}
