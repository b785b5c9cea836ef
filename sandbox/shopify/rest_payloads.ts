/** Webhook bodies in the shape of Shopify's REST resources. */
import { formatRestMoney } from "./money.ts";
import {
  currentTotalMinor,
  financialStatus,
  RISK_LEVELS,
  type SandboxCustomer,
  type SandboxOrder,
  type SandboxShop,
  subtotalMinor,
} from "./model.ts";
import { restDateTime } from "./time.ts";

function moneySet(minor: number, currency: string) {
  const amount = formatRestMoney(minor, currency);
  return {
    shop_money: { amount, currency_code: currency },
    presentment_money: { amount, currency_code: currency },
  };
}

/** The REST order, as `orders/*` webhooks carry it (`customer` is the order's, when it has one). */
export function orderPayload(order: SandboxOrder, shop: SandboxShop, customer?: SandboxCustomer) {
  const at = (ms: number) => restDateTime(ms, shop.utcOffsetMinutes);
  const money = (minor: number) => formatRestMoney(minor, order.currency);
  const current = currentTotalMinor(order);
  const subtotal = subtotalMinor(order);
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    order_number: order.number,
    number: order.number - 1000,
    email: `buyer${order.number}@customers.example`,
    created_at: at(order.createdAt),
    updated_at: at(order.updatedAt),
    processed_at: at(order.createdAt),
    cancelled_at: order.cancelledAt === null ? null : at(order.cancelledAt),
    cancel_reason: order.cancelReason,
    closed_at: null,
    currency: order.currency,
    presentment_currency: order.currency,
    financial_status: financialStatus(order),
    fulfillment_status: null,
    source_name: order.sourceName,
    payment_gateway_names: [...order.gateways],
    customer: customer
      ? {
        id: customer.id,
        admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
        email: customer.email,
        created_at: at(customer.createdAt),
      }
      : null,
    test: order.test,
    note: order.note,
    tags: order.tags.join(", "),
    total_price: money(order.totalMinor),
    current_total_price: money(current),
    subtotal_price: money(subtotal),
    current_subtotal_price: money(subtotal),
    total_tax: money(0),
    current_total_tax: money(0),
    total_discounts: money(0),
    total_price_set: moneySet(order.totalMinor, order.currency),
    current_total_price_set: moneySet(current, order.currency),
    subtotal_price_set: moneySet(subtotal, order.currency),
    line_items: order.lineItems.map((item) => ({
      id: item.id,
      admin_graphql_api_id: `gid://shopify/LineItem/${item.id}`,
      title: item.title,
      name: item.title,
      quantity: item.quantity,
      price: money(item.priceMinor),
      price_set: moneySet(item.priceMinor, order.currency),
    })),
    refunds: order.refunds.map((refund) => refundPayload(order, refund.id, shop)),
  };
}

/** The REST refund, as `refunds/create` carries it (and orders list in `refunds`). */
export function refundPayload(
  order: SandboxOrder,
  refundId: number,
  shop: SandboxShop,
) {
  const refund = order.refunds.find((item) => item.id === refundId);
  if (!refund) throw new Error(`Unknown refund ${refundId}`);
  const at = restDateTime(refund.createdAt, shop.utcOffsetMinutes);
  const amount = formatRestMoney(refund.amountMinor, order.currency);
  return {
    id: refund.id,
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    order_id: order.id,
    created_at: at,
    processed_at: at,
    note: refund.note,
    restock: false,
    refund_line_items: [],
    transactions: [{
      id: refund.id + 1,
      order_id: order.id,
      kind: "refund",
      status: "success",
      amount,
      currency: order.currency,
      created_at: at,
    }],
  };
}

/**
 * What `orders/risk_assessment_changed` carries: the order's id, the risk
 * level and the provider (null: Shopify's own analysis). Shopify's schema
 * says it, and so the sandbox, does not carry the recommendation: the app
 * reads `Order.risk.recommendation` from the Admin API.
 */
export function riskAssessmentPayload(order: SandboxOrder, shop: SandboxShop, at: number) {
  return {
    order_id: order.id,
    admin_graphql_api_order_id: `gid://shopify/Order/${order.id}`,
    risk_level: RISK_LEVELS[order.risk].toLowerCase(),
    provider_id: null,
    provider_title: null,
    facts: [],
    created_at: restDateTime(at, shop.utcOffsetMinutes),
  };
}

/** The REST shop, as `app/uninstalled` carries it. */
export function shopPayload(shop: SandboxShop) {
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    myshopify_domain: shop.domain,
    currency: shop.currency,
  };
}
