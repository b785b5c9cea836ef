import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { keys } from "../lib/core/db.ts";
import { sumStoredOrders } from "../lib/competitions/revenue.ts";
import { parseMoney } from "../lib/core/money.ts";
import { signBody } from "../sandbox/shopify/hmac.ts";
import {
  joinStore,
  openCompetition,
  participantOf,
  postJoin,
  readParticipant,
  settledSync,
} from "../testing/shopify.ts";

const SHOP = "hooks-demo.myshopify.com";

async function setUp(t: TestApp) {
  const competition = await openCompetition(t);
  t.shopify!.createShop({ shop: SHOP, currency: "USD" });
  const { callback } = await joinStore(t, competition.id, "merchant_a", SHOP);
  assert.equal(callback.status, 303);
  const participant = (await participantOf(t, competition.id, SHOP))!;
  await settledSync(t, participant.id);
  return { competition, participantId: participant.id };
}

async function totals(t: TestApp, participantId: string) {
  const participant = await readParticipant(t, participantId);
  const summed = await sumStoredOrders(t.kv, participantId);
  assert.deepEqual(
    summed,
    { revenue: participant.revenue, orders: participant.orders },
    "total = sum of stored orders",
  );
  return { revenue: participant.revenue, orders: participant.orders };
}

async function postWebhook(
  t: TestApp,
  { topic, shop = SHOP, body, hmac, id = crypto.randomUUID() }: {
    topic: string;
    shop?: string;
    body: string;
    hmac?: string;
    id?: string;
  },
) {
  return fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": id,
      "X-Shopify-Hmac-Sha256": hmac ?? await signBody("sandbox-secret", body),
    },
    body,
  });
}

Deno.test("shopify webhooks - signed orders move the total; refunds, cancels, test and out-of-window orders", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { competition, participantId } = await setUp(t);
  const sandbox = t.shopify!;
  const a = sandbox.createOrder(SHOP, { totalPrice: "25.00" });
  const b = sandbox.createOrder(SHOP, { totalPrice: "10.5" });
  await sandbox.flushWebhooks();
  assert.deepEqual(await totals(t, participantId), { revenue: 3550, orders: 2 });

  sandbox.refundOrder(SHOP, a.id, "5.25");
  await sandbox.flushWebhooks();
  assert.deepEqual(await totals(t, participantId), { revenue: 3025, orders: 2 });

  sandbox.cancelOrder(SHOP, b.id);
  await sandbox.flushWebhooks();
  assert.deepEqual(await totals(t, participantId), { revenue: 1975, orders: 1 });

  sandbox.createOrder(SHOP, { totalPrice: "100.00", test: true });
  sandbox.createOrder(SHOP, { totalPrice: "100.00", createdAt: Date.parse(competition.startDate) - 1000 });
  await sandbox.flushWebhooks();
  assert.deepEqual(await totals(t, participantId), { revenue: 1975, orders: 1 });
  assert.ok(sandbox.deliveries.every((d) => d.status === "delivered" && d.responseStatus === 200));

  // An order edited after the end of the window still counts if it was created inside.
  t.clock.ms = Date.parse(competition.endDate) - 1000;
  sandbox.updateOrder(SHOP, a.id, { totalPrice: "30.00" });
  await sandbox.flushWebhooks();
  assert.deepEqual(await totals(t, participantId), { revenue: 2475, orders: 1 });
  t.clock.ms = Date.parse(competition.endDate);
  sandbox.createOrder(SHOP, { totalPrice: "1.00" });
  await sandbox.flushWebhooks();
  assert.deepEqual(await totals(t, participantId), { revenue: 2475, orders: 1 }, "created at the end: outside");
});

