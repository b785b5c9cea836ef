/**
 * Results people can trust with money, end to end: orders placed, paid,
 * voided, edited, moved between customers and assessed on the simulated
 * Shopify reach the app as signed webhooks, and the board follows the
 * counting rules — paid orders only, the customer cap, spikes flagged — with
 * what a cheater would try refused: a voided order sent back as paid,
 * customers swapped or dropped to escape the cap, edits to slip under it.
 * Settlement waits for nothing: undecided held orders stay out and the
 * creator is reminded before the results freeze.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import {
  addSalesHistory,
  joinStore,
  openCompetition,
  participantOf,
  readParticipant,
  settledSync,
  shopifyWebhookHeaders,
} from "../testing/shopify.ts";
import { auditStore } from "../testing/order_audit.ts";
import { keys } from "../lib/core/db.ts";
import type { Competition, Winner } from "../lib/competitions/competitions.ts";
import type { LifecycleServices } from "../lib/competitions/settlement.ts";
import { listNotifications } from "../lib/competitions/notifications.ts";
import type { StoredOrder } from "../lib/competitions/stored_order.ts";
import { customerKeyOf } from "../lib/competitions/revenue.ts";
import { runStatusJob } from "../cron/status_job.ts";
import type { ShopConnection } from "../lib/shopify/connections.ts";
import { SUBSCRIBED_TOPICS } from "../lib/shopify/webhooks.ts";

const SHOP = "trust-demo.myshopify.com";
const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function setUp(t: TestApp, rules: Record<string, unknown> = {}) {
  const competition = await openCompetition(t, { rules });
  t.shopify!.createShop({ shop: SHOP, currency: "USD" });
  addSalesHistory(t.shopify!, SHOP, Date.parse(competition.startDate));
  const { callback } = await joinStore(t, competition.id, "merchant_a", SHOP);
  assert.equal(callback.status, 303);
  const participant = (await participantOf(t, competition.id, SHOP))!;
  await settledSync(t, participant.id);
  return { competition, participantId: participant.id };
}

async function storedOrder(t: TestApp, participantId: string, id: number): Promise<StoredOrder> {
  return (await t.kv.get<StoredOrder>(keys.order(participantId, String(id)))).value!;
}

/** What Shopify's orders add under a customer cap: each customer up to the cap, guests in full. */
function capped(orders: { customerId: number | null; cents: number }[], cap: number): number {
  const byCustomer = new Map<number, number>();
  let guests = 0;
  for (const { customerId, cents } of orders) {
    if (customerId === null) guests += cents;
    else byCustomer.set(customerId, (byCustomer.get(customerId) ?? 0) + cents);
  }
  return guests + [...byCustomer.values()].reduce((sum, cents) => sum + Math.min(cap, cents), 0);
}

/** The shop's orders in the race (created from `startMs`) that are neither voided nor cancelled. */
function shopifyOrders(t: TestApp, startMs: number) {
  return t.shopify!.orders(SHOP).filter((o) =>
    o.createdAt >= startMs && o.financialStatus !== "voided" && o.cancelledAt === null
  ).map((o) => ({
    id: o.id,
    customerId: o.customerId,
    cents: o.totalMinor - o.refunds.reduce((sum, r) => sum + r.amountMinor, 0),
  }));
}

