/**
 * The manage page's race card: the window and countdown, and the board: live
 * while the race runs, the final standings once complete; with divisions,
 * one division's board at a time under the divisions' tabs.
 */
import type { Competition } from "../lib/competitions/competitions.ts";
import type { LeaderboardView } from "../lib/competitions/views.ts";
import { LiveLeaderboardIsland } from "./island_wrappers.ts";
import { LeaderboardTable } from "./leaderboard_table.tsx";
import { WindowFacts } from "./window_facts.tsx";
import { DivisionTabs } from "./division_tabs.tsx";

/** `<RaceCard competition={competition} leaderboard={board} division={n} now={now} />` */
export function RaceCard(
  props: { competition: Competition; leaderboard: LeaderboardView; division?: number; now: number },
) {
  const { competition, leaderboard } = props;
  return (
    <section class="card" aria-labelledby="board-heading">
      <h2 id="board-heading">The race</h2>
      <dl class="facts">
        <WindowFacts competition={competition} countdown />
      </dl>
      {props.division !== undefined && (
        <DivisionTabs
          competition={competition}
          shown={props.division}
          path={`/competitions/${competition.id}/manage`}
          unplaced={leaderboard.unplaced ?? []}
          now={props.now}
        />
      )}
      {competition.status === "ACTIVE" && <LiveLeaderboardIsland {...leaderboard} />}
      {competition.status === "COMPLETED" && (
        <LeaderboardTable entries={leaderboard.entries} caption="Final standings" />
      )}
    </section>
  );
}
