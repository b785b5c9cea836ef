/**
 * The creator's review of held and flagged orders, end to end: orders placed
 * on the simulated Shopify reach the app as signed webhooks (the risk through
 * `orders/risk_assessment_changed` and an Admin API reading), the flags list
 * them, and decisions move the board once, atomically, and are logged.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import {
  addSalesHistory,
  joinStore,
  openCompetition,
  participantOf,
  settledSync,
  waitFor,
} from "../testing/shopify.ts";
import { auditStore } from "../testing/order_audit.ts";
import { keys } from "../lib/core/db.ts";
import { listAuditLog } from "../lib/competitions/disqualification.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import type { StoredOrder } from "../lib/competitions/stored_order.ts";
import type { FlagView } from "../lib/competitions/flag_list.ts";

const SHOP = "review-demo.myshopify.com";
const CREATOR = "creator";
const OPERATOR = "user_operator";

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

async function flags(t: TestApp, competitionId: string, userId = CREATOR): Promise<FlagView[]> {
  const res = await t.request(`/api/competitions/${competitionId}/flags`, { userId });
  assert.equal(res.status, 200);
  return (await res.json()).flags;
}

async function entry(t: TestApp, competitionId: string, participantId: string) {
  const res = await t.request(`/api/competitions/${competitionId}/leaderboard`);
  const board = await res.json();
  return board.entries.find((e: { participantId: string }) => e.participantId === participantId);
}

/** Posts a decision as `caller` (null: signed out). */
function decide(t: TestApp, competitionId: string, flagId: string, json: unknown, caller: string | null = CREATOR) {
  return t.request(`/api/competitions/${competitionId}/flags/${flagId}`, {
    method: "POST",
    userId: caller ?? undefined,
    json,
  });
}

Deno.test("flags api - held and flagged orders from signed webhooks; the creator and operators see them, nobody else", async () => {
  await using t = await createTestApp({ ADMIN_USER_IDS: OPERATOR }, { shopify: true });
  const { competition, participantId } = await setUp(t);
  const shopify = t.shopify!;
  const paid = shopify.createOrder(SHOP, { totalPrice: "40.00" });
  const pending = shopify.createOrder(SHOP, { totalPrice: "25.00", payment: "pending" });
  const draft = shopify.createOrder(SHOP, { totalPrice: "90.00", draft: true });
  const risky = shopify.createOrder(SHOP, { totalPrice: "15.00" });
  const fraud = shopify.createOrder(SHOP, { totalPrice: "60.00" });
  await shopify.flushWebhooks();
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 11500, orders: 3, held: 2, excluded: 0 });

  // Shopify's fraud analysis arrives later; the webhook does not carry it, so the app reads the order.
  shopify.assessOrderRisk(SHOP, risky.id, "INVESTIGATE");
  shopify.assessOrderRisk(SHOP, fraud.id, "CANCEL");
  await shopify.flushWebhooks();
  await waitFor(async () => {
    const order = (await t.kv.get<StoredOrder>(keys.order(participantId, String(fraud.id)))).value;
    return order?.risk === "cancel" || undefined;
  }, "the risk reading");
  await waitFor(async () => {
    const order = (await t.kv.get<StoredOrder>(keys.order(participantId, String(risky.id)))).value;
    return order?.risk === "investigate" || undefined;
  }, "the other risk reading");
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 5500, orders: 2, held: 3, excluded: 0 });
  const listed = await flags(t, competition.id);
  assert.deepEqual(
    listed.map((flag) => [flag.orderId, flag.reason, flag.status, flag.held, flag.amount, flag.counted]).sort(),
    [
      [String(draft.id), "manual_source", "open", true, "90.00", "0.00"],
      [String(fraud.id), "high_risk", "open", true, "60.00", "0.00"],
      [String(pending.id), "pending_payment", "open", true, "25.00", "0.00"],
      [String(risky.id), "high_risk", "open", false, "15.00", "15.00"],
    ].sort(),
  );
  assert.ok(!listed.some((flag) => flag.orderId === String(paid.id)), "an order nothing holds has no flag");
  assert.equal(listed[0].currency, "USD");
  assert.equal(listed[0].participantId, participantId);

  assert.equal((await flags(t, competition.id, OPERATOR)).length, 4, "operators see them too");
  for (const stranger of ["merchant_a", "someone_else"]) {
    const res = await t.request(`/api/competitions/${competition.id}/flags`, { userId: stranger });
    assert.equal(res.status, 404, stranger);
    await res.body?.cancel();
  }
  const anonymous = await t.request(`/api/competitions/${competition.id}/flags`);
  assert.equal(anonymous.status, 404, "signed out: no flags either");
  await anonymous.body?.cancel();

  // The payment arrives: the pending order counts by itself, its flag clears.
  shopify.markOrderPaid(SHOP, pending.id);
  await shopify.flushWebhooks();
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 8000, orders: 3, held: 2, excluded: 0 });
  const cleared = (await flags(t, competition.id)).find((flag) => flag.orderId === String(pending.id))!;
  assert.equal(cleared.status, "cleared");
});

