/**
 * Shopify orders, as webhooks (REST shape) and the Admin GraphQL API deliver
 * them, mapped to the one `OrderDelivery` that `recordOrder` counts. Money is
 * parsed exactly (`"12.50"` from REST, `"12.5"` / `"10.0"` from GraphQL);
 * timestamps become UTC ISO strings whatever offset they came with.
 *
 * Shopify's words become the domain's here, once: its financial status
 * (`paid`, `partially_refunded`, `refunded` → paid; `pending`, `authorized`,
 * `partially_paid` → pending; `voided`, `expired` → voided; an unknown status
 * is treated as pending, a missing one as before statuses were read: paid),
 * a draft order (`source_name` `shopify_draft_order`) or the manual payment
 * gateway (`manual` among `payment_gateway_names`) as a manual order, the
 * customer's id, and the risk recommendation (`Order.risk.recommendation`,
 * offered by the Admin GraphQL API only; webhooks do not carry it).
 */
import { parseMoney } from "../core/money.ts";
import type { OrderDelivery } from "../competitions/revenue.ts";
import type { PaymentState, RiskRecommendation } from "../competitions/order_rules.ts";

/**
 * The largest order total counted, in minor units (10^13: a hundred billion
 * dollars). Larger ones are refused, so a store's total of orders stays an
 * exact integer (below 2^53) for any realistic number of orders.
 */
export const MAX_ORDER_AMOUNT = 10 ** 13;

/** A payload that is not an order we can read. */
export class OrderPayloadError extends Error {
  override name = "OrderPayloadError";
}

/** The fields of a REST order (webhook body) the app reads. */
export interface RestOrder {
  id?: number | string;
  /** The order's name as the store sees it, e.g. `#1001` (the shop's prefix and suffix around its number). */
  name?: string;
  admin_graphql_api_id?: string;
  created_at?: string;
  updated_at?: string;
  cancelled_at?: string | null;
  test?: boolean;
  currency?: string;
  current_total_price?: string;
  current_total_price_set?: { shop_money?: { amount?: string; currency_code?: string } };
  financial_status?: string | null;
  source_name?: string | null;
  payment_gateway_names?: string[] | null;
  customer?: { id?: number | string } | null;
}

/** The fields of a GraphQL `Order` node the sync selects. */
export interface GraphqlOrder {
  id: string;
  /** `Order.name`, e.g. `#1001`. */
  name?: string;
  legacyResourceId?: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  currentTotalPriceSet: { shopMoney: { amount: string; currencyCode: string } };
  displayFinancialStatus?: string | null;
  sourceName?: string | null;
  paymentGatewayNames?: string[];
  customer?: { id: string } | null;
  risk?: { recommendation: string };
}

/** The selection the sync asks for, matching `GraphqlOrder`. */
export const ORDER_FIELDS = "id legacyResourceId name createdAt updatedAt cancelledAt test " +
  "currentTotalPriceSet { shopMoney { amount currencyCode } } " +
  "displayFinancialStatus sourceName paymentGatewayNames customer { id } risk { recommendation }";

/** What one order node of {@link ORDER_FIELDS} costs in Shopify's calculator: itself and its four objects. */
export const ORDER_NODE_COST = 5;

const PAYMENT_STATES: Record<string, PaymentState> = {
  paid: "paid",
  partially_refunded: "paid",
  refunded: "paid",
  pending: "pending",
  authorized: "pending",
  partially_paid: "pending",
  voided: "voided",
  expired: "voided",
};

/**
 * Shopify's financial status (REST `financial_status`, or GraphQL's
 * `displayFinancialStatus` in upper case) as the domain's payment state;
 * `undefined` when Shopify does not say (counted as before statuses were read).
 */
export function paymentStateOf(status: string | null | undefined): PaymentState | undefined {
  if (status === null || status === undefined) return undefined;
  return PAYMENT_STATES[status.toLowerCase()] ?? "pending";
}

/** Shopify's `source_name` of an order completed from a draft in the admin. */
export const DRAFT_ORDER_SOURCE = "shopify_draft_order";

/** Whether an order was entered by hand: completed from a draft order, or paid through the manual gateway. */
export function isManualOrder(sourceName: string | null | undefined, gateways: readonly string[] | null | undefined) {
  return sourceName === DRAFT_ORDER_SOURCE || (gateways ?? []).some((name) => name.trim().toLowerCase() === "manual");
}

const RISKS = new Set<string>(["ACCEPT", "CANCEL", "INVESTIGATE", "NONE"]);

/** `Order.risk.recommendation` (`OrderRiskRecommendationResult`) as the domain's recommendation. */
export function riskOf(recommendation: string | undefined): RiskRecommendation | undefined {
  return recommendation !== undefined && RISKS.has(recommendation)
    ? recommendation.toLowerCase() as RiskRecommendation
    : undefined;
}

