/**
 * Shopify webhooks: verification and what each topic does.
 *
 * - The HMAC (`X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the raw body
 *   under the app's secret) is computed with node:crypto and compared in
 *   constant time.
 * - The headers are not signed, only the body is: a signed body replayed
 *   with another topic or shop header is refused (400, nothing changes).
 *   `app/uninstalled` must name the header's shop in its `myshopify_domain`,
 *   `shop/redact` and the customer topics in their `shop_domain`; a body's
 *   `admin_graphql_api_id` must name the topic's resource (an order for the
 *   order topics, a refund for `refunds/create`); an order id already
 *   recorded for another store of one of the shop's competitions is refused
 *   (`recordOrder` keeps each order id's store in the same commit).
 * - A delivery is remembered by its `X-Shopify-Webhook-Id`, and by its
 *   `X-Shopify-Event-Id` when present (one event delivered to two
 *   subscriptions has two webhook ids), in KV once it is applied (seven
 *   days, longer than Shopify retries); a later repeat is answered 200 and
 *   dropped. A repeat that arrives before the first copy was
 *   remembered (concurrently, or after a crash half-way) is applied again,
 *   which is harmless because every effect is idempotent. A failure answers
 *   500, so Shopify's retry applies it.
 * - Orders are applied inline: `recordOrder` answers once the group commit
 *   holding the order succeeded (a few ms, well inside Shopify's five-second
 *   budget), so a 200 is never sent for a lost order.
 * - `orders/risk_assessment_changed` does not carry the recommendation: it
 *   queues a reading of the order from the Admin API (`risk.ts`), in the
 *   commit that remembers the delivery.
 * - `refunds/create` carries a refund, not the order's new total; the
 *   `orders/updated` Shopify sends with every refund carries the new
 *   `current_total_price`, so refunds are acknowledged and not applied (a
 *   lost `orders/updated` is healed by the next sync).
 * - `app/uninstalled` disconnects the shop's participants (their revenue
 *   stays; syncing stops) and deletes its tokens; `shop/redact` erases the
 *   store (`lib/competitions/shop_erasure.ts`: its orders, order ids and
 *   customers' pseudonyms deleted, its name and domain replaced by "Removed
 *   store", its totals and places kept) and deletes its tokens and data
 *   request records. The app keeps no customer's id: the customer cap
 *   follows a per-store pseudonym derived from it; `customers/redact` and
 *   `customers/data_request` are `customer_requests.ts`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { deliveryKey, isDeliveryKnown, rememberDelivery } from "../core/deliveries.ts";
import { log } from "../core/log.ts";
import { listParticipantsOfShop, updateParticipant } from "../competitions/participants.ts";
import { closeShopMemberships, hasShopMembership, listOpenShopMemberships } from "../competitions/shop_memberships.ts";
import { competitionsOrderMayCountIn, finalCompetitionsAmong } from "../competitions/order_windows.ts";
import { recordOrder, type RecordOutcome } from "../competitions/revenue.ts";
import type { ConnectionStore } from "./connections.ts";
import { fromRestOrder, OrderPayloadError, type RestOrder } from "./orders.ts";
import { isShopDomain } from "./shop_domain.ts";
import { queueRiskReading, riskAssessmentOrderId } from "./risk.ts";
import { applyCustomerRequest, forgetCustomerDataRequests } from "./customer_requests.ts";
import { eraseShop } from "../competitions/shop_erasure.ts";
import { commit } from "../core/db.ts";

/** Largest webhook body accepted (Shopify's orders can be large). */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/**
 * The topics the app subscribes to on every connected shop (per-shop
 * registration, the one source of these subscriptions: `shopify.app.toml`
 * lists only {@link COMPLIANCE_TOPICS}).
 */
export const SUBSCRIBED_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/risk_assessment_changed",
  "refunds/create",
  "app/uninstalled",
] as const;

/**
 * Shopify's mandatory compliance topics: configured app-wide only (in
 * `shopify.app.toml`), never per shop, and delivered for every store that
 * installed the app.
 */
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

/** The topic that tells of a new fraud assessment (without its recommendation). */
const RISK_TOPIC = "orders/risk_assessment_changed";

const ORDER_TOPICS = new Set(["orders/create", "orders/updated", "orders/cancelled", "orders/paid", "orders/edited"]);

/** Whether `header` is the base64 HMAC-SHA256 of `body` under `secret` (synchronous; compared in constant time). */
export function verifyWebhookHmac(secret: string, body: Uint8Array, header: string | null): boolean {
  if (!header || header.length > 100) return false;
  let signature: Uint8Array;
  try {
    signature = Uint8Array.fromBase64(header.trim());
  } catch {
    return false;
  }
  if (signature.length !== 32) return false;
  return timingSafeEqual(createHmac("sha256", secret).update(body).digest(), signature);
}

