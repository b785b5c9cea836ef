/** The manage page's refunds card: the prize's refund and those of payments that could not fund it. */
import type { Refund } from "../lib/whop/refunds.ts";
import { RefundState } from "./refund_state.tsx";

/** `<RefundsCard refunds={refunds} />`; nothing when there is none. */
export function RefundsCard(props: { refunds: Refund[] }) {
  if (props.refunds.length === 0) return null;
  return (
    <section class="card" aria-labelledby="refunds-heading">
      <h2 id="refunds-heading">Refunds</h2>
      <ul class="refunds">
        {props.refunds.map((refund) => (
          <li key={refund.idempotencyKey}>
            <RefundState refund={refund} />
          </li>
        ))}
      </ul>
    </section>
  );
}
