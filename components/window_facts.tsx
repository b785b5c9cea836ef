/**
 * A competition's window as items of a `<dl class="facts">`: when it starts
 * and ends, in the visitor's zone, and (optionally) the running countdown.
 * The competition page's rules and the manage page show the same facts.
 */
import type { Competition } from "../lib/competitions/competitions.ts";
import { CountdownFact } from "./competition_card.tsx";
import { LocalTimeIsland } from "./island_wrappers.ts";

/** `<dl class="facts"><WindowFacts competition={competition} countdown /></dl>` */
export function WindowFacts(props: { competition: Competition; countdown?: boolean }) {
  const { competition } = props;
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
      {props.countdown && <CountdownFact competition={competition} />}
    </>
  );
}
