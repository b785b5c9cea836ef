/**
 * Shopify's compliance webhooks, delivered signed: `shop/redact` erases a
 * store (its orders, order ids, customers' pseudonyms, tokens, and its name
 * and domain on every surface, "Removed store" in their place) while the
 * competition's totals, places and payouts stay as they were;
 * `customers/redact` leaves nothing derived from the customer's id, the cap
 * still exact; `customers/data_request` is answered with a record of what is
 * held, for the store's owner.
 */
import assert from "node:assert/strict";
import { createTestApp, TEST_WHOP_SETTINGS, type TestApp } from "../testing/test_app.ts";
import {
  addSalesHistory,
  joinStore,
  participantOf,
  settledSync,
  shopifyWebhookHeaders,
  waitFor,
} from "../testing/shopify.ts";
import { SseReader } from "../testing/live.ts";
import { launchBrowser } from "../testing/browser.ts";
import { keys } from "../lib/core/db.ts";
import {
  type Competition,
  createCompetition,
  getCompetition,
  updateCompetition,
} from "../lib/competitions/competitions.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { listPayouts } from "../lib/whop/payouts.ts";
import { customerKeyOf } from "../lib/competitions/revenue.ts";
import type { StoredOrder } from "../lib/competitions/stored_order.ts";
import type { Participant } from "../lib/competitions/participants.ts";
import { shareCardData } from "../routes/share_card.ts";
import { shareCardSvg } from "../lib/web/share_card.ts";
import { eraseShop, REMOVED_STORE } from "../lib/competitions/shop_erasure.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const [CARA, DEV] = ["user_OwnerCaraT8w3n", "user_OwnerDevS2j6v"];
const SHOP = "cara-goods.myshopify.com";
const OTHER = "dev-supplies.myshopify.com";
/** Every way the erased store was written. */
const TRACES = [/cara goods/i, /cara-goods/i];

/** A funded USD competition with a 60/40 split, running on the test clock, with both stores joined through OAuth. */
async function raceWithTwoStores(
  t: TestApp,
  rules: { customerCap?: string } = {},
): Promise<{ competition: Competition; erased: Participant; kept: Participant }> {
  const start = t.clock.now() + 3600_000;
  const draft = await createCompetition(t.kv, CREATOR, {
    title: "Holiday Cup",
    prize: "100.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 86_400_000).toISOString(),
    prizeSplit: [60, 40],
    ...rules,
  }, { now: t.clock.now(), minDurationS: 3600 });
  await updateCompetition(
    t.kv,
    draft.id,
    t.clock.now(),
    "status",
    (c) => ({ ...c, status: "UPCOMING", fundsTxId: "pay_Funded" }),
  );
  t.clock.ms = start + 60_000;
  const { competition } = await updateCompetition(
    t.kv,
    draft.id,
    t.clock.now(),
    "status",
    (c) => ({ ...c, status: "ACTIVE" }),
  );
  const shopify = t.shopify!;
  shopify.createShop({ shop: SHOP, currency: "USD", name: "Cara Goods" });
  shopify.createShop({ shop: OTHER, currency: "USD", name: "Dev Supplies" });
  addSalesHistory(shopify, OTHER, start);
  for (const [owner, shop] of [[CARA, SHOP], [DEV, OTHER]]) {
    const { callback } = await joinStore(t, competition.id, owner, shop);
    assert.equal(callback.status, 303);
    await settledSync(t, (await participantOf(t, competition.id, shop))!.id);
  }
  return {
    competition,
    erased: (await participantOf(t, competition.id, SHOP))!,
    kept: (await participantOf(t, competition.id, OTHER))!,
  };
}

/** Sends a compliance webhook as Shopify does: signed, with its headers. */
async function deliver(t: TestApp, topic: string, shop: string, body: Record<string, unknown>): Promise<Response> {
  const text = JSON.stringify(body);
  const response = await fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: await shopifyWebhookHeaders({ shop, topic, body: text }),
    body: text,
  });
  assert.equal(response.status, 200, `${topic}: ${await response.clone().text()}`);
  return response;
}

