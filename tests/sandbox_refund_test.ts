/**
 * A newcomer's refund in the simulated Shopify moves the board: the merchant
 * places an order and then refunds part of it, then the rest, from the
 * simulator's overview page (its forms, as a browser posts them). Each
 * refund sends Shopify's signed `refunds/create` and `orders/updated` to the
 * app, and the competition's leaderboard follows the order's current total.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { joinStore, openCompetition, participantOf, settledSync } from "../testing/shopify.ts";

const SHOP = "refund-demo.myshopify.com";

/** Posts one of the overview's forms, as the browser does; the simulator answers 303 back to the shop's orders. */
async function postOverviewForm(t: TestApp, path: string, fields: Record<string, string>): Promise<Response> {
  const response = await fetch(`${t.shopify!.origin}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  await response.body?.cancel();
  return response;
}

/** The store's revenue on the competition's public board. */
async function boardRevenue(t: TestApp, competitionId: string): Promise<string> {
  const board = await (await fetch(`${t.url}/api/competitions/${competitionId}/leaderboard`)).json();
  return board.entries[0].revenue;
}

Deno.test("sandbox refund - refunding part, then all, of an order from the simulated Shopify's page moves the board", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const shopify = t.shopify!;
  const competition = await openCompetition(t);
  shopify.createShop({ shop: SHOP, name: "Refund Demo", currency: "USD" });
  await joinStore(t, competition.id, "merchant_refund", SHOP);
  const participant = (await participantOf(t, competition.id, SHOP))!;
  await settledSync(t, participant.id);

  assert.equal((await postOverviewForm(t, "/_sandbox/orders", { shop: SHOP, totalPrice: "40.00" })).status, 303);
  await shopify.flushWebhooks();
  assert.equal(await boardRevenue(t, competition.id), "40.00");
  const [order] = shopify.orders(SHOP);

  const page = await (await fetch(`${shopify.origin}/?shop=${SHOP}`)).text();
  assert.match(page, /action="\/_sandbox\/orders\/refund"/, "the order's row offers a refund");
  assert.match(page, /name="amount" value="40.00"/, "starting at what is left of the order");

  const refunded = await postOverviewForm(t, "/_sandbox/orders/refund", {
    shop: SHOP,
    id: String(order.id),
    amount: "15.00",
  });
  assert.equal(refunded.status, 303);
  assert.equal(refunded.headers.get("location"), `/?shop=${SHOP}`);
  await shopify.flushWebhooks();
  const sent = shopify.deliveries.slice(-2);
  assert.deepEqual(sent.map((delivery) => delivery.topic), ["refunds/create", "orders/updated"]);
  assert.ok(sent.every((delivery) => delivery.status === "delivered" && delivery.responseStatus === 200));
  assert.equal(shopify.orders(SHOP)[0].financialStatus, "partially_refunded");
  assert.equal(await boardRevenue(t, competition.id), "25.00", "a partial refund takes its amount off");

  const tooMuch = await postOverviewForm(t, "/_sandbox/orders/refund", {
    shop: SHOP,
    id: String(order.id),
    amount: "25.01",
  });
  assert.equal(tooMuch.status, 400, "more than is left is refused");
  assert.equal(await boardRevenue(t, competition.id), "25.00");

  await postOverviewForm(t, "/_sandbox/orders/refund", { shop: SHOP, id: String(order.id), amount: "25.00" });
  await shopify.flushWebhooks();
  assert.equal(shopify.orders(SHOP)[0].financialStatus, "refunded");
  assert.equal(await boardRevenue(t, competition.id), "0.00", "a full refund takes the whole order off");
  const after = await (await fetch(`${shopify.origin}/?shop=${SHOP}`)).text();
  assert.doesNotMatch(after, /orders\/refund/, "nothing is left to refund");

  // An order whose payment is still pending has taken no money: nothing to refund (Shopify cancels it instead).
  const pending = shopify.createOrder(SHOP, { totalPrice: "9.00", payment: "pending" });
  await shopify.flushWebhooks();
  const refused = await postOverviewForm(t, "/_sandbox/orders/refund", {
    shop: SHOP,
    id: String(pending.id),
    amount: "9.00",
  });
  assert.equal(refused.status, 400);
});
