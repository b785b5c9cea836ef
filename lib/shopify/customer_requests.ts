/**
 * Shopify's mandatory customer privacy topics, for every store of the shop:
 * `customers/redact` moves the customer's listed orders to a fresh random
 * pseudonym (`lib/competitions/customer_redaction.ts`); `customers/data_request`
 * logs which listed orders carry the customer's pseudonym — the only trace
 * of a customer the app keeps.
 */
import { log } from "../core/log.ts";
import { listShopMemberships } from "../competitions/participants.ts";
import { forgetCustomer, ordersLinkedToCustomer } from "../competitions/customer_redaction.ts";
import { legacyIdOf } from "./orders.ts";

/** The customer and the orders a privacy request names (`orders_to_redact` or `orders_requested`). */
function privacyRequestOf(payload: Record<string, unknown>, topic: string) {
  const customer = payload.customer as { id?: unknown } | null | undefined;
  const listed = payload[topic === "customers/redact" ? "orders_to_redact" : "orders_requested"];
  const orderIds = (Array.isArray(listed) ? listed : []).slice(0, 10_000)
    .flatMap((id) => legacyIdOf(id, "Order") ?? []);
  return { customerId: legacyIdOf(customer?.id, "Customer"), orderIds };
}

/** Applies a `customers/redact` or `customers/data_request` body to every store of `shop`. */
export async function applyCustomerRequest(
  kv: Deno.Kv,
  shop: string,
  topic: "customers/redact" | "customers/data_request",
  payload: Record<string, unknown>,
): Promise<void> {
  const { customerId, orderIds } = privacyRequestOf(payload, topic);
  if (customerId === undefined) return;
  for (const { participantId } of await listShopMemberships(kv, shop)) {
    if (topic === "customers/redact") {
      const moved = await forgetCustomer(kv, participantId, customerId, orderIds);
      log("info", "shopify customers/redact: orders moved to a fresh pseudonym", { shop, participantId, moved });
    } else {
      const orders = await ordersLinkedToCustomer(kv, participantId, customerId, orderIds);
      log("info", "shopify customers/data_request: orders linked to the customer", { shop, participantId, orders });
    }
  }
}
