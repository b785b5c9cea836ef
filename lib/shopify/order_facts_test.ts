import assert from "node:assert/strict";
import { fromGraphqlOrder, fromRestOrder, isManualOrder, legacyIdOf, paymentStateOf } from "./orders.ts";

const rest = {
  id: 5000000000001,
  created_at: "2026-12-01T07:00:05-05:00",
  updated_at: "2026-12-01T08:00:00-05:00",
  cancelled_at: null,
  test: false,
  currency: "USD",
  current_total_price: "12.50",
};

Deno.test("order facts - REST: financial status, draft or manual gateway, customer; only what the payload states", () => {
  assert.deepEqual(
    fromRestOrder({
      ...rest,
      financial_status: "partially_refunded",
      source_name: "shopify_draft_order",
      payment_gateway_names: ["manual"],
      customer: { id: 7200000000001 },
    }),
    {
      orderId: "5000000000001",
      createdAt: "2026-12-01T12:00:05.000Z",
      updatedAt: "2026-12-01T13:00:00.000Z",
      amount: 1250,
      currency: "USD",
      test: false,
      cancelled: false,
      payment: "paid",
      manual: true,
      customerId: "7200000000001",
    },
  );
  const plain = fromRestOrder({
    ...rest,
    source_name: "web",
    payment_gateway_names: ["shopify_payments"],
    customer: null,
  });
  assert.deepEqual([plain.payment, plain.manual, plain.customerId], [undefined, undefined, undefined]);
  assert.equal(fromRestOrder({ ...rest, financial_status: "authorized" }).payment, "pending");
  assert.equal(fromRestOrder({ ...rest, financial_status: "expired" }).payment, "voided");
  assert.equal(fromRestOrder({ ...rest, financial_status: "something_new" }).payment, "pending", "unknown: held");
  assert.equal(fromRestOrder({ ...rest, payment_gateway_names: ["Manual"] }).manual, true);
  assert.equal(fromRestOrder({ ...rest, payment_gateway_names: ["Cash on Delivery (COD)"] }).manual, undefined);
  assert.equal(fromRestOrder({ ...rest, customer: { id: "gid://shopify/Customer/42" } }).customerId, "42");
  assert.equal(fromRestOrder({ ...rest, customer: { id: "gid://shopify/Order/42" } }).customerId, undefined);
});

Deno.test("order facts - GraphQL: displayFinancialStatus, sourceName, paymentGatewayNames, customer and risk", () => {
  const node = {
    id: "gid://shopify/Order/42",
    createdAt: "2026-12-01T12:00:00Z",
    updatedAt: "2026-12-01T12:30:00Z",
    cancelledAt: null,
    test: false,
    currentTotalPriceSet: { shopMoney: { amount: "12.5", currencyCode: "USD" } },
    displayFinancialStatus: "PENDING",
    sourceName: "web",
    paymentGatewayNames: ["shopify_payments"],
    customer: { id: "gid://shopify/Customer/9" },
    risk: { recommendation: "INVESTIGATE" },
  };
  const order = fromGraphqlOrder(node);
  assert.deepEqual([order.payment, order.manual, order.customerId, order.risk], [
    "pending",
    undefined,
    "9",
    "investigate",
  ]);
  assert.equal(fromGraphqlOrder({ ...node, displayFinancialStatus: null }).payment, undefined);
  assert.equal(fromGraphqlOrder({ ...node, risk: { recommendation: "CANCEL" } }).risk, "cancel");
  assert.equal(fromGraphqlOrder({ ...node, sourceName: "shopify_draft_order" }).manual, true);
});

Deno.test("order facts - the words, once: statuses, manual orders and legacy ids", () => {
  assert.deepEqual(["paid", "refunded", "PARTIALLY_PAID", "VOIDED", null].map(paymentStateOf), [
    "paid",
    "paid",
    "pending",
    "voided",
    undefined,
  ]);
  assert.equal(isManualOrder("pos", ["manual"]), true);
  assert.equal(isManualOrder(null, null), false);
  assert.deepEqual(
    [42, "42", "gid://shopify/Order/42", "gid://shopify/Customer/42", -1, 1.5, "4".repeat(21), null].map((v) =>
      legacyIdOf(v, "Order")
    ),
    ["42", "42", "42", undefined, undefined, undefined, undefined, undefined],
  );
});

Deno.test("order facts - the order's name as the store sees it, from REST and GraphQL; anything else is no name", () => {
  assert.equal(fromRestOrder({ ...rest, name: "#1001" }).name, "#1001");
  assert.equal(fromRestOrder({ ...rest, name: " CB-1001-X " }).name, "CB-1001-X");
  assert.equal(fromRestOrder(rest).name, undefined);
  assert.equal(fromRestOrder({ ...rest, name: "x".repeat(65) }).name, undefined);
  assert.equal(fromRestOrder({ ...rest, name: 1001 as unknown as string }).name, undefined);
  const node = {
    id: "gid://shopify/Order/5000000000001",
    name: "#1001",
    createdAt: "2026-12-01T12:00:05Z",
    updatedAt: "2026-12-01T13:00:00Z",
    cancelledAt: null,
    test: false,
    currentTotalPriceSet: { shopMoney: { amount: "12.5", currencyCode: "USD" } },
  };
  assert.equal(fromGraphqlOrder(node).name, "#1001");
});
