/**
 * The islands pages render, each declared once with `island()` so its server
 * HTML carries the hydration marker.
 */
import { island } from "../lib/web/islands.ts";
import Countdown from "../islands/countdown.tsx";
import LiveLeaderboard from "../islands/live_leaderboard.tsx";
import LiveRaceChart from "../islands/live_race_chart.tsx";
import CreateForm from "../islands/create_form.tsx";
import LocalTime from "../islands/local_time.tsx";
import CopyButton from "../islands/copy_button.tsx";
import EmbedBoard from "../islands/embed_board.tsx";
import SubmitButton from "../islands/submit.tsx";
import TvBoard from "../islands/tv.tsx";

/** A ticking countdown: `<CountdownIsland to={iso} />`. */
export const CountdownIsland = island(Countdown, "countdown");
/** The live leaderboard; props are the leaderboard JSON. */
export const LiveLeaderboardIsland = island(LiveLeaderboard, "live_leaderboard");
/** The race chart, extended live from leaderboard events. */
export const LiveRaceChartIsland = island(LiveRaceChart, "live_race_chart");
/** The competition form with client-side validation. */
export const CreateFormIsland = island(CreateForm, "create_form");
/** A date-time in the visitor's zone: `<LocalTimeIsland iso={iso} />`. */
export const LocalTimeIsland = island(LocalTime, "local_time");
/** A button that copies `text` (a link, a snippet): `<CopyButtonIsland text={url} label="Copy link" />`. */
export const CopyButtonIsland = island(CopyButton, "copy_button");
/** The embeddable live board (`/embed/competitions/:id`): top places, live. */
export const EmbedBoardIsland = island(EmbedBoard, "embed_board");
/** A form's submit button that waits once sent: `<SubmitButtonIsland label="Join" pendingLabel="Joining…" />`. */
export const SubmitButtonIsland = island(SubmitButton, "submit");
/** TV mode's board (`/competitions/:id/tv`): large type, live, a celebration on an overtake and at the end. */
export const TvBoardIsland = island(TvBoard, "tv");
