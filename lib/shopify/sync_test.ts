import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../testing/test_app.ts";
import { keys } from "../core/db.ts";
import { decryptSecret } from "../core/crypto.ts";
import { parseMoney } from "../core/money.ts";
import { sumStoredOrders } from "../competitions/revenue.ts";
import { runSyncJob } from "../../cron/sync_job.ts";
import type { ShopConnection } from "./connections.ts";
import { joinStore, openCompetition, participantOf, readParticipant, settledSync } from "../../testing/shopify.ts";
import { createShopifyServices } from "./mod.ts";

const SHOP = "bulk-store.myshopify.com";

async function joinEmpty(t: TestApp, shop = SHOP) {
  const competition = await openCompetition(t);
  t.shopify!.createShop({ shop, currency: "USD" });
  const { callback } = await joinStore(t, competition.id, "merchant_a", shop);
  assert.equal(callback.status, 303);
  const participant = (await participantOf(t, competition.id, shop))!;
  await settledSync(t, participant.id);
  return { competition, participantId: participant.id };
}

Deno.test("shopify backfill - ~600 orders over pages with 429s, 5xx and throttling ends exact", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { competition, participantId } = await joinEmpty(t);
  const sandbox = t.shopify!;
  const start = Date.parse(competition.startDate);
  // Orders that reach Shopify while webhooks are lost: only the backfill can count them.
  sandbox.faults.dropWebhooks = 10_000;
  t.clock.advance(3600_000);
  let expected = 0;
  let counted = 0;
  for (let i = 0; i < 640; i++) {
    const cents = 100 + (i * 7919) % 50_000;
    const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
    const test = i % 50 === 7;
    const before = i % 64 === 3;
    sandbox.createOrder(SHOP, {
      totalPrice: price,
      test,
      createdAt: before ? start - 1000 * (i + 1) : start + 1000 * i,
    });
    if (!test && !before) {
      expected += parseMoney(price, "USD");
      counted++;
    }
  }
  assert.ok(counted >= 600);
  // Two 429s (Retry-After 0.5 s), two 503s, and an empty cost bucket: the waits before the
  // first page (at most 7 s at 100 points/s) leave it short of the 997 a page asks for.
  sandbox.faults.graphqlRateLimited = 2;
  sandbox.faults.retryAfterSeconds = 0.5;
  sandbox.faults.graphqlServerErrors = 2;
  sandbox.setThrottleAvailable(SHOP, 0);

  const before = { ...t.shopifyServices!.admin.stats };
  const began = performance.now();
  const run = await t.shopifyServices!.backfillParticipant(participantId);
  const elapsed = performance.now() - began;
  const stats = t.shopifyServices!.admin.stats;
  assert.equal(run.orders, 640 - 10, "orders created before the window are not fetched");
  assert.equal(run.pages, 4, "199 orders a page: Shopify's cost ceiling with the customer and the risk selected");
  assert.equal(stats.rateLimited - before.rateLimited, 2);
  assert.equal(stats.serverErrors - before.serverErrors, 2);
  assert.ok(stats.throttledWaits - before.throttledWaits >= 1, "THROTTLED was waited out");
  const participant = await readParticipant(t, participantId);
  assert.equal(participant.revenue, expected);
  assert.equal(participant.orders, counted);
  assert.deepEqual(await sumStoredOrders(t.kv, participantId), { revenue: expected, orders: counted });
  assert.equal(participant.sync.state, "done");
  assert.equal(participant.sync.ordersFetched, 630);
  const newest = sandbox.orders(SHOP).reduce((max, o) => Math.max(max, o.updatedAt), 0);
  assert.equal(participant.sync.cursor, new Date(newest).toISOString());
  console.log(
    `backfill: ${run.orders} orders, ${run.pages} pages in ${elapsed.toFixed(0)} ms real time ` +
      `(${(run.orders / (elapsed / 1000)).toFixed(0)} orders/s), ${stats.requests - before.requests} requests, ` +
      `waited ${((stats.waitedMs - before.waitedMs) / 1000).toFixed(1)} s of Shopify time`,
  );

  // A second pass changes nothing (idempotent).
  await t.shopifyServices!.syncParticipant(participant);
  assert.equal((await readParticipant(t, participantId)).revenue, expected);
});