Deno.test("shopify webhooks - bad HMAC 401, oversize 413, malformed JSON 400, unknown shop and privacy topics 200", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { participantId } = await setUp(t);
  const order = JSON.stringify({
    id: 1,
    created_at: new Date(t.clock.now()).toISOString(),
    updated_at: new Date(t.clock.now()).toISOString(),
    cancelled_at: null,
    test: false,
    currency: "USD",
    current_total_price: "9.99",
  });
  const forged = await postWebhook(t, { topic: "orders/create", body: order, hmac: await signBody("wrong", order) });
  assert.equal(forged.status, 401);
  await forged.body?.cancel();
  const unsigned = await fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": SHOP },
    body: order,
  });
  assert.equal(unsigned.status, 401);
  await unsigned.body?.cancel();
  assert.deepEqual(await totals(t, participantId), { revenue: 0, orders: 0 });

  const big = JSON.stringify({ padding: "x".repeat(1024 * 1024 + 10) });
  const oversize = await postWebhook(t, { topic: "orders/create", body: big });
  assert.equal(oversize.status, 413);
  await oversize.body?.cancel();
  // Larger than the app's default 64 KB, smaller than 1 MiB: accepted.
  const roomy = JSON.parse(order);
  roomy.note = "y".repeat(200 * 1024);
  const large = await postWebhook(t, { topic: "orders/create", body: JSON.stringify(roomy) });
  assert.equal(large.status, 200);
  await large.body?.cancel();
  assert.deepEqual(await totals(t, participantId), { revenue: 999, orders: 1 });

  const malformed = await postWebhook(t, { topic: "orders/create", body: "{not json" });
  assert.equal(malformed.status, 400);
  await malformed.body?.cancel();
  const notAnOrder = await postWebhook(t, { topic: "orders/updated", body: JSON.stringify({ id: 2 }) });
  assert.equal(notAnOrder.status, 400);
  await notAnOrder.body?.cancel();

  const unknown = await postWebhook(t, { topic: "orders/create", shop: "nobody.myshopify.com", body: order });
  assert.equal(unknown.status, 200);
  assert.equal((await unknown.json()).result, "unknown_shop");

  for (const topic of ["customers/data_request", "customers/redact"] as const) {
    t.shopify!.sendPrivacyWebhook(SHOP, topic);
  }
  await t.shopify!.flushWebhooks();
  const privacy = t.shopify!.deliveries.filter((d) => d.topic.startsWith("customers/"));
  assert.equal(privacy.length, 2);
  assert.ok(privacy.every((d) => d.responseStatus === 200));
  assert.ok((await t.kv.get(keys.shop(SHOP))).value, "customer topics keep the shop's tokens");
});

Deno.test("shopify webhooks - duplicates, drops healed by sync, and reordered deliveries end exact", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { participantId } = await setUp(t);
  const sandbox = t.shopify!;

  sandbox.faults.duplicateWebhooks = 3;
  const a = sandbox.createOrder(SHOP, { totalPrice: "20.00" });
  sandbox.refundOrder(SHOP, a.id, "4.00");
  await sandbox.flushWebhooks();
  const copies = sandbox.deliveries.filter((d) => d.duplicate);
  assert.equal(copies.length, 3);
  assert.ok(copies.every((d) => d.responseStatus === 200));
  assert.deepEqual(await totals(t, participantId), { revenue: 1600, orders: 1 });
  // A repeat of an applied delivery (its id read with the order, in the batch) is answered "duplicate".
  const applied = sandbox.deliveries.find((d) => !d.duplicate && d.topic === "orders/create")!;
  const repeat = await postWebhook(t, { topic: "orders/create", body: applied.body, id: applied.webhookId });
  assert.deepEqual(await repeat.json(), { ok: true, result: "duplicate" });
  assert.deepEqual(await totals(t, participantId), { revenue: 1600, orders: 1 });

  // Dropped deliveries: the total lags until the sync heals it.
  sandbox.faults.dropWebhooks = 2;
  sandbox.createOrder(SHOP, { totalPrice: "7.77" });
  t.clock.advance(1000);
  sandbox.updateOrder(SHOP, a.id, { totalPrice: "26.00" });
  await sandbox.flushWebhooks();
  assert.deepEqual(await totals(t, participantId), { revenue: 1600, orders: 1 });
  await t.shopifyServices!.syncParticipant(await readParticipant(t, participantId));
  assert.deepEqual(await totals(t, participantId), { revenue: 777 + 2200, orders: 2 });
  const synced = await readParticipant(t, participantId);
  assert.equal(synced.sync.state, "done");
  assert.ok(synced.sync.lastSyncedAt);

  // Held, then delivered newest first: older versions arrive last and change nothing.
  sandbox.faults.holdWebhooks = true;
  const b = sandbox.createOrder(SHOP, { totalPrice: "50.00" });
  t.clock.advance(1000);
  sandbox.updateOrder(SHOP, b.id, { totalPrice: "55.00" });
  t.clock.advance(1000);
  sandbox.refundOrder(SHOP, b.id, "15.00");
  t.clock.advance(1000);
  const c = sandbox.createOrder(SHOP, { totalPrice: "3.00" });
  sandbox.cancelOrder(SHOP, c.id);
  sandbox.faults.holdWebhooks = false;
  await sandbox.releaseHeldWebhooks("reverse");
  const expected = sandbox.orders(SHOP).filter((o) => !o.test && o.cancelledAt === null)
    .reduce((sum, o) => sum + parseMoney(o.currentTotalPrice, "USD"), 0);
  assert.equal(expected, 777 + 2200 + 4000);
  assert.deepEqual(await totals(t, participantId), { revenue: expected, orders: 3 });
});

