/**
 * The Shopify integration end to end, with the official library against the
 * simulated Shopify: a store with 1,000 existing orders joins and is
 * backfilled exactly; a webhook stream with duplicates, reordering, partial
 * refunds, cancellations, test orders and dropped deliveries ends, after one
 * sync through a 429 storm, exact to the cent; forged HMACs change nothing;
 * and no token is stored in plaintext anywhere in KV.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { joinStore, openCompetition, participantOf, readParticipant, settledSync } from "../testing/shopify.ts";
import { keys } from "../lib/core/db.ts";
import { decryptSecret } from "../lib/core/crypto.ts";
import { parseMoney } from "../lib/core/money.ts";
import { sumStoredOrders } from "../lib/competitions/revenue.ts";
import type { ShopConnection } from "../lib/shopify/connections.ts";
import type { Competition } from "../lib/competitions/competitions.ts";

const SHOP = "big-store.myshopify.com";

/** What the competition should count for the shop: the sum of its counted orders as Shopify has them now. */
function expectedTotal(t: TestApp, competition: Competition): { revenue: number; orders: number } {
  const start = Date.parse(competition.startDate);
  const end = Date.parse(competition.endDate);
  let revenue = 0;
  let orders = 0;
  for (const order of t.shopify!.orders(SHOP)) {
    if (order.test || order.cancelledAt !== null || order.createdAt < start || order.createdAt >= end) continue;
    revenue += parseMoney(order.currentTotalPrice, "USD");
    orders++;
  }
  return { revenue, orders };
}

async function plaintextTokens(t: TestApp): Promise<string[]> {
  const connection = (await t.kv.get<ShopConnection>(keys.shop(SHOP))).value!;
  const key = await (t.shopifyServices!.connections as unknown as { deps: { key: () => Promise<CryptoKey> } }).deps
    .key();
  return [
    await decryptSecret(key, connection.accessToken, `${SHOP}#access`),
    await decryptSecret(key, connection.refreshToken!, `${SHOP}#refresh`),
  ];
}

Deno.test("shopify end to end - backfill of 1,000 orders, a chaotic webhook stream, one sync: exact; no plaintext token", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const sandbox = t.shopify!;
  const competition = await openCompetition(t);
  const start = Date.parse(competition.startDate);
  sandbox.createShop({ shop: SHOP, currency: "USD" });
  for (let i = 0; i < 1_000; i++) {
    const cents = 100 + (i * 7919) % 90_000;
    sandbox.createOrder(SHOP, {
      totalPrice: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`,
      createdAt: start + 1000 * i,
    });
  }
  sandbox.createOrder(SHOP, { totalPrice: "999.00", test: true, createdAt: start + 5000 });
  sandbox.createOrder(SHOP, { totalPrice: "999.00", createdAt: start - 60_000 });
  t.clock.advance(1_000_000);

  const { callback } = await joinStore(t, competition.id, "owner_big", SHOP);
  assert.equal(callback.status, 303);
  const participant = (await participantOf(t, competition.id, SHOP))!;
  const backfilled = await settledSync(t, participant.id, 60_000);
  assert.equal(backfilled.sync.state, "done");
  const afterBackfill = expectedTotal(t, competition);
  assert.equal(afterBackfill.orders, 1_000);
  assert.deepEqual({ revenue: backfilled.revenue, orders: backfilled.orders }, afterBackfill, "backfill exact");

  // The webhook stream: new orders, edits, partial refunds, cancellations and test orders, delivered
  // with duplicates, some held and released newest-first, and some dropped.
  const orders = sandbox.orders(SHOP).filter((o) => !o.test);
  sandbox.faults.duplicateWebhooks = 15;
  for (let i = 0; i < 20; i++) sandbox.createOrder(SHOP, { totalPrice: `${10 + i}.25` });
  sandbox.createOrder(SHOP, { totalPrice: "500.00", test: true });
  await sandbox.flushWebhooks();
  sandbox.faults.holdWebhooks = true;
  for (let i = 0; i < 10; i++) sandbox.refundOrder(SHOP, orders[i].id, "0.50");
  for (let i = 0; i < 10; i++) sandbox.refundOrder(SHOP, orders[i].id, "0.25");
  sandbox.faults.holdWebhooks = false;
  await sandbox.releaseHeldWebhooks("reverse");
  await sandbox.flushWebhooks();
  sandbox.faults.dropWebhooks = 8;
  for (let i = 10; i < 14; i++) sandbox.cancelOrder(SHOP, orders[i].id);
  sandbox.createOrder(SHOP, { totalPrice: "77.70" });
  await sandbox.flushWebhooks();
  assert.ok(sandbox.deliveries.some((d) => d.status === "dropped"), "some deliveries were dropped");

  // Forged deliveries change nothing.
  const before = await readParticipant(t, participant.id);
  const forged = await fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-webhook-id": crypto.randomUUID(),
      "x-shopify-hmac-sha256": btoa("forged-signature-forged-signature"),
    },
    body: JSON.stringify({
      id: 1,
      created_at: new Date(t.clock.now()).toISOString(),
      current_total_price: "1000000.00",
    }),
  });
  assert.equal(forged.status, 401);
  await forged.body?.cancel();
  assert.equal((await readParticipant(t, participant.id)).revenue, before.revenue);

  // One sync, through a storm of 429s, heals what was dropped.
  sandbox.faults.graphqlRateLimited = 25;
  sandbox.faults.retryAfterSeconds = 2;
  const rateLimitedBefore = t.shopifyServices!.admin.stats.rateLimited;
  await t.shopifyServices!.syncParticipant(await readParticipant(t, participant.id));
  assert.equal(t.shopifyServices!.admin.stats.rateLimited - rateLimitedBefore, 25, "every 429 was waited out");
  const synced = await readParticipant(t, participant.id);
  const want = expectedTotal(t, competition);
  assert.deepEqual({ revenue: synced.revenue, orders: synced.orders }, want, "exact to the cent after one sync");
  assert.deepEqual(await sumStoredOrders(t.kv, participant.id), want);

  // No plaintext token anywhere in the KV store.
  const tokens = await plaintextTokens(t);
  let entries = 0;
  for await (const entry of t.kv.list({ prefix: [] })) {
    entries++;
    const dump = JSON.stringify(entry, (_, value) => value instanceof Uint8Array ? [...value] : value);
    for (const token of tokens) assert.ok(!dump.includes(token), `KV entry ${entry.key.join("/")} holds a token`);
  }
  assert.ok(entries > 1000);
});
