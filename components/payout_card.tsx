/** The manage page's payout card, once a competition completed: the winner and each place's transfer. */
import type { Competition, Winner } from "../lib/competitions/competitions.ts";
import { formatMoney } from "../lib/core/money.ts";
import type { Payout } from "../lib/whop/payouts.ts";
import { payoutLabel, PayoutState } from "./payout_state.tsx";

/** `<PayoutCard competition={completed} payouts={payouts} places={paidPlaces(completed)} />` */
export function PayoutCard(props: { competition: Competition; payouts: Payout[]; places: Winner[] }) {
  const { competition, payouts } = props;
  return (
    <section class="card" aria-labelledby="payout-heading">
      <h2 id="payout-heading">Payout</h2>
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
    </section>
  );
}
