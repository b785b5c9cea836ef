/**
 * The browser's connection to a competition's live stream, with no UI state
 * library: it keeps the latest leaderboard (applying `join`, `status` and
 * `winner` events to it), reports where the connection is, and reconnects
 * itself with jittered exponential backoff, since the browser's own retry
 * gives up when the server closes or answers an error. The pages share one
 * connection through `competition_feed.ts`; the embed, which must
 * stay small, uses this module directly. A store owner's page follows its
 * own stream instead (`GET …/my-events`): the same events, plus `own`, its
 * store's panels, whenever the store changes.
 */
import type { BoardEntry } from "../lib/competitions/privacy.ts";
import type { Metric, Privacy } from "../lib/competitions/input.ts";
import type { CompetitionStatus, Winner } from "../lib/competitions/competitions.ts";
import type { RegionsRefresh } from "../lib/live/regions.ts";

/** A decided place as the JSON carries it (money as decimal strings; figures absent where privacy mode hides them). */
export type PlaceJson = Omit<Winner, "revenue" | "amount"> & { revenue?: string; amount?: string };

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
  privacy?: Privacy;
  metric?: Metric;
  prizeSplit?: number[];
  /** While SETTLING: when the results become final. */
  settlesAt?: string;
  winner?: PlaceJson | null;
  places?: PlaceJson[];
}

/** A division as the leaderboard JSON carries it: the board's, with its winner once decided. */
export interface DivisionJson {
  number: number;
  name: string;
  prize: string;
  range: string;
  winner?: PlaceJson;
}

/** `GET /api/competitions/:id/leaderboard`, and the data of each `leaderboard` event. */
export interface LeaderboardJson {
  competition: LiveCompetition;
  /** With divisions: the division whose board this is. */
  division?: DivisionJson;
  entries: BoardEntry[];
  /** The stores taken out of the ranking (absent from older answers). */
  disqualified?: { participantId: string }[];
  updatedAt: string;
}

/** Where the connection is: the status pill shows it. */
export type ConnectionState = "connecting" | "live" | "reconnecting" | "ended";

/** What a small board (the embed, TV mode) says of its connection; "final": one that can no longer change. */
export const BOARD_STATE_LABELS: Record<ConnectionState | "final", string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Final",
  final: "Final",
};

/** What a follower is told. */
export interface LiveStreamHandlers {
  /** The leaderboard after each event. */
  board(next: LeaderboardJson): void;
  connection(state: ConnectionState): void;
  /** The owner's own store after each of its changes (own stream only). */
  own?(next: unknown): void;
  /** The page's live regions moved to a new version: when to ask for them (`lib/live/regions.ts`). */
  refresh?(next: RegionsRefresh): void;
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

/**
 * Follows competition `id`'s event stream (division `division`'s board, with
 * divisions) until it ends (a winner, or a cancellation), reconnecting after
 * errors; `own`: the signed-in owner's own stream, with its store's panels.
 * @example followCompetition(id, { board: (next) => setBoard(next), connection: setState });
 */
export function followCompetition(id: string, handlers: LiveStreamHandlers, division?: number, own = false): void {
  let current: LeaderboardJson | undefined;
  let state: ConnectionState = "connecting";
  const setState = (next: ConnectionState) => {
    state = next;
    handlers.connection(next);
  };
  const show = (next: LeaderboardJson) => {
    current = next;
    handlers.board(next);
  };
  const patch = (change: Partial<LiveCompetition>) => {
    if (current) show({ ...current, competition: { ...current.competition, ...change } });
  };
  const connect = (attempt: number) => {
    const source = new EventSource(
      `/api/competitions/${encodeURIComponent(id)}/${own ? "my-events" : "events"}${
        division ? `?division=${division}` : ""
      }`,
    );
    let failures = attempt;
    const on = <T>(type: string, apply: (data: T) => void) =>
      source.addEventListener(type, (event) => {
        failures = 0;
        setState("live");
        apply(JSON.parse((event as MessageEvent<string>).data));
      });
    source.onopen = () => {
      failures = 0;
      setState("live");
    };
    const end = () => {
      source.close();
      setState("ended");
    };
    on<LeaderboardJson>("leaderboard", show);
    if (handlers.own) on("own", handlers.own);
    if (handlers.refresh) on("refresh", handlers.refresh);
    on<{ participantCount: number }>("join", patch);
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
      if (state === "ended") return;
      setState("reconnecting");
      setTimeout(() => connect(failures + 1), reconnectDelay(failures));
    };
  };
  connect(0);
}