Deno.test("shopify sync - an expired token is refreshed and the rotated refresh token is stored encrypted", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { participantId } = await joinEmpty(t);
  const sandbox = t.shopify!;
  const services = t.shopifyServices!;
  const key = () => (services.connections as unknown as { deps: { key: () => Promise<CryptoKey> } }).deps.key();
  const read = async () => {
    const connection = (await t.kv.get<ShopConnection>(keys.shop(SHOP))).value!;
    return {
      connection,
      access: await decryptSecret(await key(), connection.accessToken, `${SHOP}#access`),
      refresh: await decryptSecret(await key(), connection.refreshToken!, `${SHOP}#refresh`),
    };
  };
  const first = await read();

  // Past the hour: the stored expiry says refresh before calling.
  sandbox.faults.dropWebhooks = 1;
  sandbox.createOrder(SHOP, { totalPrice: "5.00" });
  t.clock.advance(2 * 3600_000);
  sandbox.faults.tokenServerErrors = 1;
  await services.syncParticipant(await readParticipant(t, participantId));
  const second = await read();
  assert.notEqual(second.access, first.access);
  assert.notEqual(second.refresh, first.refresh, "the rotated refresh token is stored");
  assert.ok(Date.parse(second.connection.expiresAt!) > t.clock.now());
  assert.ok(!JSON.stringify(second.connection).includes(second.refresh));
  assert.equal((await readParticipant(t, participantId)).revenue, 500);
  // The old refresh token died with the rotation.
  const dead = await fetch(`${sandbox.origin}/${SHOP}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: "sandbox-key",
      client_secret: "sandbox-secret",
      grant_type: "refresh_token",
      refresh_token: first.refresh,
    }),
  });
  assert.equal(dead.status, 400);
  await dead.body?.cancel();

  // Shopify says 401 although the stored expiry looks fine: refresh once and go on.
  t.clock.advance(2 * 3600_000);
  await commitExpiry(t, new Date(t.clock.now() + 86_400_000).toISOString());
  const refreshes = services.admin.stats.refreshedAfter401;
  await services.syncParticipant(await readParticipant(t, participantId));
  assert.equal(services.admin.stats.refreshedAfter401, refreshes + 1);
  const third = await read();
  assert.notEqual(third.refresh, second.refresh);
  assert.equal((await readParticipant(t, participantId)).sync.state, "done");
});

async function commitExpiry(t: TestApp, expiresAt: string) {
  const entry = await t.kv.get<ShopConnection>(keys.shop(SHOP));
  await t.kv.set(keys.shop(SHOP), { ...entry.value!, expiresAt });
}

Deno.test("shopify sync - a failing store is marked failed with a sentence; the sync job reports it and goes on", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { competition, participantId } = await joinEmpty(t);
  const sandbox = t.shopify!;
  sandbox.createShop({ shop: "healthy.myshopify.com", currency: "USD" });
  const { callback } = await joinStore(t, competition.id, "merchant_b", "healthy.myshopify.com");
  assert.equal(callback.status, 303);
  const healthy = (await participantOf(t, competition.id, "healthy.myshopify.com"))!;
  await settledSync(t, healthy.id);

  // Uninstalled, but the app/uninstalled webhook was lost: the tokens are dead.
  sandbox.faults.dropWebhooks = 1;
  sandbox.uninstallApp(SHOP);
  sandbox.faults.dropWebhooks = 1;
  sandbox.createOrder("healthy.myshopify.com", { totalPrice: "8.00" });
  const report = await runSyncJob(t.shopifyServices!);
  assert.equal(report.synced, 1);
  assert.equal(report.failed.length, 1);
  assert.equal(report.failed[0].shop, SHOP);
  assert.match(report.failed[0].error, /connect the store again/);
  const failed = await readParticipant(t, participantId);
  assert.equal(failed.sync.state, "failed");
  assert.match(failed.sync.error!, /connect the store again/);
  assert.equal((await readParticipant(t, healthy.id)).revenue, 800);

  // Shopify down for longer than the retries: failed, thrown, nothing invented.
  sandbox.faults.graphqlServerErrors = 100;
  await assert.rejects(t.shopifyServices!.syncParticipant(await readParticipant(t, healthy.id)), /did not answer/);
  assert.equal((await readParticipant(t, healthy.id)).sync.state, "failed");
  sandbox.faults.graphqlServerErrors = 0;
});

Deno.test("shopify - no token appears in a response, a page or a log line", async () => {
  const lines: string[] = [];
  const originals = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  const capture = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  Object.assign(console, { log: capture, error: capture, warn: capture, info: capture });
  const bodies: string[] = [];
  const tokens = new Set<string>();
  try {
    await using t = await createTestApp({}, { shopify: true });
    const competition = await openCompetition(t);
    t.shopify!.createShop({ shop: SHOP, currency: "USD" });
    t.shopify!.createOrder(SHOP, { totalPrice: "3.00" });
    const { callback, joinBody } = await joinStore(t, competition.id, "merchant_a", SHOP);
    bodies.push(JSON.stringify(joinBody), JSON.stringify([...callback.headers]));
    const participant = (await participantOf(t, competition.id, SHOP))!;
    await settledSync(t, participant.id);
    const collect = async () => {
      const connection = (await t.kv.get<ShopConnection>(keys.shop(SHOP))).value;
      if (!connection) return;
      const key = await (t.shopifyServices!.connections as unknown as { deps: { key: () => Promise<CryptoKey> } })
        .deps.key();
      tokens.add(await decryptSecret(key, connection.accessToken, `${SHOP}#access`));
      tokens.add(await decryptSecret(key, connection.refreshToken!, `${SHOP}#refresh`));
    };
    await collect();
    // A refresh, a refused sync (dead tokens) and the pages and APIs a user sees.
    t.clock.advance(2 * 3600_000);
    await t.shopifyServices!.syncParticipant(await readParticipant(t, participant.id));
    await collect();
    t.shopify!.faults.dropWebhooks = 1;
    t.shopify!.uninstallApp(SHOP);
    await t.shopifyServices!.syncParticipant(await readParticipant(t, participant.id)).catch(() => {});
    for (const path of [`/api/competitions/${competition.id}/leaderboard`, `/api/competitions/${competition.id}`]) {
      const res = await fetch(`${t.url}${path}`);
      bodies.push(await res.text());
    }
    const page = await fetch(`${t.url}/competitions/${competition.id}`, { headers: { "User-Agent": "x" } });
    bodies.push(await page.text());
  } finally {
    Object.assign(console, originals);
  }
  assert.ok(tokens.size >= 4, "tokens were issued and rotated");
  for (const token of tokens) {
    for (const line of lines) assert.ok(!line.includes(token), `a log line holds a token: ${line}`);
    for (const body of bodies) assert.ok(!body.includes(token), "a response holds a token");
  }
  assert.ok(lines.some((line) => line.includes("shopify sync failed")), "the failure was logged");
});

