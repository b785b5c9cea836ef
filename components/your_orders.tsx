/**
 * "Your orders": a store owner's own orders in the competition, each with
 * what it adds to the total and, when it adds nothing (or less than its
 * total), why — held for payment or for the creator, flagged, capped — and
 * what the creator decided, so the total on the board can be checked, not
 * just believed.
 */
import type { OwnOrder } from "../lib/competitions/stored_order.ts";
import type { NotCountedReason } from "../lib/competitions/stored_order.ts";
import type { FlagReason } from "../lib/competitions/order_rules.ts";
import { formatMoney } from "../lib/core/money.ts";
import { ReaderTime } from "./reader_time.tsx";
import type { ViewerClock } from "../lib/web/viewer_clock.ts";

const WHY_NOT: Record<NotCountedReason, string> = {
  test: "No: a test order",
  cancelled: "No: cancelled",
  currency: "No: another currency",
};

/** Why an order is held or flagged, as its owner reads it. */
const WHY_HELD: Record<FlagReason, string> = {
  pending_payment: "the payment is still pending",
  voided: "the payment was voided",
  manual_source: "a draft or manual-payment order, for the creator to decide",
  high_risk: "Shopify's fraud analysis",
  customer_cap: "over the customer cap",
  spike: "an hour far above the store's usual sales",
};

/**
 * Whether an order counts, and why not (or why only in part), in words;
 * nothing counts while the store is disqualified.
 */
export function countsText(order: OwnOrder, disqualified = false): string {
  if (disqualified) return "No: your store is disqualified";
  const review = order.review;
  const note = review?.note ? ` (${review.note})` : "";
  if (review?.decision === "exclude") return `No: excluded by the creator${note}`;
  if (review?.decision === "count" && order.counted) return `Yes: counted by the creator${note}`;
  if (order.reason) return WHY_NOT[order.reason];
  if (review && review.status !== "cleared") {
    const why = WHY_HELD[review.reason];
    if (!order.counted) return review.reason === "voided" ? `No: ${why}` : `Held: ${why}`;
    return order.total !== undefined ? `In part: ${why}` : `Yes, flagged for the creator: ${why}`;
  }
  return order.counted ? "Yes" : "No";
}

/**
 * `<YourOrders orders={…} currency="USD" shown={100} clock={clock} />`; `disqualified`: the store is out of the
 * ranking.
 */
export function YourOrders(
  props: { orders: OwnOrder[]; currency: string; shown: number; clock: ViewerClock; disqualified?: boolean },
) {
  const { orders, currency, disqualified } = props;
  return (
    <section class="card your-orders" aria-labelledby="your-orders-heading">
      <h2 id="your-orders-heading">Your orders</h2>
      <p class="muted">
        Every order your store took inside the competition's window, newest first. Orders placed before the start or
        after the end never count and are not listed.
        {orders.length >= props.shown && ` The latest ${props.shown} are shown.`}
      </p>
      {orders.length === 0 ? <p class="muted">No orders yet.</p> : (
        <table class="data-table">
          <caption class="visually-hidden">Your orders and whether each counts</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col" class="num">Counts for</th>
              <th scope="col">Counts?</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order.orderId} class={order.counted && !disqualified ? undefined : "order-not-counted"}>
                <th scope="row" title={`Shopify order id ${order.orderId}`}>{order.name ?? `#${order.orderId}`}</th>
                <td data-label="Placed">
                  <ReaderTime iso={order.createdAt} clock={props.clock} />
                </td>
                <td class="num" data-label="Counts for">{formatMoney(disqualified ? 0 : order.amount, currency)}</td>
                <td data-label="Counts?">{countsText(order, disqualified)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
