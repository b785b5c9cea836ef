/**
 * The manage page's results card, once a competition completed: the winner,
 * each place's transfer, and the results export (the board and every
 * store's orders as CSV), shown first on the page.
 */
import type { Competition, Winner } from "../lib/competitions/competitions.ts";
import { formatMoney } from "../lib/core/money.ts";
import type { Payout } from "../lib/whop/payouts.ts";
import { payoutLabel, PayoutState } from "./payout_state.tsx";

/** The results export's links (`routes/results_export.ts`); provisional until the competition completes. */
export function ResultsExports(props: { competition: Pick<Competition, "id" | "status"> }) {
  const base = `/api/competitions/${props.competition.id}`;
  return (
    <p class="exports">
      {props.competition.status === "COMPLETED" ? "Final results" : "Provisional results"} as CSV:{" "}
      <a href={`${base}/results.csv`} download>the board</a> ·{" "}
      <a href={`${base}/orders.csv`} download>every store's orders</a>
    </p>
  );
}

/** `<PayoutCard competition={completed} payouts={payouts} places={paidPlaces(completed)} />` */
export function PayoutCard(props: { competition: Competition; payouts: Payout[]; places: Winner[] }) {
  const { competition, payouts } = props;
  return (
    <section class="card results-card" aria-labelledby="payout-heading">
      <h2 id="payout-heading">Results and payouts</h2>
      <p>
        {competition.winner
          ? competition.divisions?.length
            ? "Each division's places are paid apart. "
            : `Winner: ${competition.winner.displayName}. `
          : "No store made a sale; the prize goes back to you. "}
        {payouts.length === 0 && competition.winner && <PayoutState payout={null} />}
      </p>
      {payouts.length > 0 && (
        <ul class="payouts">
          {payouts.map((payout) => (
            <li key={payout.idempotenceKey}>
              {payoutLabel(payout, props.places)} — {formatMoney(payout.amount, payout.currency)}{" "}
              <PayoutState payout={payout} />
            </li>
          ))}
        </ul>
      )}
      <ResultsExports competition={competition} />
    </section>
  );
}
