/**
 * Island: the live leaderboard. Starts from the server's leaderboard JSON,
 * then follows the competition's event stream: rows keyed by participant are
 * updated in place, rows that change rank slide to their new place (FLIP with
 * the Web Animations API, which the CSP allows) and flash, and a polite live
 * region announces each rank change. Under privacy mode the stream carries
 * the strangers' view; a viewer who sees more (the creator, a store owner)
 * reads their own view on each change.
 */
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { LeaderboardTable, type RankMove } from "../components/leaderboard_table.tsx";
import { ordinal } from "../components/format.ts";
import { winnerFigure } from "../components/winner_figure.ts";
import { competitionFeed } from "./competition_feed.ts";
import type { ConnectionState, LeaderboardJson } from "./live_stream.ts";

/** Props: exactly the JSON of `GET /api/competitions/:id/leaderboard`. */
export type LiveLeaderboardProps = LeaderboardJson & { youParticipantId?: string };

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
  live: "Connected",
  reconnecting: "Reconnecting…",
  ended: "Final",
};

/**
 * Whether this viewer sees figures the shared live stream hides (privacy mode:
 * the creator, or a store owner with their own figure): the server rendered
 * some figure the stream's frames do not carry.
 */
export function seesOwnFigures(board: LeaderboardJson): boolean {
  return board.competition.privacy === "ranks" && board.entries.some((entry) => entry.revenue !== undefined);
}

/** The viewer's own leaderboard (with the figures they may see), or undefined when it could not be read. */
async function ownBoard(competitionId: string, division?: number): Promise<LeaderboardJson | undefined> {
  const query = division ? `?division=${division}` : "";
  const response = await fetch(`/api/competitions/${encodeURIComponent(competitionId)}/leaderboard${query}`, {
    credentials: "same-origin",
  }).catch(() => undefined);
  return response?.ok ? await response.json() : undefined;
}

/** The leaderboard that updates itself; `<LiveLeaderboard {...leaderboardJson} />`. */
export default function LiveLeaderboard(props: LiveLeaderboardProps) {
  const board = useSignal<LeaderboardJson>(props);
  const moves = useSignal<Record<string, RankMove>>({});
  const announcement = useSignal("");
  const connection = useSignal<ConnectionState | "static">("static");
  const timeZone = useSignal("UTC");
  const updated = useComputed(() =>
    new Intl.DateTimeFormat("en-US", {
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZone: timeZone.value,
      timeZoneName: "short",
    }).format(new Date(board.value.updatedAt))
  );
  const tableRef = useRef<HTMLDivElement>(null);
  const rowTops = useRef(new Map<string, number>());

  useEffect(() => {
    // The server writes the time in UTC; in the browser it is the visitor's own.
    timeZone.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const division = props.division?.number;
    const feed = competitionFeed(props.competition.id, division);
    let clear: ReturnType<typeof setTimeout> | undefined;
    const ownFigures = seesOwnFigures(props);
    let latest = 0; // a slower read of the own board never overwrites a newer one
    const stopConnection = feed.connection.subscribe((state) => connection.value = state);
    const stopBoard = feed.leaderboard.subscribe(async (frame) => {
      if (!frame) return;
      const sequence = ++latest;
      const next = ownFigures ? await ownBoard(props.competition.id, division) ?? frame : frame;
      if (sequence !== latest) return;
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
  // With divisions, the winner of this board's division.
  const winner = board.value.division ? board.value.division.winner : competition.winner;
  return (
    <section class="live-leaderboard" aria-label="Live leaderboard">
      <div class="live-head">
        <span class={`pill pill-${connection.value}`}>{PILL[connection.value]}</span>
        <span class="muted">
          {board.value.division && `${entries.length} of `}
          {competition.participantCount} store{competition.participantCount === 1 ? "" : "s"} · updated{" "}
          <time dateTime={board.value.updatedAt}>{updated.value}</time>
        </span>
      </div>
      {competition.status === "SETTLING" && competition.settlesAt && (
        <p class="notice notice-provisional" role="status">
          Provisional — final on {competition.settlesAt.slice(0, 16).replace("T", " ")}{" "}
          UTC. Refunds and cancellations of orders placed during the race still count until then.
        </p>
      )}
      {winner && (
        <p class="notice" role="status">
          <strong>{winner.displayName}</strong> won
          {winner.revenue !== undefined &&
            ` with ${winnerFigure(competition, { ...winner, revenue: winner.revenue })}`}.
        </p>
      )}
      <div ref={tableRef}>
        <LeaderboardTable
          entries={entries}
          moves={moves.value}
          metric={competition.metric}
          youParticipantId={props.youParticipantId}
        />
      </div>
      <p class="visually-hidden" aria-live="polite">{announcement.value}</p>
    </section>
  );
}