/** Every text surface of the competition as each kind of visitor reads it, by name. */
async function surfaces(t: TestApp, competition: Competition): Promise<Record<string, string>> {
  const id = competition.id;
  const read = async (path: string, userId?: string) => await (await t.request(path, { userId })).text();
  const stream = await fetch(`${t.url}/api/competitions/${id}/events`);
  await using sse = new SseReader(stream);
  const snapshot = await sse.nextEvent();
  return {
    json: await read(`/api/competitions/${id}`),
    leaderboard: await read(`/api/competitions/${id}/leaderboard`),
    "leaderboard (creator)": await read(`/api/competitions/${id}/leaderboard`, CREATOR),
    public: await read(`/api/public/competitions/${id}`),
    embed: await read(`/embed/competitions/${id}`),
    page: await read(`/competitions/${id}`),
    "page (its owner)": await read(`/competitions/${id}`, CARA),
    "page (the other store)": await read(`/competitions/${id}`, DEV),
    manage: await read(`/competitions/${id}/manage`, CREATOR),
    flags: await read(`/api/competitions/${id}/flags`, CREATOR),
    dashboard: await read(`/dashboard`, CREATOR),
    "entered (its owner)": await read(`/my-competitions`, CARA),
    "stores (its owner)": await read(`/stores`, CARA),
    "user (its owner)": await read(`/api/user`, CARA),
    "notifications (its owner)": await read(`/api/notifications`, CARA),
    "notifications (creator)": await read(`/api/notifications`, CREATOR),
    "notifications (the other store)": await read(`/api/notifications`, DEV),
    "share card": shareCardSvg(await shareCardData(t, await getCompetition(t.kv, id))),
    stream: snapshot.data ?? "",
  };
}

/** What must not change: each store's figures and rank, the places, and the payouts. */
async function results(t: TestApp, competition: Competition) {
  const board = await (await t.request(`/api/competitions/${competition.id}/leaderboard`, { userId: CREATOR })).json();
  const settled = await getCompetition(t.kv, competition.id);
  return {
    board: board.entries.map((
      e: Record<string, unknown>,
    ) => [e.participantId, e.rank, e.value, e.revenue, e.orders, e.prize]),
    places: settled.places?.map((p) => [p.participantId, p.userId, p.place, p.amount, p.revenue, p.value]),
    payouts: (await listPayouts(t.kv, competition.id)).map((p) => [p.place, p.state, p.amount, p.destinationUserId]),
  };
}

