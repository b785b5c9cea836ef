/**
 * Shopify signs a webhook's body, not its headers: a leaked signed body
 * replayed with another topic, shop or event must change nothing.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../testing/test_app.ts";
import { joinStore, openCompetition, participantOf, readParticipant, settledSync } from "../../testing/shopify.ts";
import { keys } from "../core/db.ts";
import { signBody } from "../../sandbox/shopify/hmac.ts";
import { SANDBOX_APP } from "./library.ts";
import type { WebhookDelivery } from "../../sandbox/shopify/mod.ts";

const SHOP_A = "replay-a.myshopify.com";
const SHOP_B = "replay-b.myshopify.com";
const SHOP_C = "replay-c.myshopify.com";

/** Posts `delivery`'s exact signed body with the headers given (defaults: the delivery's own). */
async function replay(
  t: TestApp,
  delivery: WebhookDelivery,
  headers: { topic?: string; shop?: string; eventId?: string; webhookId?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": headers.topic ?? delivery.topic,
      "X-Shopify-Shop-Domain": headers.shop ?? delivery.shop,
      "X-Shopify-Webhook-Id": headers.webhookId ?? crypto.randomUUID(),
      "X-Shopify-Event-Id": headers.eventId ?? crypto.randomUUID(),
      "X-Shopify-Hmac-Sha256": await signBody(SANDBOX_APP.apiSecret, delivery.body),
    },
    body: delivery.body,
  });
  return { status: response.status, body: await response.json() };
}

/** What a replay could change: each store's totals and connection, and whether its tokens are kept. */
async function state(t: TestApp, participantIds: string[]) {
  return await Promise.all(participantIds.map(async (id) => {
    const participant = await readParticipant(t, id);
    const tokens = (await t.kv.get(keys.shop(participant.shop))).value !== null;
    return { tokens, ...participant };
  }));
}

Deno.test("shopify webhooks - replayed signed bodies with swapped topic, shop or event headers change nothing", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const sandbox = t.shopify!;
  const competition = await openCompetition(t);
  const ids: string[] = [];
  for (const [shop, owner] of [[SHOP_A, "owner_a"], [SHOP_B, "owner_b"], [SHOP_C, "owner_c"]]) {
    sandbox.createShop({ shop, currency: "USD" });
    const { callback } = await joinStore(t, competition.id, owner, shop);
    assert.equal(callback.status, 303);
    ids.push((await settledSync(t, (await participantOf(t, competition.id, shop))!.id)).id);
  }
  const order = sandbox.createOrder(SHOP_A, { totalPrice: "40.00" });
  sandbox.refundOrder(SHOP_A, order.id, "5.00");
  sandbox.uninstallApp(SHOP_C);
  sandbox.sendPrivacyWebhook(SHOP_C, "shop/redact");
  await sandbox.flushWebhooks();
  const delivered = (topic: string, shop: string) =>
    sandbox.deliveries.find((delivery) => delivery.topic === topic && delivery.shop === shop)!;
  const orderCreate = delivered("orders/create", SHOP_A);
  const refund = delivered("refunds/create", SHOP_A);
  const uninstall = delivered("app/uninstalled", SHOP_C);
  const redact = delivered("shop/redact", SHOP_C);
  assert.ok(sandbox.deliveries.every((delivery) => delivery.responseStatus === 200));
  const before = await state(t, ids);
  assert.deepEqual(before.map(({ revenue, tokens }) => ({ revenue, tokens })), [
    { revenue: 3500, tokens: true },
    { revenue: 0, tokens: true },
    { revenue: 0, tokens: false },
  ]);

  const attempts = [
    { what: "A's order as B's", delivery: orderCreate, headers: { shop: SHOP_B } },
    { what: "A's order as A's uninstall", delivery: orderCreate, headers: { topic: "app/uninstalled" } },
    { what: "A's order as A's shop/redact", delivery: orderCreate, headers: { topic: "shop/redact" } },
    { what: "C's uninstall as B's", delivery: uninstall, headers: { shop: SHOP_B } },
    { what: "C's shop/redact as B's", delivery: redact, headers: { shop: SHOP_B } },
    { what: "C's uninstall as an order of B", delivery: uninstall, headers: { topic: "orders/create", shop: SHOP_B } },
    { what: "A's refund as an order update", delivery: refund, headers: { topic: "orders/updated" } },
  ];
  for (const { what, delivery, headers } of attempts) {
    const answer = await replay(t, delivery, headers);
    assert.equal(answer.status, 400, what);
    assert.equal(typeof answer.body.error, "string", what);
    assert.deepEqual(await state(t, ids), before, `${what} changed nothing`);
  }
  const forged = await fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "app/uninstalled",
      "X-Shopify-Shop-Domain": SHOP_B,
      "X-Shopify-Webhook-Id": crypto.randomUUID(),
      "X-Shopify-Hmac-Sha256": await signBody(SANDBOX_APP.apiSecret, uninstall.body),
    },
    body: uninstall.body.replace(SHOP_C, SHOP_B),
  });
  assert.equal(forged.status, 401, "C's signature does not cover a body edited to name B");
  await forged.body?.cancel();

  // The same event again under a new webhook id (a second subscription) is a repeat.
  const again = await replay(t, orderCreate, { eventId: orderCreate.eventId });
  assert.deepEqual(again, { status: 200, body: { ok: true, result: "duplicate" } });
  // Unchanged headers but a fresh event id: applied again, and idempotent.
  const fresh = await replay(t, orderCreate, {});
  assert.equal(fresh.status, 200);
  assert.deepEqual(await state(t, ids), before);
});
