/**
 * "Your orders": a store owner's own orders in the competition, each with
 * what it adds to the total and, when it adds nothing, why, so the total on
 * the board can be checked, not just believed.
 */
import type { OwnOrder } from "../lib/competitions/revenue.ts";
import type { NotCountedReason } from "../lib/competitions/stored_order.ts";
import { formatMoney } from "../lib/core/money.ts";
import { LocalTimeIsland } from "./island_wrappers.ts";

const WHY_NOT: Record<NotCountedReason, string> = {
  test: "No: a test order",
  cancelled: "No: cancelled",
  currency: "No: another currency",
};

/** `<YourOrders orders={…} currency="USD" shown={100} />` */
export function YourOrders(props: { orders: OwnOrder[]; currency: string; shown: number }) {
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
              <tr key={order.orderId} class={order.counted ? undefined : "order-not-counted"}>
                <th scope="row">#{order.orderId}</th>
                <td data-label="Placed">
                  <LocalTimeIsland iso={order.createdAt} />
                </td>
                <td class="num" data-label="Counts for">{formatMoney(order.amount, currency)}</td>
                <td data-label="Counts?">{order.counted ? "Yes" : order.reason ? WHY_NOT[order.reason] : "No"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
