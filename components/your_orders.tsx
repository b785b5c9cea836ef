/**
 * "Your orders": a store owner's own orders in the competition, each with
 * what it adds to the total and, when it was held or flagged, whether it
 * counts, why (one sentence per reason) and what the creator decided, with
 * the creator's note quoted as theirs — so the total on the board can be
 * checked, not just believed.
 */
import type { NotCountedReason, OwnOrder } from "../lib/competitions/stored_order.ts";
import { formatMoney } from "../lib/core/money.ts";
import { FLAG_LABELS, reasonForOwner } from "./flag_reasons.ts";
import { ReaderTime } from "./reader_time.tsx";
import type { ViewerClock } from "../lib/web/viewer_clock.ts";

const WHY_NOT: Record<NotCountedReason, string> = {
  test: "No: a test order",
  cancelled: "No: cancelled",
  currency: "No: another currency",
};

/**
 * Whether an order counts, in a few words: yes, in part, held, excluded or counted by the creator, and why not;
 * nothing counts while the store is disqualified.
 */
export function countsText(order: OwnOrder, disqualified = false): string {
  if (disqualified) return "No: your store is disqualified";
  const review = order.review;
  if (review?.decision === "exclude") return "No: excluded by the creator";
  if (review?.decision === "count" && order.counted) return "Yes: counted by the creator";
  if (order.reason) return WHY_NOT[order.reason];
  if (review && review.status === "open") {
    if (!order.counted) return review.reason === "voided" ? "No: payment voided" : "Held";
    return order.total !== undefined ? "In part" : "Yes, flagged for the creator";
  }
  return order.counted ? "Yes" : "No";
}

/** Why an order was held or flagged and what became of it, in a sentence; undefined for an ordinary order. */
export function reviewText(order: OwnOrder): string | undefined {
  const review = order.review;
  if (!review || order.reason) return undefined;
  const was = FLAG_LABELS[review.reason];
  if (review.decision === "count") return `The creator reviewed it (${was}) and counted it in full.`;
  if (review.decision === "exclude") return `The creator reviewed it (${was}) and excluded it.`;
  if (review.status === "cleared") return `It was held at first (${was}); that no longer applies.`;
  return reasonForOwner({ ...review, held: !order.counted });
}

function OrderRow(props: { order: OwnOrder; currency: string; clock: ViewerClock; disqualified?: boolean }) {
  const { order, currency, disqualified } = props;
  const why = reviewText(order);
  const note = order.review?.note;
  return (
    <tr class={order.counted && !disqualified ? undefined : "order-not-counted"}>
      <th scope="row" title={`Shopify order id ${order.orderId}`}>{order.name ?? `#${order.orderId}`}</th>
      <td data-label="Placed">
        <ReaderTime iso={order.createdAt} clock={props.clock} />
      </td>
      <td class="num" data-label="Counts for">
        {formatMoney(disqualified ? 0 : order.amount, currency)}
        {order.total !== undefined && !order.reason && !disqualified && (
          <span class="order-total">of {formatMoney(order.total, currency)}</span>
        )}
      </td>
      <td data-label="Counts?" class="order-counts">
        <strong>{countsText(order, disqualified)}</strong>
        {why && <span class="order-why">{why}</span>}
        {note && (
          <span class="order-note">
            The creator's note: <q>{note}</q>
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * `<YourOrders orders={…} currency="USD" shown={100} clock={clock} />`; `disqualified`: the store is out of the
 * ranking.
 */
export function YourOrders(
  props: { orders: OwnOrder[]; currency: string; shown: number; clock: ViewerClock; disqualified?: boolean },
) {
  const { orders, currency } = props;
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
              <OrderRow
                key={order.orderId}
                order={order}
                currency={currency}
                clock={props.clock}
                disqualified={props.disqualified}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
