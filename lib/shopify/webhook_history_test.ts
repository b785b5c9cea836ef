/**
 * A store stays a member of every competition it joined (a season's weekly
 * rounds): an order delivery must cost the same in its fifth round as in its
 * first, reaching only the competitions whose window holds the order.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../testing/test_app.ts";
import { activeCompetition } from "../../testing/fixtures.ts";
import { updateCompetition } from "../competitions/competitions.ts";
import { groupCommitterOf } from "../core/group_commit.ts";
import { keys } from "../core/db.ts";
import type { Participant } from "../competitions/participants.ts";
import {
  closeShopMemberships,
  listOpenShopMemberships,
  listShopMemberships,
} from "../competitions/shop_memberships.ts";
import { SETTLING_RECHECK_MS } from "../competitions/order_windows.ts";
import type { StoredOrder } from "../competitions/stored_order.ts";
import { orderPayload } from "../../sandbox/shopify/rest_payloads.ts";
import { shopifyWebhookHeaders } from "../../testing/shopify.ts";

const SHOP = "five-rounds.myshopify.com";
const WEEK_MS = 7 * 86_400_000;

/**
 * Has the simulated Shopify take an order of SHOP created at `createdMs` and
 * posts its REST payload, signed, as `topic`; returns the order's id and the answer.
 */
async function deliverOrder(t: TestApp, topic: string, createdMs: number, totalPrice: string) {
  const order = t.shopify!.createOrder(SHOP, { totalPrice, createdAt: createdMs });
  const body = JSON.stringify(orderPayload(order, t.shopify!.shops().find((shop) => shop.domain === SHOP)!));
  const response = await fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: await shopifyWebhookHeaders({ shop: SHOP, body, topic }),
    body,
  });
  return { orderId: String(order.id), status: response.status, body: await response.json() };
}

/** `count` weekly rounds of SHOP, one after another, the last started a day ago (each live as made). */
async function weeklyRounds(t: TestApp, count: number) {
  const rounds = [];
  for (let round = 1; round <= count; round++) {
    rounds.push(
      await activeCompetition(t.kv, {
        start: t.clock.ms - 86_400_000 - (count - round) * WEEK_MS,
        durationMs: WEEK_MS,
        stores: 1,
        shopOf: () => SHOP,
        ownerOf: () => "owner_of_the_rounds",
        title: `Round ${round}`,
      }),
    );
  }
  return rounds;
}

Deno.test("shopify webhooks - a store in five weekly rounds: an order is applied in the round whose window holds it, and only there", async () => {
  await using t = await createTestApp({}, { shopify: true });
  t.shopify!.createShop({ shop: SHOP, currency: "USD" });
  const now = t.clock.ms;
  // Rounds 1–4 ran on the weeks before this one and are over (round 1 completed, 2–4 settling); round 5 started a day ago.
  const made = await weeklyRounds(t, 5);
  for (const [i, { competition }] of made.slice(0, 4).entries()) {
    const status = i === 0 ? "COMPLETED" : "SETTLING";
    await updateCompetition(t.kv, competition.id, now, "status", (c) => ({ ...c, status }));
  }
  const rounds = made.map(({ participants }) => participants[0]);
  const committer = groupCommitterOf(t.kv);
  const tasksBefore = committer.stats().tasks;

  const created = await deliverOrder(t, "orders/create", now - 3600_000, "80.00");
  assert.equal(created.status, 200);
  assert.equal(created.body.result, "applied");
  assert.equal(committer.stats().tasks - tasksBefore, 1, "one order commit task, not one per round");
  const stored = await Promise.all(rounds.map((p) => t.kv.get<StoredOrder>(keys.order(p.id, created.orderId))));
  assert.deepEqual(stored.map((entry) => entry.value?.amount ?? null), [null, null, null, null, 8000]);
  assert.equal((await t.kv.get<Participant>(keys.participant(rounds[4].id))).value?.revenue, 8000);

  // An update of an order taken in round 2's week (a refund) still reaches round 2.
  const inRound2 = now - 86_400_000 - 3 * WEEK_MS + 3600_000;
  const updated = await deliverOrder(t, "orders/updated", inRound2, "15.00");
  assert.equal(updated.status, 200);
  const round2 = await Promise.all(rounds.map((p) => t.kv.get<StoredOrder>(keys.order(p.id, updated.orderId))));
  assert.deepEqual(round2.map((entry) => entry.value?.amount ?? null), [null, 1500, null, null, null]);
  assert.equal(committer.stats().tasks - tasksBefore, 3, "round 2's commit and the live round's, which decides itself");

  // An order taken before every round is stored nowhere; only the live round's commit looked at it.
  const before = await deliverOrder(t, "orders/create", now - 10 * WEEK_MS, "9.00");
  assert.deepEqual({ status: before.status, body: before.body }, {
    status: 200,
    body: { ok: true, result: "applied" },
  });
  const outside = await Promise.all(rounds.map((p) => t.kv.get<StoredOrder>(keys.order(p.id, before.orderId))));
  assert.ok(outside.every((entry) => entry.value === null));
  assert.equal(committer.stats().tasks - tasksBefore, 4);
});