Deno.test("flags api - a decision moves the board live, once; a repeat answers the same state; a different one, a stranger, an unknown flag and a final result are refused", async () => {
  await using t = await createTestApp({ ADMIN_USER_IDS: OPERATOR }, { shopify: true });
  const { competition, participantId } = await setUp(t);
  const shopify = t.shopify!;
  shopify.createOrder(SHOP, { totalPrice: "10.00" });
  const draft = shopify.createOrder(SHOP, { totalPrice: "90.00", draft: true });
  const voided = shopify.createOrder(SHOP, { totalPrice: "30.00", payment: "authorized" });
  shopify.voidOrderPayment(SHOP, voided.id);
  await shopify.flushWebhooks();
  const flagId = `${participantId}.${draft.id}`;
  const before = await t.kv.get(keys.changes(competition.id));
  assert.equal((await entry(t, competition.id, participantId)).revenue, "10.00");

  const bad = await decide(t, competition.id, flagId, { decision: "maybe" });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).issues[0].path, "decision");
  for (const [userId, status] of [["merchant_a", 404], [OPERATOR, 403], [null, 404]] as const) {
    const refused = await decide(t, competition.id, flagId, { decision: "count" }, userId);
    assert.equal(refused.status, status, String(userId));
    await refused.body?.cancel();
  }

  const counted = await decide(t, competition.id, flagId, { decision: "count", note: "Phone order, paid by card" });
  assert.equal(counted.status, 200);
  const { flag } = await counted.json();
  assert.deepEqual(
    [flag.status, flag.decision, flag.note, flag.counted, flag.decidedAt],
    ["decided", "count", "Phone order, paid by card", "90.00", new Date(t.clock.now()).toISOString()],
  );
  assert.equal((await entry(t, competition.id, participantId)).revenue, "100.00", "the board moved");
  const after = await t.kv.get(keys.changes(competition.id));
  assert.notEqual(after.versionstamp, before.versionstamp, "the change key was bumped: live views follow");

  const repeat = await decide(t, competition.id, flagId, { decision: "count" });
  assert.equal(repeat.status, 200);
  assert.deepEqual((await repeat.json()).flag, flag, "a repeat answers the same state");
  const other = await decide(t, competition.id, flagId, { decision: "exclude" });
  assert.equal(other.status, 409);
  assert.match((await other.json()).error, /already counted; a decision is taken once/);
  assert.deepEqual(await auditStore(t.kv, participantId), { revenue: 10000, orders: 2, held: 1, excluded: 0 });
  const log = await listAuditLog(t.kv, competition.id);
  assert.deepEqual(log.map((e) => [e.action, e.orderId, e.flagReason, e.reason]), [
    ["order_counted", String(draft.id), "manual_source", "Phone order, paid by card"],
  ]);

  const voidedFlag = `${participantId}.${voided.id}`;
  const noMoney = await decide(t, competition.id, voidedFlag, { decision: "count" });
  assert.equal(noMoney.status, 409);
  assert.match((await noMoney.json()).error, /voided/);
  for (const unknown of [`${participantId}.999`, "not-a-flag", `zz.${draft.id}`]) {
    const res = await decide(t, competition.id, unknown, { decision: "count" });
    assert.equal(res.status, 404, unknown);
    await res.body?.cancel();
  }

  await updateCompetition(t.kv, competition.id, t.clock.now(), "status", (c) => ({ ...c, status: "SETTLING" }));
  await updateCompetition(t.kv, competition.id, t.clock.now(), "winner", (c) => ({
    ...c,
    status: "COMPLETED",
    resultsFrozenAt: new Date(t.clock.now()).toISOString(),
  }));
  const late = await decide(t, competition.id, voidedFlag, { decision: "exclude" });
  assert.equal(late.status, 409);
  assert.match((await late.json()).error, /final/);
});