Deno.test("trust webhooks - pending, authorized, paid and voided: only paid counts, each change moves the board once, a voided order sent back as paid stays out", async () => {
  // orders/paid is delivered too (an app-level subscription), beside the orders/updated of the same change.
  await using t = await createTestApp({}, { shopify: { sandbox: { appWebhookTopics: ["orders/paid"] } } });
  const { participantId } = await setUp(t);
  const shopify = t.shopify!;
  const paid = shopify.createOrder(SHOP, { totalPrice: "20.00" });
  const pending = shopify.createOrder(SHOP, { totalPrice: "35.00", payment: "pending" });
  const authorized = shopify.createOrder(SHOP, { totalPrice: "50.00", payment: "authorized" });
  await shopify.flushWebhooks();
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 2000, orders: 1, held: 2, excluded: 0 });

  shopify.markOrderPaid(SHOP, pending.id);
  shopify.voidOrderPayment(SHOP, authorized.id);
  shopify.refundOrder(SHOP, paid.id, "5.00");
  await shopify.flushWebhooks();
  const topics = shopify.deliveries.filter((d) => d.body.includes(String(pending.id))).map((d) => d.topic);
  assert.ok(topics.includes("orders/paid") && topics.includes("orders/updated"), topics.join());
  assert.ok(shopify.deliveries.every((d) => d.responseStatus === 200));
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 5000, orders: 2, held: 1, excluded: 0 });

  // A cheater's replay: the voided order's last body, marked paid and dated later, correctly signed.
  const last = shopify.deliveries.filter((d) => d.body.includes(`"id":${authorized.id}`)).at(-1)!;
  const forged = JSON.parse(last.body);
  forged.financial_status = "paid";
  forged.updated_at = new Date(t.clock.now() + HOUR).toISOString();
  const body = JSON.stringify(forged);
  const res = await fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: await shopifyWebhookHeaders({ shop: SHOP, body, topic: "orders/updated" }),
    body,
  });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 5000, orders: 2, held: 1, excluded: 0 });
  assert.equal((await storedOrder(t, participantId, authorized.id)).flag?.reason, "voided", "voided stays voided");
});

Deno.test("trust webhooks - the customer cap: orders split under it, customers swapped or dropped, edits and refunds, always exact", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { competition, participantId } = await setUp(t, { customerCap: "100.00" });
  const startMs = Date.parse(competition.startDate);
  const shopify = t.shopify!;
  const ann = shopify.createCustomer(SHOP).id;
  const bob = shopify.createCustomer(SHOP).id;
  const check = async () => {
    const sums = await auditStore(t.kv, participantId);
    assert.equal(sums.revenue, capped(shopifyOrders(t, startMs), 100_00), "each customer adds at most the cap");
    return sums;
  };
  // Many small orders each under the cap do not add up past it.
  const small = Array.from({ length: 6 }, () => shopify.createOrder(SHOP, { totalPrice: "30.00", customerId: ann }));
  const guest = shopify.createOrder(SHOP, { totalPrice: "70.00" });
  await shopify.flushWebhooks();
  assert.equal((await check()).revenue, 17000);
  // Moving orders to another customer moves their share; the first customer's capped orders take the room freed.
  shopify.updateOrder(SHOP, small[0].id, { customerId: bob });
  shopify.updateOrder(SHOP, small[1].id, { customerId: bob });
  await shopify.flushWebhooks();
  assert.equal((await check()).revenue, 23000);
  // Dropping the customer from an order (or a delivery that names none) does not escape the cap.
  shopify.updateOrder(SHOP, small[2].id, { customerId: null });
  await shopify.flushWebhooks();
  assert.equal((await storedOrder(t, participantId, small[2].id)).capped, true, "still under Ann's cap");
  // Edits and refunds that move orders under the cap free exactly what they free.
  shopify.updateOrder(SHOP, small[3].id, { totalPrice: "5.00" });
  shopify.refundOrder(SHOP, small[4].id, "30.00");
  shopify.cancelOrder(SHOP, small[5].id);
  await shopify.flushWebhooks();
  const ordersNow = shopifyOrders(t, startMs).map((o) => o.id === small[2].id ? { ...o, customerId: ann } : o);
  assert.equal((await auditStore(t.kv, participantId)).revenue, capped(ordersNow, 100_00));
  // The same, delivered out of order: held back and released newest first.
  shopify.faults.holdWebhooks = true;
  for (const order of [guest, small[0], small[1]]) shopify.updateOrder(SHOP, order.id, { totalPrice: "90.00" });
  shopify.updateOrder(SHOP, small[1].id, { totalPrice: "40.00" });
  await shopify.releaseHeldWebhooks("reverse");
  shopify.faults.holdWebhooks = false;
  const finalOrders = shopifyOrders(t, startMs).map((o) => o.id === small[2].id ? { ...o, customerId: ann } : o);
  assert.equal((await auditStore(t.kv, participantId)).revenue, capped(finalOrders, 100_00));
});

