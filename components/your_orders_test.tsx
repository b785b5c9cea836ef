import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { countsText, YourOrders } from "./your_orders.tsx";
import type { OwnOrder } from "../lib/competitions/stored_order.ts";

const at = "2026-12-02T01:00:00.000Z";
const order = (orderId: string, patch: Partial<OwnOrder>): OwnOrder => ({
  orderId,
  createdAt: at,
  amount: 1000,
  counted: true,
  ...patch,
});

Deno.test("your orders - each held, flagged, capped or decided order says why, in words", () => {
  const cases: [OwnOrder, string][] = [
    [order("1", {}), "Yes"],
    [order("2", { amount: 0, counted: false, reason: "test" }), "No: a test order"],
    [
      order("3", { amount: 0, counted: false, total: 2500, review: { reason: "pending_payment", status: "open" } }),
      "Held: the payment is still pending",
    ],
    [
      order("4", { amount: 0, counted: false, total: 2500, review: { reason: "voided", status: "open" } }),
      "No: the payment was voided",
    ],
    [
      order("5", { review: { reason: "high_risk", status: "open" } }),
      "Yes, flagged for the creator: Shopify's fraud analysis",
    ],
    [order("6", { total: 4000, review: { reason: "customer_cap", status: "open" } }), "In part: over the customer cap"],
    [order("7", { review: { reason: "pending_payment", status: "cleared" } }), "Yes"],
    [
      order("8", { review: { reason: "manual_source", status: "decided", decision: "count", note: "Paid by phone" } }),
      "Yes: counted by the creator (Paid by phone)",
    ],
    [
      order("9", {
        amount: 0,
        counted: false,
        total: 900,
        review: { reason: "spike", status: "decided", decision: "exclude" },
      }),
      "No: excluded by the creator",
    ],
  ];
  for (const [input, text] of cases) assert.equal(countsText(input), text, input.orderId);
  const html = renderToString(
    <YourOrders orders={cases.map(([o]) => o)} currency="USD" shown={100} clock={{ timeZone: "UTC", now: 0 }} />,
  );
  assert.match(html, /Held: the payment is still pending/);
  assert.match(html, /excluded by the creator/);
});
