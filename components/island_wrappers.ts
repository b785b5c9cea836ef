/**
 * The islands pages render, each declared once with `island()` so its server
 * HTML carries the hydration marker.
 */
import { island } from "../lib/web/islands.ts";
import Countdown from "../islands/countdown.tsx";
import LiveLeaderboard from "../islands/live_leaderboard.tsx";
import LiveRaceChart from "../islands/live_race_chart.tsx";
import CreateForm from "../islands/create_form.tsx";
import EmbedBoard from "../islands/embed_board.tsx";

/** A ticking countdown: `<CountdownIsland to={iso} />`. */
export const CountdownIsland = island(Countdown, "countdown");
/** The live leaderboard; props are the leaderboard JSON. */
export const LiveLeaderboardIsland = island(LiveLeaderboard, "live_leaderboard");
/** The race chart, extended live from leaderboard events. */
export const LiveRaceChartIsland = island(LiveRaceChart, "live_race_chart");
/** The competition form with client-side validation. */
export const CreateFormIsland = island(CreateForm, "create_form");
/** The embeddable live board (`/embed/competitions/:id`): top places, live. */
export const EmbedBoardIsland = island(EmbedBoard, "embed_board");
