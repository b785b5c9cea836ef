/**
 * Island: TV mode (`/competitions/:id/tv`), the live board for a screen on
 * a wall: large type, no site chrome, a button for the browser's full
 * screen. It follows the same event stream as the board (`live_stream.ts`,
 * with Preact's own hooks, no signals) and shows what a stranger sees, so
 * privacy mode holds on a shared screen. An overtake, and the end of the
 * race, get a short celebration: a line said aloud to assistive technology
 * and, unless the reader prefers reduced motion, a burst of confetti
 * (`static/tv.css` keeps it still under `prefers-reduced-motion`).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { formatDecimalMoney, ordinal } from "../components/format.ts";
import { ShareOfLeader } from "../components/share_of_leader.tsx";
import { formatRemaining } from "./countdown.tsx";
import { BOARD_STATE_LABELS, type ConnectionState, followCompetition, type LeaderboardJson } from "./live_stream.ts";

/** Props: the board as a stranger sees it, and whether it can still change. */
export interface TvBoardProps {
  board: LeaderboardJson;
  live: boolean;
}

/** How long a celebration stays on screen. */
export const CHEER_MS = 5_000;

/** A celebration: what it says, and whether it ends the race. */
export interface Cheer {
  text: string;
  kind: "overtake" | "end";
  /** The store it celebrates, highlighted on the board. */
  participantId?: string;
}

/**
 * The celebration one board change deserves, if any: the race's end (a
 * winner decided, or the time up while it settles) before an overtake (the
 * highest-placed store that moved up).
 * @example cheerFor(before, after) // { kind: "overtake", text: "Eli Supply takes the lead!", … }
 */
export function cheerFor(before: LeaderboardJson, after: LeaderboardJson): Cheer | undefined {
  const winnerBefore = before.division ? before.division.winner : before.competition.winner;
  const winner = after.division ? after.division.winner : after.competition.winner;
  if (winner && !winnerBefore) {
    return { kind: "end", text: `${winner.displayName} wins!`, participantId: winner.participantId };
  }
  const leader = after.entries[0];
  if (after.competition.status === "SETTLING" && before.competition.status === "ACTIVE" && leader) {
    return { kind: "end", text: `Time! ${leader.displayName} finishes first.`, participantId: leader.participantId };
  }
  const was = new Map(before.entries.map((entry) => [entry.participantId, entry.rank]));
  const risen = after.entries.find((entry) => entry.rank < (was.get(entry.participantId) ?? 0));
  if (!risen) return undefined;
  return {
    kind: "overtake",
    text: risen.rank === 1
      ? `${risen.displayName} takes the lead!`
      : `${risen.displayName} overtakes into ${ordinal(risen.rank)}!`,
    participantId: risen.participantId,
  };
}

/** The figure a store's row shows: its metric, or under privacy mode its part of the leader's. */
function Figure(props: { entry: LeaderboardJson["entries"][number]; metric?: string }) {
  const { entry } = props;
  if (entry.share !== undefined) return <ShareOfLeader share={entry.share} />;
  if (props.metric === "orders") return <>{entry.orders ?? 0} orders</>;
  if (props.metric === "growth") return <>{entry.value ?? "–"}</>;
  return <>{entry.revenue !== undefined && formatDecimalMoney(entry.revenue, entry.currency)}</>;
}

/** `<TvBoard board={leaderboardJson} live />` */
export default function TvBoard(props: TvBoardProps) {
  const [board, setBoard] = useState(props.board);
  const [connection, setConnection] = useState<ConnectionState | "final">(props.live ? "connecting" : "final");
  const [cheer, setCheer] = useState<Cheer & { key: number } | null>(null);
  const [now, setNow] = useState(Date.now());
  const [canFullScreen, setCanFullScreen] = useState(false);
  const shown = useRef(props.board);

  useEffect(() => {
    setCanFullScreen(document.fullscreenEnabled && !document.fullscreenElement);
    const onFullScreen = () => setCanFullScreen(!document.fullscreenElement);
    document.addEventListener("fullscreenchange", onFullScreen);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    let clear: ReturnType<typeof setTimeout> | undefined;
    if (props.live) {
      followCompetition(props.board.competition.id, {
        board: (next) => {
          const celebrate = cheerFor(shown.current, next);
          shown.current = next;
          setBoard(next);
          if (!celebrate) return;
          setCheer({ ...celebrate, key: Date.now() });
          clearTimeout(clear);
          clear = setTimeout(() => setCheer(null), CHEER_MS);
        },
        connection: setConnection,
      }, props.board.division?.number);
    }
    return () => {
      document.removeEventListener("fullscreenchange", onFullScreen);
      clearInterval(tick);
      clearTimeout(clear);
    };
  }, [props.board.competition.id]);

  const { competition, division, entries } = board;
  const winner = division ? division.winner : competition.winner;
  const endMs = Date.parse(competition.endDate);
  const clock = competition.status === "UPCOMING"
    ? `Starts in ${formatRemaining(Date.parse(competition.startDate) - now)}`
    : competition.status === "ACTIVE"
    ? `Ends in ${formatRemaining(endMs - now)}`
    : competition.status === "SETTLING"
    ? "Provisional: refunds still count"
    : undefined;
  return (
    <main class={`tv${cheer ? ` tv-cheering tv-cheer-${cheer.kind}` : ""}`}>
      <header class="tv-head">
        <h1>
          {competition.title}
          {division && <span class="tv-division">{division.name}</span>}
        </h1>
        <p class="tv-facts">
          <span class="tv-prize">
            {formatDecimalMoney(division?.prize ?? competition.prize, competition.currency)} prize
          </span>
          {clock && <span class="tv-clock">{clock}</span>}
          <span class={`tv-state tv-state-${connection}`}>{BOARD_STATE_LABELS[connection]}</span>
          {canFullScreen && (
            <button
              type="button"
              class="tv-full"
              onClick={() => document.documentElement.requestFullscreen()}
            >
              Full screen
            </button>
          )}
        </p>
      </header>
      {winner && <p class="tv-winner">{winner.displayName} won</p>}
      <ol class="tv-places">
        {entries.length === 0 && <li class="tv-empty">No stores yet.</li>}
        {entries.map((entry) => (
          <li
            key={entry.participantId}
            class={cheer?.participantId === entry.participantId ? "tv-star" : undefined}
          >
            <span class="tv-rank">{entry.rank}</span>
            <span class="tv-name">{entry.displayName}</span>
            <span class="tv-figure">
              <Figure entry={entry} metric={competition.metric} />
            </span>
            <span class="tv-place-prize">
              {entry.prize !== undefined ? formatDecimalMoney(entry.prize, entry.currency) : ""}
            </span>
          </li>
        ))}
      </ol>
      <div class="tv-cheer" role="status" aria-live="polite">
        {cheer && (
          <p key={cheer.key}>
            {cheer.text}
            <span class="tv-confetti" aria-hidden="true">
              {Array.from({ length: 14 }, (_, i) => <i key={i} />)}
            </span>
          </p>
        )}
      </div>
    </main>
  );
}