Deno.test("compliance - shop/redact: the store's orders, ids, customers and tokens are gone, no surface names it, the results stand", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const { competition, erased, kept } = await raceWithTwoStores(t);
  const shopify = t.shopify!;
  const customer = shopify.createCustomer(SHOP).id;
  shopify.createOrder(SHOP, { totalPrice: "80.00", customerId: customer });
  shopify.createOrder(SHOP, { totalPrice: "40.00" });
  shopify.createOrder(OTHER, { totalPrice: "50.00" });
  // A draft order, held, that the creator counts: the decision is logged under the order's flag.
  const draft = shopify.createOrder(SHOP, { totalPrice: "10.00", draft: true });
  await shopify.flushWebhooks();
  const counted = await t.request(`/api/competitions/${competition.id}/flags/${erased.id}.${draft.id}`, {
    method: "POST",
    userId: CREATOR,
    json: { decision: "count", note: "Cara Goods took this by phone" },
  });
  assert.equal(counted.status, 200);
  // The creator's actions name the store in free text; the store owner's notifications name it too.
  for (
    const [action, reason] of [["disqualify", "Cara Goods sold to its own owner?"], [
      "reinstate",
      "Checked cara-goods.myshopify.com: fine.",
    ]]
  ) {
    const response = await t.request(`/api/competitions/${competition.id}/participants/${erased.id}/${action}`, {
      method: "POST",
      userId: CREATOR,
      json: { reason },
    });
    assert.equal(response.status, 200);
  }
  // The end: settled, places decided and paid.
  t.clock.ms = Date.parse(competition.endDate) + 60_000;
  t.whop!.setBalance(TEST_WHOP_SETTINGS.companyId, "usd", 100_000);
  await runStatusJob(t.deps.lifecycle!);
  await runStatusJob(t.deps.lifecycle!);
  await waitFor(async () => {
    const payouts = await listPayouts(t.kv, competition.id);
    return payouts.length === 2 && payouts.every((p) => p.state === "sent") || undefined;
  }, "both places paid");
  assert.equal((await getCompetition(t.kv, competition.id)).status, "COMPLETED");
  const before = await results(t, competition);
  assert.deepEqual(before.places?.map((p) => p[0]), [erased.id, kept.id], "the erased store won 1st place");
  const seen = await surfaces(t, competition);
  assert.ok(
    TRACES.every((trace) => Object.values(seen).some((text) => trace.test(text))),
    "the store was named before",
  );
  const orderIds = (await Array.fromAsync(t.kv.list<StoredOrder>({ prefix: keys.orders(erased.id) }))).map((e) =>
    String(e.key[2])
  );
  assert.equal(orderIds.length, 3);

  // Shopify: the app is uninstalled, and 48 hours later comes shop/redact, signed.
  shopify.uninstallApp(SHOP);
  await shopify.flushWebhooks();
  const redact = { shop_id: 1, shop_domain: SHOP };
  await deliver(t, "shop/redact", SHOP, redact);

  const after = await surfaces(t, competition);
  for (const [surface, text] of Object.entries(after)) {
    for (const trace of TRACES) assert.doesNotMatch(text, trace, `${surface} still names the store`);
  }
  assert.match(after.leaderboard, new RegExp(REMOVED_STORE));
  assert.match(after.page, new RegExp(REMOVED_STORE));
  assert.deepEqual(await results(t, competition), before, "totals, places and payouts as they were");

  // Nothing in the data file names the store, its orders or its customer any more.
  const pseudonym = customerKeyOf(erased.id, String(customer));
  for await (const entry of t.kv.list({ prefix: [] })) {
    const text = JSON.stringify([entry.key, entry.value]);
    for (const trace of [...TRACES, new RegExp(pseudonym), ...orderIds.map((id) => new RegExp(`\\b${id}\\b`))]) {
      assert.doesNotMatch(text, trace, `KV ${JSON.stringify(entry.key)}`);
    }
  }
  const hours = await Array.fromAsync(t.kv.list({ prefix: keys.orderHours(erased.id) }));
  assert.deepEqual(hours, [], "its hours (and their spike marks, order ids) gone");
  assert.equal((await t.kv.get(keys.shop(SHOP))).value, null, "tokens gone");
  assert.equal((await t.kv.get(keys.shopErasure(SHOP))).value, null, "the erasure's note is gone once done");

  // A redelivery (Shopify retries) changes nothing.
  await deliver(t, "shop/redact", SHOP, redact);
  assert.deepEqual(await results(t, competition), before);

  // The past board, looked at.
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    await using browser = await launchBrowser({ viewport });
    await browser.page.goto(`${t.url}/competitions/${competition.id}`);
    assert.match(await browser.page.locator(".leaderboard").first().textContent() ?? "", /Removed store/);
    await browser.page.screenshot({ path: `tests/artifacts/erased_board_${viewport.width}.png`, fullPage: true });
  }
});