Deno.test("trust webhooks - a store's history is read at its backfill; the order that takes an hour above ten times its average is flagged, nothing is excluded", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  const shopify = t.shopify!;
  shopify.createShop({ shop: SHOP, currency: "USD" });
  const start = Date.parse(competition.startDate);
  // 72 orders of 10.00 over the 30 days before the start: 720.00 in 720 hours, 1.00 an hour on average.
  for (let i = 0; i < 72; i++) {
    shopify.createOrder(SHOP, { totalPrice: "10.00", createdAt: start - (i + 1) * 10 * HOUR });
  }
  shopify.createOrder(SHOP, { totalPrice: "500.00", createdAt: start - 31 * DAY }); // before the 30 days
  shopify.createOrder(SHOP, { totalPrice: "500.00", createdAt: start - DAY, payment: "pending" }); // never paid
  await joinStore(t, competition.id, "merchant_a", SHOP);
  const participantId = (await participantOf(t, competition.id, SHOP))!.id;
  await settledSync(t, participantId);
  assert.deepEqual((await readParticipant(t, participantId)).history, { revenue: 72_000, hours: 720, orders: 72 });
  // Ten times 1.00 is 10.00 an hour: the second 6.00 order passes it (flagged), the third comes in past it (not again).
  const hour = shopify.createOrder(SHOP, { totalPrice: "6.00" });
  const second = shopify.createOrder(SHOP, { totalPrice: "6.00" });
  const third = shopify.createOrder(SHOP, { totalPrice: "3.00" });
  await shopify.flushWebhooks();
  assert.deepEqual(
    await Promise.all([hour, second, third].map(async (o) => (await storedOrder(t, participantId, o.id)).flag?.reason)),
    [undefined, "spike", undefined],
  );
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 1500, orders: 3, held: 0, excluded: 0 });
  const res = await t.request(`/api/competitions/${competition.id}/flags`, { userId: "creator" });
  const { flags } = await res.json();
  assert.deepEqual(flags.map((f: { reason: string; held: boolean }) => [f.reason, f.held]), [["spike", false]]);
});

Deno.test("trust webhooks - settlement waits for nothing: a payment in the window counts, undecided held orders stay out, the creator was reminded", async () => {
  await using t = await createTestApp({ SETTLEMENT_DELAY_S: String(2 * 24 * 3600) }, { shopify: true });
  const { competition, participantId } = await setUp(t);
  const shopify = t.shopify!;
  shopify.createOrder(SHOP, { totalPrice: "20.00" });
  const lateToPay = shopify.createOrder(SHOP, { totalPrice: "30.00", payment: "pending" });
  const neverPaid = shopify.createOrder(SHOP, { totalPrice: "40.00", payment: "pending" });
  const draft = shopify.createOrder(SHOP, { totalPrice: "50.00", draft: true });
  await shopify.flushWebhooks();
  const payouts: Winner[] = [];
  const lifecycle: LifecycleServices = {
    ...t.deps.lifecycle!,
    requestPayout: (_competition, winner) => Promise.resolve(void payouts.push(winner)),
  };
  const end = Date.parse(competition.endDate);
  t.clock.ms = end + 60_000;
  await runStatusJob(lifecycle);
  const load = async () => (await t.kv.get<Competition>(keys.competition(competition.id))).value!;
  assert.equal((await load()).status, "SETTLING");
  // The creator's reminder, apart from the store-joined and orders-held notices.
  const reminded = async () =>
    (await listNotifications(t.kv, "creator")).notifications.filter((n) => n.kind === "orders_to_review");
  assert.equal((await reminded()).length, 0, "not yet: a day before the end");
  // Paid inside the settlement window: it counts.
  shopify.markOrderPaid(SHOP, lateToPay.id);
  await shopify.flushWebhooks();
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 5000, orders: 2, held: 2, excluded: 0 });

  t.clock.ms = end + DAY + 60_000;
  await runStatusJob(lifecycle);
  await runStatusJob(lifecycle);
  const reminders = await reminded();
  assert.equal(reminders.length, 1, "reminded once");
  assert.match(reminders[0].title, /2 orders to review before/);
  assert.match(reminders[0].body, /2 held orders will stay out unless you count them/);

  t.clock.ms = end + 2 * DAY + 60_000;
  await runStatusJob(lifecycle);
  const done = await load();
  assert.equal(done.status, "COMPLETED");
  assert.deepEqual(payouts.map((p) => p.revenue), [5000], "the held orders stayed out of the result");
  // Too late: the results are final, for a decision and for a payment.
  const refused = await t.request(`/api/competitions/${competition.id}/flags/${participantId}.${draft.id}`, {
    method: "POST",
    userId: "creator",
    json: { decision: "count" },
  });
  assert.equal(refused.status, 409);
  await refused.body?.cancel();
  shopify.markOrderPaid(SHOP, neverPaid.id);
  await shopify.flushWebhooks();
  assert.equal((await readParticipant(t, participantId)).revenue, 5000);
});

