/**
 * A competition's window as items of a `<dl class="facts">`: when it starts
 * and ends, in the visitor's zone, and (optionally) the running countdown.
 * The competition page's rules and the manage page show the same facts.
 */
import type { Competition } from "../lib/competitions/competitions.ts";
import { countdownTarget } from "./competition_card.tsx";
import { CountdownIsland, LocalTimeIsland } from "./island_wrappers.ts";

/** `<dl class="facts"><WindowFacts competition={competition} countdown /></dl>` */
export function WindowFacts(props: { competition: Competition; countdown?: boolean }) {
  const { competition } = props;
  const countdown = props.countdown ? countdownTarget(competition) : null;
  return (
    <>
      <div>
        <dt>Starts</dt>
        <dd>
          <LocalTimeIsland iso={competition.startDate} />
        </dd>
      </div>
      <div>
        <dt>Ends</dt>
        <dd>
          <LocalTimeIsland iso={competition.endDate} />
        </dd>
      </div>
      {countdown && (
        <div>
          <dt>{countdown.label}</dt>
          <dd>
            <CountdownIsland to={countdown.to} />
          </dd>
        </div>
      )}
    </>
  );
}
