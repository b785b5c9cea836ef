/**
 * The islands pages render, each declared once with `island()` so its server
 * HTML carries the hydration marker.
 */
import { type ComponentType, h } from "preact";
import { useContext } from "preact/hooks";
import { island } from "../lib/web/islands.ts";
import { readableTime, type ViewerClock, ViewerClockContext } from "../lib/web/viewer_clock.ts";
import Countdown from "../islands/countdown.tsx";
import LiveLeaderboard from "../islands/live_leaderboard.tsx";
import LiveRaceChart from "../islands/live_race_chart.tsx";
import CreateForm from "../islands/create_form.tsx";
import LocalTime from "../islands/local_time.tsx";
import CopyButton from "../islands/copy_button.tsx";
import EmbedBoard from "../islands/embed_board.tsx";
import OwnStore from "../islands/own_store.tsx";
import LivePage from "../islands/live_page.tsx";
import SubmitButton from "../islands/submit.tsx";

/** A ticking countdown: `<CountdownIsland to={iso} />`. */
export const CountdownIsland = island(Countdown, "countdown");
/**
 * An island whose first render writes times as the page does: its `clock`
 * prop is the page's reader clock (`ViewerClockContext`).
 */
function withReaderClock<P extends { clock?: ViewerClock }>(marker: ComponentType<P>) {
  return function ReaderClocked(props: Omit<P, "clock">) {
    return h(marker, { ...props, clock: useContext(ViewerClockContext) } as P);
  };
}

/** The live leaderboard; props are the leaderboard JSON. */
export const LiveLeaderboardIsland = withReaderClock(island(LiveLeaderboard, "live_leaderboard"));
/** The race chart, extended live from leaderboard events. */
export const LiveRaceChartIsland = withReaderClock(island(LiveRaceChart, "live_race_chart"));
/** The competition form with client-side validation. */
export const CreateFormIsland = island(CreateForm, "create_form");
const LocalTimeMarker = island(LocalTime, "local_time");

/** A date-time in the reader's zone: `<LocalTimeIsland iso={iso} />`, first as the page's reader clock writes it. */
export function LocalTimeIsland(props: { iso: string }) {
  const { timeZone, now } = useContext(ViewerClockContext);
  return h(LocalTimeMarker, { iso: props.iso, text: readableTime(props.iso, timeZone, now) });
}
/** A button that copies `text` (a link, a snippet): `<CopyButtonIsland text={url} label="Copy link" />`. */
export const CopyButtonIsland = island(CopyButton, "copy_button");
/** The embeddable live board (`/embed/competitions/:id`): top places, live. */
export const EmbedBoardIsland = island(EmbedBoard, "embed_board");
/** A form's submit button that waits once sent: `<SubmitButtonIsland label="Join" pendingLabel="Joining…" />`. */
export const SubmitButtonIsland = island(SubmitButton, "submit");

/** The owner's own panels ("Your store", "Your orders"), following the owner's own stream. */
export const OwnStoreIsland = withReaderClock(island(OwnStore, "own_store"));

/** Keeps a page in step with its competition: swaps its live regions when the competition moves on. */
export const LivePageIsland = island(LivePage, "live_page");