Deno.test("trust webhooks - a store connected before the risk topic is subscribed to it at its next sync", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { participantId } = await setUp(t);
  const topics = () => t.shopify!.subscriptions(SHOP).map((s) => s.topic);
  assert.ok(topics().includes("orders/risk_assessment_changed"), "a new store subscribes to it when it joins");
  const connection = (await t.kv.get<ShopConnection>(keys.shop(SHOP))).value!;
  const { webhookTopics: _, ...before } = connection;
  await t.kv.set(keys.shop(SHOP), before);
  await t.shopifyServices!.syncParticipant(await readParticipant(t, participantId));
  assert.deepEqual((await t.kv.get<ShopConnection>(keys.shop(SHOP))).value!.webhookTopics, [...SUBSCRIBED_TOPICS]);
});

Deno.test("trust webhooks - customers/redact moves the customer's orders to a fresh pseudonym; the books and the cap stay exact", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { participantId } = await setUp(t, { customerCap: "50.00" });
  const shopify = t.shopify!;
  const cara = shopify.createCustomer(SHOP).id;
  const other = shopify.createCustomer(SHOP).id;
  const caras = [shopify.createOrder(SHOP, { totalPrice: "30.00", customerId: cara })];
  caras.push(shopify.createOrder(SHOP, { totalPrice: "30.00", customerId: cara }));
  shopify.createOrder(SHOP, { totalPrice: "20.00", customerId: other });
  await shopify.flushWebhooks();
  assert.equal((await auditStore(t.kv, participantId)).revenue, 7000);
  const pseudonym = customerKeyOf(participantId, String(cara));
  shopify.sendPrivacyWebhook(SHOP, "customers/data_request", cara);
  shopify.sendPrivacyWebhook(SHOP, "customers/redact", cara);
  await shopify.flushWebhooks();
  assert.ok(shopify.deliveries.every((d) => d.responseStatus === 200));
  const moved = await Promise.all(caras.map((o) => storedOrder(t, participantId, o.id)));
  assert.ok(moved.every((o) => o.customer !== pseudonym), "nothing left derives from Shopify's id");
  assert.equal(moved[0].customer, moved[1].customer, "the customer's orders stay together under the cap");
  assert.equal((await t.kv.get(keys.orderCustomer(participantId, pseudonym))).value, null);
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 7000, orders: 3, held: 0, excluded: 0 });
  // A refund after the redaction still frees exactly the room the capped order takes.
  shopify.refundOrder(SHOP, caras[0].id, "20.00");
  await shopify.flushWebhooks();
  assert.equal((await auditStore(t.kv, participantId)).revenue, 6000);
});
