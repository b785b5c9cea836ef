/**
 * The competition page's rules card: the prize and how it is split (each
 * division's, with divisions), the window, what the metric ranks by, and
 * which orders count.
 */
import type { Competition } from "../lib/competitions/competitions.ts";
import { describeSplit, prizeSplitOf } from "../lib/competitions/prize_split.ts";
import { formatMoney } from "../lib/core/money.ts";
import { METRIC_SENTENCES } from "./page_text.ts";
import { divisionRange } from "../lib/competitions/divisions.ts";
import { WindowFacts } from "./window_facts.tsx";

/** `<RulesCard competition={competition} />` */
export function RulesCard(props: { competition: Competition }) {
  const { competition } = props;
  return (
    <section class="card rules" aria-labelledby="rules-heading">
      <h2 id="rules-heading">Rules</h2>
      {competition.description && <p class="description">{competition.description}</p>}
      <dl class="facts">
        <div>
          <dt>Prize</dt>
          <dd>{formatMoney(competition.prize, competition.currency)}</dd>
        </div>
        {competition.divisions?.length
          ? competition.divisions.map((division, i) => (
            <div key={division.name}>
              <dt>
                {division.name}: {divisionRange(competition.divisions!, i + 1, competition.currency).toLowerCase()}
              </dt>
              <dd class="prize-split">
                {describeSplit(division.prize, prizeSplitOf(division), competition.currency)}
              </dd>
            </div>
          ))
          : (
            <div>
              <dt>Places paid</dt>
              <dd class="prize-split">
                {describeSplit(competition.prize, prizeSplitOf(competition), competition.currency)}
              </dd>
            </div>
          )}
        <WindowFacts competition={competition} />
      </dl>
      <p class="metric-sentence">{METRIC_SENTENCES[competition.metric ?? "revenue"]}</p>
      {competition.divisions?.length
        ? (
          <p class="muted">
            Stores race in divisions by size: each store is placed once, at the start (or at its first sync if it joins
            later), by its sales over the 30 days before the start, and races only its own division for that division's
            prize.
          </p>
        )
        : null}
      <p class="muted">
        Orders count when they are placed inside the window, are not test orders and are not cancelled, at their current
        total in {competition.currency}{" "}
        (refunds and edits included, also during the settlement window after the end). A tie goes to the store that
        reached the value first; a place no store earns goes back to the creator. Only {competition.currency}{" "}
        stores can join.
      </p>
      <p class="muted counting-rules">
        Only paid orders count (a pending payment counts once paid). Orders entered by hand (draft orders, manual
        payments){" "}
        {competition.countManualOrders ? "count like the others" : "are held until the creator decides"}; orders
        Shopify's fraud analysis says to cancel are held too.
        {competition.customerCap !== undefined && (competition.metric === "orders"
          ? " One order per customer per day counts."
          : ` One customer's orders add at most ${
            formatMoney(competition.customerCap, competition.currency)
          } to a store.`)}{" "}
        An hour far above a store's usual sales is flagged for the creator, not judged. The board shows each store's
        held and excluded orders.
      </p>
    </section>
  );
}