Deno.test("shopify tokens - two instances refreshing one shop at once rotate it once and both go on", async () => {
  await using t = await createTestApp({}, { shopify: true });
  await joinEmpty(t);
  // A second instance of the app on the same KV (its own in-process single-flight, its own library).
  const other = createShopifyServices({ kv: t.kv, config: t.config, now: t.clock.now });
  t.clock.advance(2 * 3600_000); // both see the stored access token as expired
  const [a, b] = await Promise.all([
    t.shopifyServices!.connections.accessToken(SHOP),
    other.connections.accessToken(SHOP),
  ]);
  assert.equal(a, b, "both instances use the one new access token");
  const answer = await t.shopifyServices!.admin.query<{ shop: { name: string } }>(SHOP, "{ shop { name } }", {});
  assert.ok(answer.shop.name, "the new token works");
});

Deno.test("shopify webhooks - subscriptions follow the app's address: the next sync subscribes the new one", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { participantId } = await joinEmpty(t);
  const sandbox = t.shopify!;
  const stored = async () => (await t.kv.get<ShopConnection>(keys.shop(SHOP))).value!;
  assert.equal((await stored()).webhooksUrl, `${t.config.appUrl}/api/shopify/webhooks`);
  // The app moved (a new APP_URL): the same data, a new address.
  const moved = "http://127.0.0.1:9";
  const app = createShopifyServices({ kv: t.kv, config: { ...t.config, appUrl: moved }, now: t.clock.now });
  await app.syncParticipant(await readParticipant(t, participantId));
  const atNewAddress = sandbox.subscriptions(SHOP).filter((s) => s.callbackUrl === `${moved}/api/shopify/webhooks`);
  assert.deepEqual(atNewAddress.map((s) => s.topic).sort(), [
    "app/uninstalled",
    "orders/cancelled",
    "orders/create",
    "orders/risk_assessment_changed",
    "orders/updated",
    "refunds/create",
  ]);
  assert.equal((await stored()).webhooksUrl, `${moved}/api/shopify/webhooks`);
  const count = sandbox.subscriptions(SHOP).length;
  await app.syncParticipant(await readParticipant(t, participantId));
  assert.equal(sandbox.subscriptions(SHOP).length, count, "once they follow, a sync subscribes nothing more");
});
