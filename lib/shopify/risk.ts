/**
 * Shopify's fraud analysis. Its recommendation (`Order.risk.recommendation`:
 * ACCEPT, INVESTIGATE, CANCEL, NONE) is offered by the Admin GraphQL API
 * only: the `orders/risk_assessment_changed` webhook says that an
 * assessment arrived, not what it recommends, and order webhooks do not
 * carry it. So that webhook queues a reading of the order (`order_risk`),
 * committed with the delivery's memory; the handler reads the order and
 * records it for every competition of the shop, as the sync does (the sync
 * reads the risk of every order it fetches too, so a lost webhook heals).
 */
import { enqueueIn } from "../core/queue.ts";
import { listOpenShopMemberships } from "../competitions/shop_memberships.ts";
import { recordOrder } from "../competitions/revenue.ts";
import type { AdminClient } from "./admin.ts";
import { ORDER_QUERY } from "./admin_documents.ts";
import { fromGraphqlOrder, type GraphqlOrder, legacyIdOf, ORDER_NODE_COST } from "./orders.ts";
import { log } from "../core/log.ts";

declare module "../core/queue.ts" {
  interface QueueMessages {
    /** Read an order's risk recommendation from the Admin API and record it (`lib/shopify/risk.ts`). */
    order_risk: { shop: string; orderId: string };
  }
}

/** The order a `orders/risk_assessment_changed` body is about, as its legacy id; `undefined` when it names none. */
export function riskAssessmentOrderId(body: Record<string, unknown>): string | undefined {
  const gid = body.admin_graphql_api_order_id;
  return (typeof gid === "string" ? legacyIdOf(gid, "Order") : undefined) ?? legacyIdOf(body.order_id, "Order");
}

/** Adds the reading of one order's risk to an atomic operation (queued if and only if it commits). */
export function queueRiskReading(op: Deno.AtomicOperation, shop: string, orderId: string): Deno.AtomicOperation {
  return enqueueIn(op, { type: "order_risk", shop, orderId });
}

/** What reading a risk needs. */
export interface RiskReadingDeps {
  kv: Deno.Kv;
  now: () => number;
  admin: AdminClient;
}

/**
 * Reads one order (with its risk) from the Admin API and records it for
 * every competition the shop is in that may still take it (its open
 * memberships). Returns how many records it made; an
 * order Shopify no longer shows (older than the app may read) records none.
 */
export async function readOrderRisk(deps: RiskReadingDeps, shop: string, orderId: string): Promise<number> {
  const memberships = await listOpenShopMemberships(deps.kv, shop);
  if (memberships.length === 0) return 0;
  const data = await deps.admin.query<{ order: GraphqlOrder | null }>(
    shop,
    ORDER_QUERY,
    { id: `gid://shopify/Order/${orderId}` },
    ORDER_NODE_COST,
  );
  if (!data.order) return 0;
  const order = fromGraphqlOrder(data.order);
  const outcomes = await Promise.all(
    memberships.map(({ participantId, competitionId }) =>
      recordOrder(deps.kv, participantId, order, deps.now(), { competitionId, onlyIfConnected: true })
    ),
  );
  log("info", "shopify order risk read", { shop, orderId, risk: order.risk, outcomes });
  return outcomes.filter((outcome) => outcome === "recorded").length;
}