Deno.test("flags api - two decisions raced on one flag: exactly one is applied, the board moves once, one audit entry", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { competition, participantId } = await setUp(t);
  const shopify = t.shopify!;
  const orders = Array.from(
    { length: 6 },
    (_, i) => shopify.createOrder(SHOP, { totalPrice: `${10 + i}.00`, draft: true }),
  );
  await shopify.flushWebhooks();
  const results: number[] = [];
  for (const [i, order] of orders.entries()) {
    const flagId = `${participantId}.${order.id}`;
    // Same decision twice (both 200, once applied), or opposite decisions (one 200, one 409).
    const pair = i % 2 === 0 ? ["count", "count"] : ["count", "exclude"];
    const answers = await Promise.all(pair.map((decision) => decide(t, competition.id, flagId, { decision })));
    for (const answer of answers) {
      results.push(answer.status);
      await answer.body?.cancel();
    }
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, i % 2 === 0 ? [200, 200] : [200, 409], `order ${i}`);
  }
  const sums = await auditStore(t.kv, participantId);
  const log = await listAuditLog(t.kv, competition.id);
  assert.equal(log.length, orders.length, "one audit entry per flag");
  const countedIds = new Set(log.filter((e) => e.action === "order_counted").map((e) => e.orderId));
  const expected = orders.filter((o) => countedIds.has(String(o.id)))
    .reduce((sum, o) => sum + Math.round(Number(o.totalPrice) * 100), 0);
  assert.equal(sums.revenue, expected, "the board moved once per applied decision");
  assert.equal(sums.orders + sums.excluded, orders.length);
  assert.equal(sums.held, 0);
});

Deno.test("flags api - pages: ?limit= answers a page and its next, ?status= keeps one; a bad query is a 400 with a sentence", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { competition } = await setUp(t);
  const shopify = t.shopify!;
  const held = Array.from(
    { length: 7 },
    (_, i) => shopify.createOrder(SHOP, { totalPrice: `${20 + i}.00`, payment: "pending" }),
  );
  await shopify.flushWebhooks();
  shopify.markOrderPaid(SHOP, held[2].id);
  shopify.markOrderPaid(SHOP, held[5].id);
  await shopify.flushWebhooks();
  const all = await flags(t, competition.id);
  assert.equal(all.length, 7);
  assert.deepEqual(all.map((flag) => flag.status), ["open", "open", "open", "open", "open", "cleared", "cleared"]);

  const path = `/api/competitions/${competition.id}/flags`;
  const paged: FlagView[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const res = await t.request(`${path}?limit=3${after ? `&after=${after}` : ""}`, { userId: CREATOR });
    assert.equal(res.status, 200);
    const page = await res.json() as { flags: FlagView[]; next?: string };
    assert.ok(page.flags.length <= 3);
    paged.push(...page.flags);
    after = page.next;
    pages++;
  } while (after && pages < 5);
  assert.equal(pages, 3);
  assert.deepEqual(paged.map((flag) => flag.id), all.map((flag) => flag.id), "the pages are the list, in order, once");

  const open = await (await t.request(`${path}?status=open&limit=2`, { userId: CREATOR })).json();
  assert.deepEqual(open.flags.map((flag: FlagView) => flag.id), all.slice(0, 2).map((flag) => flag.id));
  const cleared = await (await t.request(`${path}?status=cleared`, { userId: CREATOR })).json();
  assert.deepEqual(cleared, { flags: all.slice(5) });

  for (
    const [query, field] of [["limit=0", "limit"], ["limit=501", "limit"], ["status=held", "status"], [
      "after=x",
      "after",
    ]]
  ) {
    const res = await t.request(`${path}?${query}`, { userId: CREATOR });
    assert.equal(res.status, 400, query);
    const body = await res.json();
    assert.match(JSON.stringify(body), new RegExp(field), query);
  }
  const stranger = await t.request(`${path}?limit=2`, { userId: "someone_else" });
  assert.equal(stranger.status, 404);
  await stranger.body?.cancel();
});