/**
 * A Shopify id as its legacy number (at most 20 digits: Shopify's ids are
 * unsigned 64-bit): a positive number, a string of digits, or
 * `gid://shopify/{resource}/…`; `undefined` for anything else.
 */
export function legacyIdOf(value: unknown, resource: string): string | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^(?:gid:\/\/shopify\/(\w+)\/)?(\d{1,20})$/.exec(value);
  return match && (match[1] === undefined || match[1] === resource) ? match[2] : undefined;
}

/** The facts beyond the money: payment, manual entry, customer and risk; only those the payload states. */
function factsOf(
  status: string | null | undefined,
  manual: boolean,
  customer: { id?: number | string } | null | undefined,
  risk?: RiskRecommendation,
): Partial<OrderDelivery> {
  const payment = paymentStateOf(status);
  const customerId = legacyIdOf(customer?.id, "Customer");
  return {
    ...(payment ? { payment } : {}),
    ...(manual ? { manual } : {}),
    ...(customerId ? { customerId } : {}),
    ...(risk ? { risk } : {}),
  };
}

/** The longest order name kept: Shopify's prefix and suffix are short; anything longer is not a name. */
const MAX_ORDER_NAME = 64;

/** An order's name when the payload carries a readable one (`{ name: "#1001" }`), else nothing. */
function nameOf(name: unknown): { name?: string } {
  const text = typeof name === "string" ? name.trim() : "";
  return text && text.length <= MAX_ORDER_NAME ? { name: text } : {};
}

function utc(value: unknown, field: string): string {
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new OrderPayloadError(`The order's ${field} is not a timestamp.`);
  return new Date(ms).toISOString();
}

function money(amount: unknown, currency: unknown): { amount: number; currency: string } {
  if (typeof amount !== "string" || typeof currency !== "string") {
    throw new OrderPayloadError("The order has no current total in shop money.");
  }
  let minor: number;
  try {
    minor = parseMoney(amount, currency);
  } catch (error) {
    throw new OrderPayloadError(`The order's current total is unreadable: ${(error as Error).message}`);
  }
  if (minor > MAX_ORDER_AMOUNT) throw new OrderPayloadError("The order's current total is beyond any real order.");
  return { amount: minor, currency };
}

/** An order's id from its `gid://shopify/Order/123` or its numeric id → `"123"`. */
function legacyId(gid: unknown, numeric: unknown): string {
  const id = (typeof gid === "string" && gid.startsWith("gid:") ? legacyIdOf(gid, "Order") : undefined) ??
    (typeof numeric === "string" && numeric.startsWith("gid:") ? undefined : legacyIdOf(numeric, "Order"));
  if (id === undefined) throw new OrderPayloadError("The order has no id.");
  return id;
}

/**
 * A webhook's REST order → `OrderDelivery`: `current_total_price_set.shop_money`
 * (falling back to `current_total_price` with `currency`).
 *
 * @example
 * fromRestOrder({ id: 1, created_at: "2026-12-01T07:00:00-05:00", ... });
 */
export function fromRestOrder(order: RestOrder): OrderDelivery {
  if (typeof order !== "object" || order === null) throw new OrderPayloadError("The payload is not an order.");
  const shopMoney = order.current_total_price_set?.shop_money;
  const total = shopMoney?.amount !== undefined
    ? money(shopMoney.amount, shopMoney.currency_code ?? order.currency)
    : money(order.current_total_price, order.currency);
  return {
    orderId: legacyId(order.admin_graphql_api_id, order.id),
    ...nameOf(order.name),
    createdAt: utc(order.created_at, "created_at"),
    updatedAt: utc(order.updated_at, "updated_at"),
    amount: total.amount,
    currency: total.currency,
    test: order.test === true,
    cancelled: order.cancelled_at !== null && order.cancelled_at !== undefined,
    ...factsOf(order.financial_status, isManualOrder(order.source_name, order.payment_gateway_names), order.customer),
  };
}

/** A GraphQL `Order` node → `OrderDelivery` (shop money, legacy id). */
export function fromGraphqlOrder(order: GraphqlOrder): OrderDelivery {
  const total = money(
    order.currentTotalPriceSet?.shopMoney?.amount,
    order.currentTotalPriceSet?.shopMoney?.currencyCode,
  );
  return {
    orderId: legacyId(order.id, order.legacyResourceId),
    ...nameOf(order.name),
    createdAt: utc(order.createdAt, "createdAt"),
    updatedAt: utc(order.updatedAt, "updatedAt"),
    amount: total.amount,
    currency: total.currency,
    test: order.test === true,
    cancelled: order.cancelledAt !== null && order.cancelledAt !== undefined,
    ...factsOf(
      order.displayFinancialStatus,
      isManualOrder(order.sourceName, order.paymentGatewayNames),
      order.customer,
      riskOf(order.risk?.recommendation),
    ),
  };
}
