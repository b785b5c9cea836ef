/**
 * Island: the live leaderboard. Starts from the server's leaderboard JSON,
 * then follows the competition's event stream: rows keyed by participant are
 * updated in place, rows that change rank slide to their new place (FLIP with
 * the Web Animations API, which the CSP allows) and flash, and a polite live
 * region announces each rank change.
 */
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { LeaderboardTable, type RankMove } from "../components/leaderboard_table.tsx";
import { formatDecimalMoney, ordinal } from "../components/format.ts";
import { competitionFeed, type ConnectionState, type LeaderboardJson } from "./competition_feed.ts";

/** Props: exactly the JSON of `GET /api/competitions/:id/leaderboard`. */
export type LiveLeaderboardProps = LeaderboardJson;

/** How long a moved row keeps its highlight class. */
const HIGHLIGHT_MS = 1600;

/**
 * The rank moves between two leaderboards and the sentence announcing them.
 * @example rankChanges(before, after) // { moves: { p2: "up", p1: "down" }, message: "Store B moved up to 1st. …" }
 */
export function rankChanges(
  before: LeaderboardJson["entries"],
  after: LeaderboardJson["entries"],
): { moves: Record<string, RankMove>; message: string } {
  const previous = new Map(before.map((entry) => [entry.participantId, entry.rank]));
  const moves: Record<string, RankMove> = {};
  const sentences: string[] = [];
  for (const entry of after) {
    const was = previous.get(entry.participantId);
    if (was === undefined || was === entry.rank) continue;
    const move = entry.rank < was ? "up" : "down";
    moves[entry.participantId] = move;
    sentences.push(`${entry.displayName} moved ${move} to ${ordinal(entry.rank)}.`);
  }
  return { moves, message: sentences.join(" ") };
}

const PILL: Record<ConnectionState | "static", string> = {
  static: "Snapshot",
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Final",
};

/** The leaderboard that updates itself; `<LiveLeaderboard {...leaderboardJson} />`. */
export default function LiveLeaderboard(props: LiveLeaderboardProps) {
  const board = useSignal<LeaderboardJson>(props);
  const moves = useSignal<Record<string, RankMove>>({});
  const announcement = useSignal("");
  const connection = useSignal<ConnectionState | "static">("static");
  const updated = useComputed(() => new Date(board.value.updatedAt));
  const tableRef = useRef<HTMLDivElement>(null);
  const rowTops = useRef(new Map<string, number>());

  useEffect(() => {
    const feed = competitionFeed(props.competition.id);
    let clear: ReturnType<typeof setTimeout> | undefined;
    const stopConnection = feed.connection.subscribe((state) => connection.value = state);
    const stopBoard = feed.leaderboard.subscribe((next) => {
      if (!next) return;
      const change = rankChanges(board.value.entries, next.entries);
      board.value = next;
      if (change.message) {
        moves.value = change.moves;
        announcement.value = change.message;
        clearTimeout(clear);
        clear = setTimeout(() => moves.value = {}, HIGHLIGHT_MS);
      }
    });
    return () => {
      stopConnection();
      stopBoard();
      clearTimeout(clear);
    };
  }, [props.competition.id]);

  useLayoutEffect(() => {
    const rows = tableRef.current?.querySelectorAll<HTMLTableRowElement>("tr[data-participant-id]") ?? [];
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    const tops = new Map<string, number>();
    for (const row of rows) {
      const id = row.dataset.participantId!;
      tops.set(id, row.offsetTop);
      const before = rowTops.current.get(id);
      if (!still && before !== undefined && before !== row.offsetTop) {
        row.animate([{ transform: `translateY(${before - row.offsetTop}px)` }, { transform: "none" }], {
          duration: 450,
          easing: "cubic-bezier(.2,.8,.2,1)",
        });
      }
    }
    rowTops.current = tops;
  }, [board.value]);

  const { competition, entries } = board.value;
  return (
    <section class="live-leaderboard" aria-label="Live leaderboard">
      <div class="live-head">
        <span class={`pill pill-${connection.value}`}>{PILL[connection.value]}</span>
        <span class="muted">
          {competition.participantCount} store{competition.participantCount === 1 ? "" : "s"} · updated{" "}
          <time dateTime={board.value.updatedAt}>{updated.value.toISOString().slice(11, 19)} UTC</time>
        </span>
      </div>
      {competition.status === "SETTLING" && competition.settlesAt && (
        <p class="notice notice-provisional" role="status">
          Provisional — final on {competition.settlesAt.slice(0, 16).replace("T", " ")}{" "}
          UTC. Refunds and cancellations of orders placed during the race still count until then.
        </p>
      )}
      {competition.winner && (
        <p class="notice" role="status">
          <strong>{competition.winner.displayName}</strong> won with {competition.metric === "revenue" ||
              !competition.metric || !competition.winner.value
            ? formatDecimalMoney(competition.winner.revenue, competition.currency)
            : competition.metric === "orders"
            ? `${competition.winner.value} orders`
            : `${competition.winner.value} growth`}.
        </p>
      )}
      <div ref={tableRef}>
        <LeaderboardTable entries={entries} moves={moves.value} metric={competition.metric} />
      </div>
      <p class="visually-hidden" aria-live="polite">{announcement.value}</p>
    </section>
  );
}