Deno.test("shopify webhooks - app/uninstalled disconnects and drops tokens; shop/redact deletes tokens", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { participantId } = await setUp(t);
  const sandbox = t.shopify!;
  sandbox.createOrder(SHOP, { totalPrice: "12.00" });
  await sandbox.flushWebhooks();
  sandbox.uninstallApp(SHOP);
  await sandbox.flushWebhooks();
  const participant = await readParticipant(t, participantId);
  assert.equal(participant.connection, "disconnected");
  assert.ok(participant.disconnectedAt);
  assert.equal(participant.revenue, 1200, "revenue stays");
  assert.equal((await t.kv.get(keys.shop(SHOP))).value, null, "tokens dropped");
  const { runSyncJob } = await import("../cron/sync_job.ts");
  const report = await runSyncJob(t.shopifyServices!);
  assert.deepEqual(report, { synced: 0, failed: [] }, "a disconnected store is not synced");

  // The owner reconnects: the same participant, connected again, and the orders taken meanwhile are fetched.
  const page = await (await t.request(`/competitions/${participant.competitionId}`, { userId: "merchant_a" })).text();
  assert.match(page, /Reconnect /, "the owner is offered to reconnect");
  sandbox.createOrder(SHOP, { totalPrice: "5.00" });
  const other = await postJoin(t, participant.competitionId, "merchant_b", SHOP);
  assert.equal(other.status, 409, "another user cannot take the store");
  await other.body?.cancel();
  const { callback } = await joinStore(t, participant.competitionId, "merchant_a", SHOP);
  assert.equal(callback.status, 303);
  assert.equal(callback.headers.get("location"), `/competitions/${participant.competitionId}`);
  const reconnected = await settledSync(t, participantId);
  assert.equal(reconnected.connection, "connected");
  assert.equal(reconnected.disconnectedAt, undefined);
  assert.equal(reconnected.revenue, 1700);
  assert.equal((await participantOf(t, participant.competitionId, SHOP))!.id, participantId);

  // shop/redact on a connected shop.
  await using t2 = await createTestApp({}, { shopify: true });
  await setUp(t2);
  assert.ok((await t2.kv.get(keys.shop(SHOP))).value);
  t2.shopify!.sendPrivacyWebhook(SHOP, "shop/redact");
  await t2.shopify!.flushWebhooks();
  assert.equal(t2.shopify!.deliveries.at(-1)!.responseStatus, 200);
  assert.equal((await t2.kv.get(keys.shop(SHOP))).value, null);
});