/** One verified delivery. */
export interface WebhookInput {
  topic: string;
  shop: string;
  webhookId: string;
  /** `X-Shopify-Event-Id`, when sent: the same for every delivery of one event. */
  eventId?: string;
  /** The raw body, already verified. */
  body: string;
}

/** How a delivery was handled (for the response, logs and tests). */
export type WebhookOutcome =
  | { status: 200; result: "applied"; outcomes: RecordOutcome[] }
  | {
    status: 200;
    result: "duplicate" | "ignored" | "unknown_shop" | "disconnected" | "redacted" | "acknowledged" | "queued";
  }
  | { status: 400; result: "malformed" | "mismatched" | "foreign_order"; error: string };

/** What processing needs. */
export interface WebhookDeps {
  kv: Deno.Kv;
  now: () => number;
  connections: ConnectionStore;
}

/** Where a topic's body names its shop (the headers are unsigned; the body is signed). */
const BODY_SHOP_FIELD: Record<string, string> = {
  "app/uninstalled": "myshopify_domain",
  "shop/redact": "shop_domain",
  "customers/data_request": "shop_domain",
  "customers/redact": "shop_domain",
};

/** The resource a topic's body is, as its `admin_graphql_api_id` names it. */
function bodyResource(topic: string): string | undefined {
  if (ORDER_TOPICS.has(topic)) return "Order";
  return topic === "refunds/create" ? "Refund" : undefined;
}

/** Why the unsigned headers do not match the signed body, or `undefined` when they do. */
function headerMismatch(input: WebhookInput, payload: Record<string, unknown>): string | undefined {
  const shopField = BODY_SHOP_FIELD[input.topic];
  if (shopField && String(payload[shopField] ?? "").toLowerCase() !== input.shop) {
    return `The ${input.topic} body does not name ${input.shop} in ${shopField}.`;
  }
  const resource = bodyResource(input.topic);
  const gid = payload.admin_graphql_api_id;
  if (resource && gid !== undefined && !new RegExp(`^gid://shopify/${resource}/\\d+$`).test(String(gid))) {
    return `The ${input.topic} body is not a${resource === "Order" ? "n" : ""} ${resource.toLowerCase()}.`;
  }
  if (ORDER_TOPICS.has(input.topic) && ("shop_domain" in payload || "myshopify_domain" in payload)) {
    return `The ${input.topic} body is not an order.`;
  }
  if (input.topic === RISK_TOPIC && riskAssessmentOrderId(payload) === undefined) {
    return `The ${input.topic} body names no order.`;
  }
  return undefined;
}

/** The KV delivery ids of `input`: its webhook id, and its event id (per topic) when sent. */
function deliveryIds(input: WebhookInput): string[] {
  return input.eventId ? [input.webhookId, `event:${input.topic}:${input.eventId}`] : [input.webhookId];
}

/** Adds "`input` was applied" to `op`, under each of its delivery ids. */
function rememberWebhook(op: Deno.AtomicOperation, input: WebhookInput): Deno.AtomicOperation {
  return deliveryIds(input).reduce((next, id) => rememberDelivery(next, "shopify", id), op);
}

/**
 * Applies one verified delivery at most once (by webhook id and event id),
 * after checking its unsigned headers against its signed body. Throws when
 * applying failed (the caller answers 500 and Shopify retries).
 */
export async function processWebhook(deps: WebhookDeps, input: WebhookInput): Promise<WebhookOutcome> {
  if (!isShopDomain(input.shop)) {
    return { status: 400, result: "malformed", error: "X-Shopify-Shop-Domain is not a shop domain." };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(input.body);
  } catch {
    return { status: 400, result: "malformed", error: "The body is not JSON." };
  }
  if (typeof payload !== "object" || payload === null) {
    return { status: 400, result: "malformed", error: "The body is not a JSON object." };
  }
  const mismatch = headerMismatch(input, payload as Record<string, unknown>);
  if (mismatch) {
    log("warn", "shopify webhook headers do not match its body", { topic: input.topic, shop: input.shop, mismatch });
    return { status: 400, result: "mismatched", error: mismatch };
  }
  // A delivery is remembered once applied. A repeat that arrives while the first is still being applied (or
  // after a crash mid-way) is applied again: every effect is idempotent, so no acknowledged order is ever lost.
  // An order delivery's ids are read with its order, in the group commit's batch (`unlessRecorded`).
  if (!ORDER_TOPICS.has(input.topic) && await isDeliveryKnown(deps.kv, "shopify", ...deliveryIds(input))) {
    log("info", "shopify webhook repeat dropped", { topic: input.topic, shop: input.shop, webhookId: input.webhookId });
    return { status: 200, result: "duplicate" };
  }
  let outcome: WebhookOutcome;
  try {
    outcome = await apply(deps, input, payload);
  } catch (error) {
    if (error instanceof OrderPayloadError) {
      log("warn", "shopify webhook unreadable", { topic: input.topic, shop: input.shop, error: error.message });
      return { status: 400, result: "malformed", error: error.message };
    }
    throw error;
  }
  // A refused delivery is not remembered: the real one may still come.
  if (
    outcome.result !== "applied" && outcome.result !== "queued" && outcome.result !== "duplicate" &&
    outcome.status !== 400
  ) {
    await rememberWebhook(deps.kv.atomic(), input).commit();
  }
  return outcome;
}

