import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { countsText, reviewText, YourOrders } from "./your_orders.tsx";
import type { OwnOrder } from "../lib/competitions/stored_order.ts";

const at = "2026-12-02T01:00:00.000Z";
const order = (orderId: string, patch: Partial<OwnOrder>): OwnOrder => ({
  orderId,
  createdAt: at,
  amount: 1000,
  counted: true,
  ...patch,
});

Deno.test("your orders - each held, flagged, capped or decided order says whether it counts and why, in a sentence", () => {
  const cases: [OwnOrder, string, RegExp | undefined][] = [
    [order("1", {}), "Yes", undefined],
    [order("2", { amount: 0, counted: false, reason: "test" }), "No: a test order", undefined],
    [
      order("3", { amount: 0, counted: false, total: 2500, review: { reason: "pending_payment", status: "open" } }),
      "Held",
      /payment is still pending\. It counts by itself once paid/,
    ],
    [
      order("4", { amount: 0, counted: false, total: 2500, review: { reason: "voided", status: "open" } }),
      "No: payment voided",
      /no money was taken/,
    ],
    [
      order("5", { review: { reason: "high_risk", status: "open" } }),
      "Yes, flagged for the creator",
      /recommends investigating it\. It counts unless the creator excludes it/,
    ],
    [
      order("5b", { amount: 0, counted: false, total: 1000, review: { reason: "high_risk", status: "open" } }),
      "Held",
      /recommends cancelling it, so it waits for the creator's decision/,
    ],
    [
      order("6", { total: 4000, review: { reason: "customer_cap", status: "open" } }),
      "In part",
      /customer cap, so it counts only up to the cap/,
    ],
    [
      order("7", { review: { reason: "pending_payment", status: "cleared" } }),
      "Yes",
      /held at first \(payment pending\)/,
    ],
    [
      order("8", { review: { reason: "manual_source", status: "decided", decision: "count", note: "Paid by phone" } }),
      "Yes: counted by the creator",
      /reviewed it \(draft or manual order\) and counted it in full/,
    ],
    [
      order("9", {
        amount: 0,
        counted: false,
        total: 900,
        review: { reason: "spike", status: "decided", decision: "exclude" },
      }),
      "No: excluded by the creator",
      /reviewed it \(sales spike\) and excluded it/,
    ],
    [
      order("10", { review: { reason: "spike", status: "open", noSalesHistory: true } }),
      "Yes, flagged for the creator",
      /too few sales before the start/,
    ],
  ];
  for (const [input, text, why] of cases) {
    assert.equal(countsText(input), text, input.orderId);
    if (why) assert.match(reviewText(input) ?? "", why, input.orderId);
    else assert.equal(reviewText(input), undefined, input.orderId);
  }
  const html = renderToString(
    <YourOrders orders={cases.map(([o]) => o)} currency="USD" shown={100} clock={{ timeZone: "UTC", now: 0 }} />,
  );
  assert.match(html, /The creator's note: <q>Paid by phone<\/q>/, "the note is quoted as the creator's");
  assert.match(html, /\$10\.00<span class="order-total">of \$40\.00<\/span>/, "a capped order shows its total");
});

Deno.test("your orders - by Shopify's names (the id on hover), and nothing counts while the store is disqualified", () => {
  const orders = [order("5001", { name: "#1001" }), order("5002", {})];
  const clock = { timeZone: "Asia/Tokyo", now: 0 };
  const shown = renderToString(<YourOrders orders={orders} currency="USD" shown={100} clock={clock} />);
  assert.match(shown, /<th scope="row" title="Shopify order id 5001">#1001<\/th>/);
  assert.match(shown, /<th scope="row" title="Shopify order id 5002">#5002<\/th>/, "no name kept: the id");
  assert.match(shown, /Dec 2, 2026, 10:00 GMT\+9/);
  const out = renderToString(<YourOrders orders={orders} currency="USD" shown={100} clock={clock} disqualified />);
  assert.equal(out.match(/No: your store is disqualified/g)?.length, 2);
  assert.doesNotMatch(out, /\$10\.00/, "its orders count for nothing while it is out");
});
