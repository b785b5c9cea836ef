/**
 * Resilience of webhook ingest: many signed Shopify deliveries over real HTTP,
 * each sent three times at once (twice with one webhook id, once with a new
 * one, as Shopify's retries and duplicate events do), shuffled, with later
 * versions of some orders (refunds, cancels) racing their first version. The
 * totals must equal, to the cent, both the sum computed from the simulated
 * Shopify's orders and the sum of the stored orders.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { openCompetition } from "../testing/shopify.ts";
import { createParticipant, type Participant } from "../lib/competitions/participants.ts";
import { sumStoredOrders } from "../lib/competitions/revenue.ts";
import { parseMoney } from "../lib/core/money.ts";
import { keys } from "../lib/core/db.ts";
import { deliver, type Delivery, orderBody, pool, rng, shuffle, signedDelivery } from "../bench/support.ts";

const SEED = Number(Deno.env.get("RESILIENCE_SEED") ?? 20261201);

async function seedStores(t: TestApp, competitionId: string, stores: number, prefix: string) {
  const participants: Participant[] = [];
  for (let i = 0; i < stores; i++) {
    const shop = `${prefix}-${i}.myshopify.com`;
    t.shopify!.createShop({ shop, currency: "USD" });
    participants.push(
      await createParticipant(t.kv, competitionId, {
        userId: `${prefix}_owner_${i}`,
        shop,
        displayName: `Store ${i}`,
        currency: "USD",
      }, t.clock.now()),
    );
  }
  return participants;
}

/** Expected totals per shop from the simulated Shopify: current totals of counted orders. */
function expectedTotals(t: TestApp, shops: string[]) {
  const totals = new Map<string, { revenue: number; orders: number }>();
  for (const shop of shops) {
    let revenue = 0;
    let orders = 0;
    for (const order of t.shopify!.orders(shop)) {
      if (order.test || order.cancelledAt !== null) continue;
      revenue += parseMoney(order.currentTotalPrice, order.currency);
      orders++;
    }
    totals.set(shop, { revenue, orders });
  }
  return totals;
}

/** Every participant's total equals Shopify's sum and the sum of its stored orders; one leaderboard row each. */
async function assertExact(t: TestApp, competitionId: string, participants: Participant[], context: string) {
  const expected = expectedTotals(t, participants.map((p) => p.shop));
  let grand = 0;
  let grandExpected = 0;
  for (const p of participants) {
    const stored = (await t.kv.get<Participant>(keys.participant(p.id))).value!;
    const summed = await sumStoredOrders(t.kv, p.id);
    const want = expected.get(p.shop)!;
    assert.deepEqual(
      { revenue: stored.revenue, orders: stored.orders },
      want,
      `${context}: ${p.shop} total vs Shopify`,
    );
    assert.deepEqual(summed, want, `${context}: ${p.shop} stored orders vs Shopify`);
    grand += stored.revenue;
    grandExpected += want.revenue;
  }
  assert.equal(grand, grandExpected, `${context}: grand total`);
  const rows = [];
  for await (const row of t.kv.list({ prefix: keys.leaderboard(competitionId) })) rows.push(row);
  assert.equal(rows.length, participants.length, `${context}: one leaderboard row per store`);
  const res = await fetch(`${t.url}/api/competitions/${competitionId}/leaderboard?limit=1000`);
  const board = await res.json();
  const onBoard = (board.entries as { revenue: string }[]).reduce((sum, e) => sum + parseMoney(e.revenue, "USD"), 0);
  assert.equal(onBoard, grandExpected, `${context}: leaderboard API total`);
  return grandExpected;
}

Deno.test("resilience - 10,000 orders, each delivered three times concurrently and shuffled: totals exact to the cent", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  const sandbox = t.shopify!;
  const random = rng(SEED);
  const STORES = 40;
  const ORDERS = 10_000;
  const participants = await seedStores(t, competition.id, STORES, "resil");

  // First versions: orders/create, some of them test orders, amounts with every cent pattern.
  const versions: Delivery[] = [];
  const created = [];
  for (let i = 0; i < ORDERS; i++) {
    const shop = participants[Math.floor(random() * STORES)].shop;
    const cents = 1 + Math.floor(random() * 250_000);
    const order = sandbox.createOrder(shop, { totalPrice: (cents / 100).toFixed(2), test: random() < 0.02 });
    created.push(order);
    versions.push(await signedDelivery(shop, "orders/create", orderBody(sandbox, order)));
  }
  // Later versions (a second later, so `updated_at` moves): partial refunds and cancels.
  t.clock.advance(2000);
  for (const order of created) {
    const roll = random();
    if (roll < 0.05) {
      const refund = Math.max(1, Math.floor(parseMoney(order.totalPrice, "USD") * random()));
      const after = sandbox.refundOrder(order.shop, order.id, (refund / 100).toFixed(2));
      versions.push(await signedDelivery(order.shop, "orders/updated", orderBody(sandbox, after)));
    } else if (roll < 0.08) {
      const after = sandbox.cancelOrder(order.shop, order.id);
      versions.push(await signedDelivery(order.shop, "orders/cancelled", orderBody(sandbox, after)));
    }
  }
  // Three copies of each: twice the same webhook id, once a new one (a duplicate event).
  const copies = shuffle(
    versions.flatMap((d) => [d, { ...d }, { ...d, webhookId: crypto.randomUUID() }]),
    random,
  );
  const started = performance.now();
  const statuses = await pool(copies, 64, (d) => deliver(t.url!, d, 30_000));
  const seconds = (performance.now() - started) / 1000;
  const bad = statuses.map((status, i) => ({ status, i })).filter(({ status }) => status !== 200);
  assert.equal(bad.length, 0, `non-200 answers (seed ${SEED}): ${JSON.stringify(bad.slice(0, 5))}`);
  const total = await assertExact(t, competition.id, participants, `seed ${SEED}`);
  console.log(
    `${copies.length} deliveries (${versions.length} versions × 3) in ${seconds.toFixed(1)} s ` +
      `(${Math.round(copies.length / seconds)}/s); total ${(total / 100).toFixed(2)} USD exact`,
  );
});

Deno.test("resilience - 200 concurrent deliveries for one store: exact", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  const sandbox = t.shopify!;
  const random = rng(SEED + 1);
  const participants = await seedStores(t, competition.id, 3, "hot");
  const hot = participants[1];
  const deliveries: Delivery[] = [];
  for (let i = 0; i < 200; i++) {
    const cents = 1 + Math.floor(random() * 99_999);
    const order = sandbox.createOrder(hot.shop, { totalPrice: (cents / 100).toFixed(2) });
    deliveries.push(await signedDelivery(hot.shop, "orders/create", orderBody(sandbox, order)));
  }
  const statuses = await Promise.all(deliveries.map((d) => deliver(t.url!, d, 30_000)));
  assert.deepEqual(statuses.filter((s) => s !== 200), [], `seed ${SEED + 1}`);
  await assertExact(t, competition.id, participants, `hot store, seed ${SEED + 1}`);
  // The same 200 again, all at once with new webhook ids: nothing moves.
  const again = await Promise.all(deliveries.map((d) => deliver(t.url!, { ...d, webhookId: crypto.randomUUID() })));
  assert.deepEqual(again.filter((s) => s !== 200), []);
  await assertExact(t, competition.id, participants, `hot store replayed, seed ${SEED + 1}`);
});
