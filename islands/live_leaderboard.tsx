/**
 * Island: the live leaderboard. Starts from the server's leaderboard JSON,
 * then follows the competition's event stream: rows keyed by participant are
 * updated in place, rows that change rank slide to their new place (FLIP with
 * the Web Animations API, which the CSP allows) and flash, and a polite live
 * region announces each rank change. Under privacy mode the strangers'
 * stream carries the strangers' view; a viewer who sees more (the creator, a
 * store owner) follows their own stream, whose frames carry it.
 */
import { dateTimeFormat } from "../lib/core/intl_formats.ts";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { LeaderboardTable, type RankMove } from "../components/leaderboard_table.tsx";
import { ordinal } from "../components/format.ts";
import { winnerFigure } from "../components/winner_figure.ts";
import { competitionFeed } from "./competition_feed.ts";
import type { ConnectionState, LeaderboardJson } from "./live_stream.ts";
import { readableTime, type ViewerClock } from "../lib/web/viewer_clock.ts";
import { browserTimeZone } from "../lib/web/time_text.ts";

/** Props: the JSON of `GET /api/competitions/:id/leaderboard`, the viewer's store, and the server's reader clock. */
export type LiveLeaderboardProps = LeaderboardJson & { youParticipantId?: string; clock?: ViewerClock };

/**
 * When the board last changed, for a reader: the clock time in their zone
 * (named), or relative to the server's now before the zone is known.
 */
function updatedText(iso: string, timeZone: string | undefined, now: number): string {
  if (!timeZone) return readableTime(iso, undefined, now);
  return dateTimeFormat("en-US", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZone,
    timeZoneName: "short",
  }).format(new Date(iso));
}

/** How long a moved row keeps its highlight class. */
const HIGHLIGHT_MS = 1600;

/** How many moves one announcement names; the rest are counted (a store climbing a long board moves every row it passes). */
const NAMED_MOVES = 5;

/**
 * The rank moves between two leaderboards, the stores whose figures changed
 * (`changed`: they moved the board), and the sentence announcing the moves,
 * the first {@link NAMED_MOVES} by their new rank, the others counted.
 * @example rankChanges(before, after) // { moves: { p2: "up", p1: "down" }, changed: ["p2"], message: "Store B moved up to 1st. …" }
 */
export function rankChanges(
  before: LeaderboardJson["entries"],
  after: LeaderboardJson["entries"],
): { moves: Record<string, RankMove>; changed: string[]; message: string } {
  const previous = new Map(before.map((entry) => [entry.participantId, entry]));
  const moves: Record<string, RankMove> = {};
  const changed: string[] = [];
  const sentences: string[] = [];
  for (const entry of after) {
    const was = previous.get(entry.participantId);
    if (was && was.value !== entry.value) changed.push(entry.participantId);
    if (was === undefined || was.rank === entry.rank) continue;
    const move = entry.rank < was.rank ? "up" : "down";
    moves[entry.participantId] = move;
    sentences.push(`${entry.displayName} moved ${move} to ${ordinal(entry.rank)}.`);
  }
  const named = sentences.length > NAMED_MOVES ? sentences.slice(0, NAMED_MOVES - 1) : sentences;
  const others = sentences.length - named.length;
  if (others > 0) named.push(`${others} other stores moved too.`);
  return { moves, changed, message: named.join(" ") };
}

/**
 * The moves a board flashes: the rows on screen, and the stores whose figures
 * changed wherever they are (a store that climbed in from below). A long
 * board's other rows move unseen, and each flashing row costs the browser
 * its style every frame.
 */
function shownMoves(moves: Record<string, RankMove>, changed: string[], table: HTMLElement | null) {
  const shown: Record<string, RankMove> = {};
  const height = innerHeight;
  for (const row of table?.querySelectorAll<HTMLTableRowElement>("tr[data-participant-id]") ?? []) {
    const id = row.dataset.participantId!;
    if (!moves[id]) continue;
    const { top, bottom } = row.getBoundingClientRect();
    if ((bottom > 0 && top < height) || changed.includes(id)) shown[id] = moves[id];
  }
  return shown;
}

