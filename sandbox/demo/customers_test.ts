import assert from "node:assert/strict";
import { orderAmountCents, startCustomers } from "./customers.ts";
import type { OrderSnapshot, ShopifySandbox } from "../shopify/mod.ts";

/** A seeded random source (mulberry32), so a run can be repeated. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The part of the simulated Shopify the customers use, recording what they do. */
function fakeShopify() {
  const log: string[] = [];
  const orders = new Map<string, OrderSnapshot[]>();
  let id = 1;
  const cents = (text: string) => Math.round(Number(text) * 100);
  const shopify = {
    createOrder(shop: string, input: { totalPrice?: string }) {
      const order = { id: id++, currentTotalPrice: input.totalPrice!, test: false } as OrderSnapshot;
      orders.set(shop, [...orders.get(shop) ?? [], order]);
      log.push(`order ${shop} ${input.totalPrice}`);
      return order;
    },
    orders: (shop: string) => orders.get(shop) ?? [],
    refundOrder(shop: string, orderId: number, amount: string) {
      const order = orders.get(shop)!.find((o) => o.id === orderId)!;
      assert.ok(cents(amount) > 0 && cents(amount) <= cents(order.currentTotalPrice), `refund ${amount}`);
      order.currentTotalPrice = ((cents(order.currentTotalPrice) - cents(amount)) / 100).toFixed(2);
      log.push(`refund ${shop} ${amount}`);
      return order;
    },
    cancelOrder(shop: string, orderId: number) {
      const order = orders.get(shop)!.find((o) => o.id === orderId)!;
      order.cancelledAt = Date.now();
      log.push(`cancel ${shop}`);
      return order;
    },
    flushWebhooks: () => Promise.resolve(),
  };
  return { shopify: shopify as unknown as ShopifySandbox, log };
}

Deno.test("customers - amounts are log-normal around $45, within $5 to $400", () => {
  const random = seeded(7);
  const amounts = Array.from({ length: 20_000 }, () => orderAmountCents(random)).sort((a, b) => a - b);
  const median = amounts[amounts.length / 2];
  assert.ok(median > 4_000 && median < 5_000, `median ${median}`);
  assert.equal(amounts[0], 500);
  assert.equal(amounts.at(-1), 40_000);
  const over200 = amounts.filter((a) => a > 20_000).length / amounts.length;
  assert.ok(over200 > 0.01 && over200 < 0.05, `share over $200: ${over200}`);
  assert.ok(amounts.every(Number.isInteger));
});

Deno.test("customers - buy at every live store, sometimes refund or cancel, pause with no stores, stop on stop()", async () => {
  const { shopify, log } = fakeShopify();
  let stores: string[] | undefined = ["a.myshopify.com", "b.myshopify.com", "c.myshopify.com"];
  const customers = startCustomers({
    shopify,
    stores: () => stores,
    ordersPerMinute: 1_200,
    firstOrderWithinMs: 20,
    random: seeded(42),
  });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  stores = undefined;
  await new Promise((resolve) => setTimeout(resolve, 100)); // a burst's orders may still land in this time
  const paused = log.length;
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(log.length, paused, "nothing bought while no competition is live");
  stores = ["c.myshopify.com"];
  await new Promise((resolve) => setTimeout(resolve, 2_500)); // the watch picks the store up again within 2 s
  await customers.stop();
  const stopped = log.length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(log.length, stopped, "nothing bought after stop()");

  for (const shop of ["a", "b", "c"]) {
    assert.ok(log.filter((line) => line.startsWith(`order ${shop}.`)).length >= 5, `orders at ${shop}`);
  }
  assert.ok(log.slice(paused).some((line) => line.startsWith("order c.")), "buying resumed at the live store");
  assert.ok(log.slice(paused).every((line) => line.includes(" c.myshopify.com")), "only there");
  assert.equal(customers.stats.orders, log.filter((line) => line.startsWith("order")).length);
  assert.ok(customers.stats.refunds + customers.stats.cancellations > 0, JSON.stringify(customers.stats));
});
