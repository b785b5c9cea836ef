/** The simulated Shopify's records: shops, their orders, refunds and webhook subscriptions. */

/** Webhook topics the sandbox fires, as they appear in `X-Shopify-Topic`. */
export const WEBHOOK_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/paid",
  "orders/risk_assessment_changed",
  "refunds/create",
  "app/uninstalled",
] as const;

/** A topic the sandbox can subscribe to and fire. */
export type WebhookTopic = typeof WEBHOOK_TOPICS[number];

/** Mandatory privacy topics, sent to the app's configured URL. */
export const PRIVACY_TOPICS = [
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;

/** One of Shopify's mandatory privacy (GDPR) topics. */
export type PrivacyTopic = typeof PRIVACY_TOPICS[number];

/** A store on the simulated Shopify. */
export interface SandboxShop {
  /** `name.myshopify.com`. */
  domain: string;
  /** Numeric shop id, as in privacy webhooks. */
  id: number;
  name: string;
  /** Shop currency, ISO 4217 (`USD`). */
  currency: string;
  email: string;
  /** The shop's zone as minutes from UTC; REST timestamps carry it (`-05:00`). */
  utcOffsetMinutes: number;
  /** Whether the app is installed (an access token was granted and not uninstalled). */
  installed: boolean;
  /** Scopes the app holds on this shop. */
  scopes: string[];
}

/** A line of an order; prices in minor units. */
export interface SandboxLineItem {
  id: number;
  title: string;
  quantity: number;
  /** Unit price, minor units. */
  priceMinor: number;
}

/** A refund against an order. */
export interface SandboxRefund {
  id: number;
  /** Milliseconds since the epoch, whole seconds. */
  createdAt: number;
  amountMinor: number;
  note: string | null;
}

/**
 * Where an order's payment stands: `pending` (to be paid later, e.g. a draft
 * order completed as payment pending), `authorized` (held, not captured),
 * `paid` (captured; refunds then make it partially refunded or refunded) or
 * `voided` (the authorization was released: never paid).
 */
export type PaymentStatus = "pending" | "authorized" | "paid" | "voided";

/** Shopify's risk recommendation (`OrderRiskRecommendationResult`). */
export type RiskRecommendation = "ACCEPT" | "CANCEL" | "INVESTIGATE" | "NONE";

/** The risk level Shopify's own assessment gives with each recommendation (`RiskAssessmentResult`). */
export const RISK_LEVELS: Record<RiskRecommendation, "LOW" | "MEDIUM" | "HIGH" | "NONE"> = {
  ACCEPT: "LOW",
  INVESTIGATE: "MEDIUM",
  CANCEL: "HIGH",
  NONE: "NONE",
};

/** A customer of a shop; orders name them by id. */
export interface SandboxCustomer {
  id: number;
  email: string;
  createdAt: number;
}

/** An order; every amount in minor units of `currency`, every time in epoch ms (whole seconds). */
export interface SandboxOrder {
  /** Legacy numeric id (`legacyResourceId`, REST `id`). */
  id: number;
  shop: string;
  /** Order number, 1001 upwards per shop. */
  number: number;
  /** `#1001`. */
  name: string;
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  test: boolean;
  currency: string;
  /** Order total (line items, shipping and taxes), before refunds. */
  totalMinor: number;
  lineItems: SandboxLineItem[];
  refunds: SandboxRefund[];
  note: string | null;
  tags: string[];
  paymentStatus: PaymentStatus;
  /** `web`, `pos`, `shopify_draft_order` (completed from a draft in the admin), … */
  sourceName: string;
  /** `payment_gateway_names`, e.g. `shopify_payments` or `manual`. */
  gateways: string[];
  /** The customer's id, or null for a guest checkout. */
  customerId: number | null;
  /** Shopify's fraud analysis of the order. */
  risk: RiskRecommendation;
}

/** A webhook subscription created through the Admin API. */
export interface WebhookSubscription {
  /** Numeric id; GraphQL shows `gid://shopify/WebhookSubscription/{id}`. */
  id: number;
  shop: string;
  topic: WebhookTopic;
  callbackUrl: string;
  format: "JSON";
  /** API version of the request that created it; deliveries use it. */
  apiVersion: string;
  includeFields: string[];
  metafieldNamespaces: string[];
  createdAt: number;
  updatedAt: number;
}

/** What is left of an order's total after refunds, minor units. */
export function currentTotalMinor(order: SandboxOrder): number {
  return order.totalMinor -
    order.refunds.reduce((sum, refund) => sum + refund.amountMinor, 0);
}

/** Sum of the line items, minor units. */
export function subtotalMinor(order: SandboxOrder): number {
  return order.lineItems.reduce(
    (sum, item) => sum + item.priceMinor * item.quantity,
    0,
  );
}

/**
 * REST `financial_status`: `pending`, `authorized` or `voided` until paid;
 * once paid `paid`, `partially_refunded` or `refunded` (a paid order
 * cancelled without a refund shows `voided`).
 */
export function financialStatus(order: SandboxOrder): string {
  if (order.paymentStatus !== "paid") return order.paymentStatus;
  const refunded = order.totalMinor - currentTotalMinor(order);
  if (refunded === 0) return order.cancelledAt === null ? "paid" : "voided";
  return refunded >= order.totalMinor ? "refunded" : "partially_refunded";
}

/** The GraphQL enum for a topic: `orders/create` → `ORDERS_CREATE`. */
export function topicToEnum(topic: WebhookTopic): string {
  return topic.replace("/", "_").toUpperCase();
}

/** The topic for a GraphQL enum value, or `undefined` when the sandbox does not fire it. */
export function topicFromEnum(value: string): WebhookTopic | undefined {
  return WEBHOOK_TOPICS.find((topic) => topicToEnum(topic) === value);
}