/** The competitions of SHOP's open memberships, by round number (1-based), and of all its memberships. */
async function roundsOf(t: TestApp, rounds: Participant[]) {
  const roundOf = (competitionId: string) => rounds.findIndex((p) => p.competitionId === competitionId) + 1;
  return {
    open: (await listOpenShopMemberships(t.kv, SHOP)).map((m) => roundOf(m.competitionId)).sort(),
    all: (await listShopMemberships(t.kv, SHOP)).map((m) => roundOf(m.competitionId)).sort(),
  };
}

Deno.test("shopify webhooks - completed and cancelled rounds leave the shop's open memberships, which its orders read", async () => {
  await using t = await createTestApp({}, { shopify: true });
  t.shopify!.createShop({ shop: SHOP, currency: "USD" });
  const now = t.clock.ms;
  // Round 1 completed, round 2 cancelled (a live competition cannot be, through the status machine: written as such),
  // round 3 settling, round 4 live.
  const made = await weeklyRounds(t, 4);
  await updateCompetition(t.kv, made[0].competition.id, now, "status", (c) => ({ ...c, status: "COMPLETED" }));
  await t.kv.set(keys.competition(made[1].competition.id), { ...made[1].competition, status: "CANCELLED" });
  await updateCompetition(t.kv, made[2].competition.id, now, "status", (c) => ({ ...c, status: "SETTLING" }));
  const rounds = made.map(({ participants }) => participants[0]);
  assert.deepEqual(await roundsOf(t, rounds), { open: [1, 2, 3, 4], all: [1, 2, 3, 4] }, "joining opens a membership");

  // The first order takes the completed and the cancelled round off; the settling one may still take an update.
  const first = await deliverOrder(t, "orders/create", now - 3600_000, "80.00");
  assert.deepEqual({ status: first.status, result: first.body.result }, { status: 200, result: "applied" });
  assert.deepEqual(await roundsOf(t, rounds), { open: [3, 4], all: [1, 2, 3, 4] }, "the memberships themselves stay");
  assert.equal((await t.kv.get<Participant>(keys.participant(rounds[3].id))).value?.revenue, 8000);

  // Round 3 completes; once its settling state is old news, the next order takes it off too.
  await updateCompetition(t.kv, rounds[2].competitionId, now, "status", (c) => ({ ...c, status: "COMPLETED" }));
  await deliverOrder(t, "orders/create", now - 1800_000, "5.00");
  assert.deepEqual((await roundsOf(t, rounds)).open, [3, 4], "read a moment ago: still settling as far as it knows");
  t.clock.advance(SETTLING_RECHECK_MS);
  await deliverOrder(t, "orders/create", now - 1200_000, "5.00");
  assert.deepEqual((await roundsOf(t, rounds)).open, [4]);
  assert.equal((await t.kv.get<Participant>(keys.participant(rounds[3].id))).value?.revenue, 9000);

  // With every round over (the last one's membership closed as a delivery would), an order is applied nowhere; the
  // shop is still known.
  await updateCompetition(t.kv, rounds[3].competitionId, t.clock.ms, "status", (c) => ({ ...c, status: "COMPLETED" }));
  await closeShopMemberships(t.kv, SHOP, [rounds[3].competitionId]);
  const late = await deliverOrder(t, "orders/create", now - 600_000, "7.00");
  assert.deepEqual({ status: late.status, result: late.body.result }, { status: 200, result: "applied" });
  assert.equal((await t.kv.get<StoredOrder>(keys.order(rounds[3].id, late.orderId))).value, null);
  assert.deepEqual(await roundsOf(t, rounds), { open: [], all: [1, 2, 3, 4] });
});
