/**
 * Island: the embeddable live board (`/embed/competitions/:id`), the top
 * places of a competition for an iframe on any site. It follows the event
 * stream with `live_stream.ts` and Preact's own hooks (no signals), so the
 * page stays far under its JavaScript budget.
 */
import { useEffect, useState } from "preact/hooks";
import { formatDecimalMoney } from "../components/format.ts";
import { ShareOfLeader } from "../components/share_of_leader.tsx";
import { type ConnectionState, followCompetition, type LeaderboardJson } from "./live_stream.ts";

/** Props: the board as a stranger sees it, how many places to show and where the full page is. */
export interface EmbedBoardProps {
  board: LeaderboardJson;
  places: number;
  /** The competition's page on the app, opened in a new tab. */
  pageUrl: string;
  /** Whether the board can still change (funded, not yet ended). */
  live: boolean;
}

const STATE_LABEL: Record<ConnectionState | "final", string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Final",
  final: "Final",
};

/** `<EmbedBoard board={leaderboardJson} places={5} pageUrl={url} live />` */
export default function EmbedBoard(props: EmbedBoardProps) {
  const [board, setBoard] = useState(props.board);
  const [connection, setConnection] = useState<ConnectionState | "final">(props.live ? "connecting" : "final");
  useEffect(() => {
    if (props.live) {
      followCompetition(
        props.board.competition.id,
        { board: setBoard, connection: setConnection },
        props.board.division?.number,
      );
    }
  }, [props.board.competition.id]);
  const { competition } = board;
  const entries = board.entries.slice(0, props.places);
  return (
    <section class="embed" aria-label={`${competition.title}: leaderboard`}>
      <header>
        <a class="embed-title" href={props.pageUrl} target="_blank" rel="noopener">
          {competition.title}
          {board.division && ` · ${board.division.name}`}
        </a>
        <span class={`embed-state embed-state-${connection}`}>{STATE_LABEL[connection]}</span>
      </header>
      <ol class="embed-places">
        {entries.length === 0 && <li class="embed-empty">No stores yet.</li>}
        {entries.map((entry) => (
          <li key={entry.participantId} data-participant-id={entry.participantId}>
            <span class="embed-rank">{entry.rank}</span>
            <span class="embed-name">{entry.displayName}</span>
            <span class="embed-figure">
              {entry.revenue !== undefined
                ? formatDecimalMoney(entry.revenue, entry.currency)
                : <ShareOfLeader share={entry.share ?? 0} />}
            </span>
          </li>
        ))}
      </ol>
      <footer>
        {formatDecimalMoney(board.division?.prize ?? competition.prize, competition.currency)} prize ·{" "}
        <a href={props.pageUrl} target="_blank" rel="noopener">CartBrawl</a>
      </footer>
    </section>
  );
}