Deno.test("compliance - customers/data_request keeps a record of what is held for the store's owner; customers/redact leaves nothing of the customer", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const { erased } = await raceWithTwoStores(t, { customerCap: "50.00" });
  const shopify = t.shopify!;
  const customer = shopify.createCustomer(SHOP).id;
  const [first, second] = [
    shopify.createOrder(SHOP, { totalPrice: "40.00", customerId: customer }),
    shopify.createOrder(SHOP, { totalPrice: "30.00", customerId: customer }),
  ];
  shopify.createOrder(SHOP, { totalPrice: "20.00" });
  await shopify.flushWebhooks();
  const total = async () => (await t.kv.get<Participant>(keys.participant(erased.id))).value!.revenue;
  assert.equal(await total(), 7_000, "40 + 10 under the 50.00 cap + 20");

  // data_request: the record names both of the customer's orders, though Shopify listed one.
  const customerBody = { id: customer, email: "someone@example.com", phone: null };
  await deliver(t, "customers/data_request", SHOP, {
    shop_id: 1,
    shop_domain: SHOP,
    customer: customerBody,
    orders_requested: [first.id],
    data_request: { id: 9001 },
  });
  const stores = await (await t.request("/stores", { userId: CARA })).text();
  assert.match(stores, /Customer data requests \(1\)/);
  assert.match(stores, /Request 9001/);
  for (const order of [first, second]) assert.match(stores, new RegExp(`>${order.id}<`));
  assert.doesNotMatch(stores, /someone@example\.com/, "the record keeps no contact details");
  assert.doesNotMatch(await (await t.request("/stores", { userId: DEV })).text(), /Request 9001/, "the owner's only");

  // customers/redact, listing only one order: neither keeps anything derived from Shopify's id.
  const pseudonym = customerKeyOf(erased.id, String(customer));
  await deliver(t, "customers/redact", SHOP, {
    shop_id: 1,
    shop_domain: SHOP,
    customer: customerBody,
    orders_to_redact: [first.id],
  });
  for await (const entry of t.kv.list({ prefix: [] })) {
    assert.doesNotMatch(JSON.stringify([entry.key, entry.value]), new RegExp(pseudonym), JSON.stringify(entry.key));
  }
  const moved = await Promise.all(
    [first, second].map(async (o) => (await t.kv.get<StoredOrder>(keys.order(erased.id, String(o.id)))).value!),
  );
  assert.equal(moved[0].customer, moved[1].customer, "the customer's orders stay together under the cap");
  assert.equal(await total(), 7_000, "what the orders add is unchanged");
  // The cap's arithmetic holds after the move: refunding 30 of the first order frees room for the second.
  shopify.refundOrder(SHOP, first.id, "30.00");
  await shopify.flushWebhooks();
  assert.equal(await total(), 10_00 + 3_000 + 2_000, "10 + 30 (room freed, under the cap) + 20");
});

Deno.test("compliance - a shop/redact that crashes half-way is finished by Shopify's retry, names scrubbed from the note it kept", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const { competition, erased } = await raceWithTwoStores(t);
  t.shopify!.createOrder(SHOP, { totalPrice: "80.00" });
  await t.shopify!.flushWebhooks();
  const disqualified = await t.request(`/api/competitions/${competition.id}/participants/${erased.id}/disqualify`, {
    method: "POST",
    userId: CREATOR,
    json: { reason: "Cara Goods: orders from the owner's card" },
  });
  assert.equal(disqualified.status, 200);
  const before = await results(t, competition);

  // The process dies at its third commit: after noting the work and renaming the store, before its orders go.
  let commits = 0;
  const dying = new Proxy(t.kv, {
    get(target, property) {
      if (property === "atomic") {
        return () => {
          const op = target.atomic();
          const commit = op.commit.bind(op);
          op.commit = () => ++commits === 3 ? Promise.reject(new Error("the process died")) : commit();
          return op;
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  await assert.rejects(() => eraseShop(dying, SHOP, t.clock.now()), /the process died/);
  assert.equal((await t.kv.get<Participant>(keys.participant(erased.id))).value!.displayName, REMOVED_STORE);
  assert.ok((await Array.fromAsync(t.kv.list({ prefix: keys.orders(erased.id) }))).length > 0, "orders still there");

  await deliver(t, "shop/redact", SHOP, { shop_id: 1, shop_domain: SHOP });
  for await (const entry of t.kv.list({ prefix: [] })) {
    for (const trace of TRACES) assert.doesNotMatch(JSON.stringify([entry.key, entry.value]), trace);
  }
  assert.deepEqual((await Array.fromAsync(t.kv.list({ prefix: keys.orders(erased.id) }))).length, 0);
  assert.deepEqual(await results(t, competition), before);
});