const PILL: Record<ConnectionState | "static", string> = {
  static: "Snapshot",
  connecting: "Connecting…",
  live: "Connected",
  reconnecting: "Reconnecting…",
  ended: "Final",
};

/** The leaderboard that updates itself; `<LiveLeaderboard {...leaderboardJson} />`. */
export default function LiveLeaderboard(props: LiveLeaderboardProps) {
  // Plain hooks, no signals: a live page ships no state library.
  const [board, setBoard] = useState<LeaderboardJson>(props);
  const shown = useRef(board); // the board on screen, for the effect's comparisons
  const [moves, setMoves] = useState<Record<string, RankMove>>({});
  const [announcement, setAnnouncement] = useState("");
  const [connection, setConnection] = useState<ConnectionState | "static">("static");
  const [timeZone, setTimeZone] = useState(props.clock?.timeZone);
  const now = props.clock?.now ?? Date.now();
  const tableRef = useRef<HTMLDivElement>(null);
  const rowTops = useRef(new Map<string, number>());

  useEffect(() => {
    // The server writes times in the zone the reader's browser said before (or relative); now it is known.
    setTimeZone(browserTimeZone());
    const mine = props.youParticipantId;
    const feed = competitionFeed(props.competition.id, props.division?.number, mine !== undefined);
    let clear: ReturnType<typeof setTimeout> | undefined;
    const stopConnection = feed.connection.subscribe(setConnection);
    const stopBoard = feed.leaderboard.subscribe((next) => {
      if (!next) return;
      const change = rankChanges(shown.current.entries, next.entries);
      shown.current = next;
      setBoard(next);
      if (change.message) {
        setMoves(shownMoves(change.moves, change.changed, tableRef.current));
        setAnnouncement(change.message);
        clearTimeout(clear);
        clear = setTimeout(() => setMoves({}), HIGHLIGHT_MS);
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
    // Every position read before any animation starts: a read after one makes the browser lay the table out again.
    const tops = new Map<string, number>();
    const onScreen = new Map<string, number>();
    for (const row of rows) {
      tops.set(row.dataset.participantId!, row.offsetTop);
      onScreen.set(row.dataset.participantId!, row.getBoundingClientRect().top);
    }
    // Rows slide only where they can be seen, from or to (within a screen of it): each sliding row costs every frame.
    const height = innerHeight;
    const near = (y: number) => y > -height && y < 2 * height;
    for (const row of rows) {
      const id = row.dataset.participantId!;
      const before = rowTops.current.get(id);
      const top = tops.get(id)!;
      const y = onScreen.get(id)!;
      if (!still && before !== undefined && before !== top && (near(y) || near(y + before - top))) {
        row.animate([{ transform: `translateY(${before - top}px)` }, { transform: "none" }], {
          duration: 450,
          easing: "cubic-bezier(.2,.8,.2,1)",
        });
      }
    }
    rowTops.current = tops;
  }, [board]);

  const { competition, entries } = board;
  // With divisions, the winner of this board's division.
  const winner = board.division ? board.division.winner : competition.winner;
  return (
    <section class="live-leaderboard" aria-label="Live leaderboard">
      <div class="live-head">
        <span class={`pill pill-${connection}`}>{PILL[connection]}</span>
        <span class="muted">
          {board.division && `${entries.length} of `}
          {competition.participantCount} store{competition.participantCount === 1 ? "" : "s"} · updated{" "}
          <time dateTime={board.updatedAt}>{updatedText(board.updatedAt, timeZone, now)}</time>
        </span>
      </div>
      {competition.status === "SETTLING" && competition.settlesAt && (
        <p class="notice notice-provisional" role="status">
          Provisional — final {timeZone ? "on " : ""}
          {readableTime(competition.settlesAt, timeZone, now)}. Refunds and cancellations of orders placed during the
          race still count until then.
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
          moves={moves}
          metric={competition.metric}
          youParticipantId={props.youParticipantId}
        />
      </div>
      <p class="visually-hidden" aria-live="polite">{announcement}</p>
    </section>
  );
}