async function apply(deps: WebhookDeps, input: WebhookInput, payload: object): Promise<WebhookOutcome> {
  const { kv, now } = deps;
  const { topic, shop } = input;
  if (ORDER_TOPICS.has(topic)) {
    const order = fromRestOrder(payload as RestOrder);
    const memberships = await listOpenShopMemberships(kv, shop);
    if (memberships.length === 0) {
      if (await hasShopMembership(kv, shop)) return { status: 200, result: "applied", outcomes: [] }; // all final
      log("info", "shopify webhook for an unknown shop", { topic, shop });
      return { status: 200, result: "unknown_shop" };
    }
    // The delivery is remembered in the commit that stores the order; the shop's memberships, and the
    // deliveries of other requests arriving meanwhile, share that commit (group commit).
    const remember = (op: Deno.AtomicOperation) => rememberWebhook(op, input);
    const unlessRecorded = deliveryIds(input).map((id) => deliveryKey("shopify", id));
    // A store in many competitions over time (a season's rounds): the order goes only where its window may hold it;
    // for the others it is outside the window, known without a read.
    const competitionIds = memberships.map((m) => m.competitionId);
    const counting = await competitionsOrderMayCountIn(kv, competitionIds, order.createdAt, now());
    const counted = memberships.filter(({ competitionId }) => counting.has(competitionId));
    const recorded: RecordOutcome[] = await Promise.all(
      counted.map(({ participantId, competitionId }) =>
        recordOrder(kv, participantId, order, now(), {
          alsoCommit: remember,
          unlessRecorded,
          competitionId,
          onlyIfConnected: true,
        })
      ),
    );
    // Completed and cancelled ones take no order again: off the shop's open memberships, which its next deliveries read.
    const final = finalCompetitionsAmong(kv, competitionIds);
    if (final.length > 0) await closeShopMemberships(kv, shop, final);
    const skipped = memberships.length - counted.length;
    const outcomes = [...recorded, ...Array<RecordOutcome>(skipped).fill("outside_window")];
    if (recorded.length > 0 && recorded.every((outcome) => outcome === "duplicate")) {
      log("info", "shopify webhook repeat dropped", { topic, shop, webhookId: input.webhookId });
      return { status: 200, result: "duplicate" };
    }
    if (recorded.includes("foreign_order")) {
      log("warn", "shopify order already counted for another store", { shop, orderId: order.orderId });
      return { status: 400, result: "foreign_order", error: "This order is already counted for another store." };
    }
    if (recorded.length > 0 && recorded.every((outcome) => outcome === "disconnected")) {
      return { status: 200, result: "disconnected" };
    }
    log("debug", "shopify order applied", { topic, shop, orderId: order.orderId, outcomes });
    return { status: 200, result: "applied", outcomes };
  }
  switch (topic) {
    case RISK_TOPIC: {
      if (!(await hasShopMembership(kv, shop))) return { status: 200, result: "unknown_shop" };
      const orderId = riskAssessmentOrderId(payload as Record<string, unknown>)!;
      // Queued with the delivery's memory: one reading per delivery, and none lost to a crash in between.
      await commit(() => rememberWebhook(queueRiskReading(kv.atomic(), shop, orderId), input));
      return { status: 200, result: "queued" };
    }
    case "refunds/create":
      // The orders/updated that follows every refund carries the new current total.
      return { status: 200, result: "ignored" };
    case "app/uninstalled": {
      const participants = await listParticipantsOfShop(kv, shop);
      const at = new Date(now()).toISOString();
      for (const participant of participants) {
        await updateParticipant(
          kv,
          participant.id,
          now(),
          "sync",
          (current) =>
            current.connection === "disconnected"
              ? null
              : { ...current, connection: "disconnected", disconnectedAt: at },
        );
      }
      await deps.connections.delete(shop);
      log("info", "shopify app uninstalled", { shop, participants: participants.length });
      return { status: 200, result: participants.length ? "acknowledged" : "unknown_shop" };
    }
    case "shop/redact": {
      const erased = await eraseShop(kv, shop, now());
      await deps.connections.delete(shop);
      await forgetCustomerDataRequests(kv, shop);
      log("info", "shopify shop/redact: store erased", { shop, ...erased });
      return { status: 200, result: "redacted" };
    }
    case "customers/data_request":
    case "customers/redact":
      await applyCustomerRequest(kv, shop, topic, payload as Record<string, unknown>, input.webhookId, now());
      return { status: 200, result: topic === "customers/redact" ? "redacted" : "acknowledged" };
    default:
      log("info", "shopify webhook topic ignored", { topic, shop });
      return { status: 200, result: "ignored" };
  }
}
