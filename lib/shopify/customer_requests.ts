/**
 * Shopify's mandatory customer privacy topics, for every store of the shop.
 * The app keeps no customer's name, email, phone or address, and not
 * Shopify's customer id: only, on each order, a per-store pseudonym derived
 * from that id (`customerKeyOf`), which the customer cap needs.
 *
 * - `customers/redact` moves every order of the customer (those Shopify
 *   lists, and any other carrying the customer's pseudonym) to a fresh
 *   random pseudonym with its place in the cap
 *   (`lib/competitions/customer_redaction.ts`): nothing left derives from
 *   Shopify's id, and what the orders add is unchanged.
 * - `customers/data_request` is answered with a record of what is held: the
 *   customer's orders in each competition (id, date, amount, whether it
 *   counted), kept for the store's owner for 90 days under
 *   `["customer_data_requests", shop, requestId]` and shown to them on their
 *   "Your stores" page, where they pass it on to the customer; the log gets
 *   one line with the counts. `shop/redact` deletes these records too.
 */
import { commit, keys } from "../core/db.ts";
import { log } from "../core/log.ts";
import { toDecimalString } from "../core/money.ts";
import { getCompetition } from "../competitions/competitions.ts";
import { listShopMemberships } from "../competitions/shop_memberships.ts";
import { forgetCustomer } from "../competitions/customer_redaction.ts";
import { customerKeyOf } from "../competitions/revenue.ts";
import type { StoredOrder } from "../competitions/stored_order.ts";
import { legacyIdOf } from "./orders.ts";

/** How long a data request's record waits for the store's owner. */
export const DATA_REQUEST_TTL_MS = 90 * 86_400_000;

/** One order the app holds of the customer. */
export interface HeldOrder {
  competitionId: string;
  competitionTitle: string;
  orderId: string;
  createdAt: string;
  /** The order's total as last delivered, decimal string. */
  total: string;
  /** What it adds to the store's total in that competition, decimal string. */
  counted: string;
  currency: string;
}

/** `["customer_data_requests", shop, requestId]`: the answer to one `customers/data_request`. */
export interface CustomerDataRecord {
  /** Shopify's `data_request.id`, or the delivery's id when the body has none. */
  requestId: string;
  shop: string;
  receivedAt: string;
  /** Every order the app holds of the customer (none: the app holds nothing of them). */
  orders: HeldOrder[];
}

/** The customer and the orders a privacy request names (`orders_to_redact` or `orders_requested`). */
function privacyRequestOf(payload: Record<string, unknown>, topic: string) {
  const customer = payload.customer as { id?: unknown } | null | undefined;
  const listed = payload[topic === "customers/redact" ? "orders_to_redact" : "orders_requested"];
  const orderIds = (Array.isArray(listed) ? listed : []).slice(0, 10_000)
    .flatMap((id) => legacyIdOf(id, "Order") ?? []);
  return { customerId: legacyIdOf(customer?.id, "Customer"), orderIds };
}

/** The orders of one store that carry the customer's pseudonym, by id. */
async function ordersOfCustomer(kv: Deno.Kv, participantId: string, customerId: string) {
  const pseudonym = customerKeyOf(participantId, customerId);
  const orders = new Map<string, StoredOrder>();
  for await (const entry of kv.list<StoredOrder>({ prefix: keys.orders(participantId) })) {
    if (entry.value.customer === pseudonym) orders.set(entry.key[2] as string, entry.value);
  }
  return orders;
}

/** Applies a `customers/redact` or `customers/data_request` body to every store of `shop`. */
export async function applyCustomerRequest(
  kv: Deno.Kv,
  shop: string,
  topic: "customers/redact" | "customers/data_request",
  payload: Record<string, unknown>,
  deliveryId: string,
  now: number,
): Promise<void> {
  const { customerId, orderIds } = privacyRequestOf(payload, topic);
  if (customerId === undefined) return;
  const held: HeldOrder[] = [];
  for (const { participantId, competitionId } of await listShopMemberships(kv, shop)) {
    const orders = await ordersOfCustomer(kv, participantId, customerId);
    if (topic === "customers/redact") {
      const moved = await forgetCustomer(kv, participantId, customerId, [...new Set([...orderIds, ...orders.keys()])]);
      log("info", "shopify customers/redact: orders moved to a fresh pseudonym", { shop, participantId, moved });
      continue;
    }
    if (orders.size === 0) continue;
    const competition = await getCompetition(kv, competitionId);
    for (const [orderId, order] of orders) {
      held.push({
        competitionId,
        competitionTitle: competition.title,
        orderId,
        createdAt: order.createdAt,
        total: toDecimalString(order.gross ?? order.amount, competition.currency),
        counted: toDecimalString(order.amount, competition.currency),
        currency: competition.currency,
      });
    }
  }
  if (topic === "customers/redact") return;
  const request = (payload.data_request as { id?: unknown } | undefined)?.id;
  const requestId = typeof request === "number" || typeof request === "string" ? String(request) : deliveryId;
  const record: CustomerDataRecord = { requestId, shop, receivedAt: new Date(now).toISOString(), orders: held };
  await commit(() =>
    kv.atomic().set(keys.customerDataRequest(shop, requestId), record, { expireIn: DATA_REQUEST_TTL_MS })
  );
  log("info", "shopify customers/data_request: record kept for the store's owner", {
    shop,
    requestId,
    orders: held.length,
  });
}

/** The data requests answered for `shop` and still kept, newest first. */
export async function listCustomerDataRequests(kv: Deno.Kv, shop: string): Promise<CustomerDataRecord[]> {
  const records = await Array.fromAsync(kv.list<CustomerDataRecord>({ prefix: keys.customerDataRequests(shop) }));
  return records.map((entry) => entry.value).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}

/** Deletes every data request record of `shop` (`shop/redact`). */
export async function forgetCustomerDataRequests(kv: Deno.Kv, shop: string): Promise<void> {
  for await (const entry of kv.list({ prefix: keys.customerDataRequests(shop) })) {
    await commit(() => kv.atomic().delete(entry.key));
  }
}
