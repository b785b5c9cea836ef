/**
 * Fair competitions end to end on a real app (in-memory KV, the simulated
 * Whop, the queue worker): a split prize paid by one transfer per place,
 * unearned places back to the creator, disqualification, the settlement
 * window against refund-after-the-end, and the API's rules.
 */
import assert from "node:assert/strict";
import { createTestApp, TEST_WHOP_SETTINGS, type TestApp } from "../testing/test_app.ts";
import { activeCompetition, type ActiveCompetitionOptions } from "../testing/fixtures.ts";
import { joinStore, participantOf, settledSync, waitFor } from "../testing/shopify.ts";
import { type Competition, getCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { type Participant, updateParticipant } from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { runSyncJob } from "../cron/sync_job.ts";
import { listPayouts } from "../lib/whop/payouts.ts";
import { listNotifications } from "../lib/competitions/notifications.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { postForm } from "../testing/page_fixtures.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
/** Whop users the simulated Whop knows, so transfers to them land. */
const OWNERS = ["user_OwnerCaraT8w3n", "user_OwnerDevS2j6v", "user_OwnerEliP5h1z", "user_CreatorBenR4k9p"];
const HOUR = 3600_000;

await ensureIslandBundles();

/** A funded competition that ended a minute ago, its stores' orders recorded at the given minutes of the race. */
async function endedWithSales(
  t: TestApp,
  options: Partial<ActiveCompetitionOptions>,
  sales: { revenue: number; minute: number }[],
): Promise<{ competition: Competition; participants: Participant[] }> {
  const start = t.clock.now() - 2 * HOUR;
  const { competition, participants } = await activeCompetition(t.kv, {
    start,
    durationMs: HOUR,
    stores: sales.length,
    creatorId: CREATOR,
    ownerOf: (i) => OWNERS[i],
    ...options,
  });
  await updateCompetition(t.kv, competition.id, start, "status", (c) => ({ ...c, fundsTxId: "pay_Funded" }));
  for (const [i, sale] of sales.entries()) {
    if (sale.revenue > 0) {
      const at = new Date(start + sale.minute * 60_000).toISOString();
      await recordOrder(t.kv, participants[i].id, {
        orderId: `o${i}`,
        createdAt: at,
        updatedAt: at,
        amount: sale.revenue,
        currency: "USD",
        test: false,
        cancelled: false,
      }, start + sale.minute * 60_000);
    }
    // No Shopify store behind these participants: the final sync skips them and says so.
    await updateParticipant(t.kv, participants[i].id, start, "sync", (p) => ({ ...p, connection: "disconnected" }));
  }
  t.whop!.setBalance(TEST_WHOP_SETTINGS.companyId, "usd", 10_000);
  return { competition, participants };
}

function transfersOf(t: TestApp, competitionId: string) {
  return t.whop!.transfers.filter((transfer) => (transfer.idempotenceKey ?? "").startsWith(`payout_${competitionId}`));
}

/** Two status jobs at once (two instances' crons): one settlement, one transfer per place. */
async function settle(t: TestApp, competitionId: string, transfers: number): Promise<Competition> {
  await Promise.all([runStatusJob(t.deps.lifecycle!), runStatusJob(t.deps.lifecycle!)]);
  await runStatusJob(t.deps.lifecycle!);
  await waitFor(
    () => Promise.resolve(transfersOf(t, competitionId).length >= transfers || undefined),
    `${transfers} transfers`,
  );
  await waitFor(async () => {
    const payouts = await listPayouts(t.kv, competitionId);
    return payouts.length === transfers && payouts.every((p) => p.state === "sent") || undefined;
  }, "every payout recorded as sent");
  return await getCompetition(t.kv, competitionId);
}

Deno.test("fair - 3 places and two stores on the same value: one transfer per place, exact amounts, distinct keys", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const { competition, participants } = await endedWithSales(t, { prize: "100.01", prizeSplit: [50, 30, 20] }, [
    { revenue: 20_000, minute: 30 }, // reaches 200.00 second
    { revenue: 20_000, minute: 10 }, // reaches 200.00 first: 1st
    { revenue: 5_000, minute: 5 },
    { revenue: 0, minute: 0 }, // no sale: no place
  ]);
  const done = await settle(t, competition.id, 3);
  assert.equal(done.status, "COMPLETED");
  assert.deepEqual(
    done.places?.map((p) => [p.place, p.participantId, p.amount]),
    [[1, participants[1].id, 5_001], [2, participants[0].id, 3_000], [3, participants[2].id, 2_000]],
    "the rounding cent goes to 1st; the tie goes to who reached the value first",
  );
  assert.equal(done.winner?.participantId, participants[1].id);
  assert.equal(done.unearned, 0);
  const transfers = transfersOf(t, competition.id);
  assert.deepEqual(
    transfers.map((tr) => [tr.idempotenceKey, tr.destinationId, tr.amountMinor]).sort(),
    [
      [`payout_${competition.id}`, participants[1].userId, 5_001],
      [`payout_${competition.id}_2`, participants[0].userId, 3_000],
      [`payout_${competition.id}_3`, participants[2].userId, 2_000],
    ].sort(),
  );
  assert.equal(transfers.reduce((sum, tr) => sum + tr.amountMinor, 0), 10_001, "the places add up to the prize");

  await runStatusJob(t.deps.lifecycle!);
  await runStatusJob(t.deps.lifecycle!);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(transfersOf(t, competition.id).length, 3, "running the job again pays nothing more");
  const board = await (await t.request(`/api/competitions/${competition.id}/leaderboard`)).json();
  assert.deepEqual(
    board.entries.map((e: { participantId: string; prize?: string }) => [e.participantId, e.prize]),
    [
      [participants[1].id, "50.01"],
      [participants[0].id, "30.00"],
      [participants[2].id, "20.00"],
      [participants[3].id, undefined],
    ],
  );
  const manage = await (await t.request(`/competitions/${competition.id}/manage`, { userId: CREATOR })).text();
  for (const place of ["1st place: Store 1", "2nd place: Store 0", "3rd place: Store 2"]) {
    assert.match(
      manage,
      new RegExp(`${place} — \\$[\\d.]+ <span class="payout payout-sent"><span class="tag tag-ok">Paid out`),
      place,
    );
  }
  const dashboard = await (await t.request("/dashboard?tab=payouts", { userId: CREATOR })).text();
  assert.match(dashboard, /3rd place: Store 2: \$20\.00/);
  const second = (await listNotifications(t.kv, participants[0].userId)).notifications.find((n) => n.kind === "won");
  assert.match(second?.body ?? "", /took 2nd place; your \$30\.00 prize/);
});

Deno.test("fair - places nobody earned go back to the creator exactly once", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const { competition, participants } = await endedWithSales(t, { prize: "500.00", prizeSplit: [60, 30, 10] }, [
    { revenue: 1_000, minute: 3 },
    { revenue: 9_000, minute: 4 },
  ]);
  const done = await settle(t, competition.id, 3);
  assert.equal(done.unearned, 5_000);
  assert.deepEqual(done.places?.map((p) => p.participantId), [participants[1].id, participants[0].id]);
  const creator = transfersOf(t, competition.id).filter((tr) => (tr.idempotenceKey ?? "").endsWith("_creator"));
  assert.equal(creator.length, 1);
  assert.equal(creator[0].destinationId, CREATOR);
  assert.equal(creator[0].amountMinor, 5_000);
  await runStatusJob(t.deps.lifecycle!);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(transfersOf(t, competition.id).length, 3);
  assert.equal(t.whop!.refunds.length, 0, "a partial return is a transfer, not a refund of the payment");
});

Deno.test("fair - a disqualified leader is not paid; the next stores move up and are paid by the split", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const { competition, participants } = await endedWithSales(t, { prize: "100.00", prizeSplit: [70, 30] }, [
    { revenue: 90_000, minute: 1 },
    { revenue: 5_000, minute: 2 },
    { revenue: 3_000, minute: 3 },
  ]);
  // Still SETTLING-able: the end passed but the status job has not run yet; the creator acts first.
  const path = `/api/competitions/${competition.id}/participants/${participants[0].id}`;
  const stranger = await t.request(`${path}/disqualify`, {
    method: "POST",
    userId: participants[1].userId,
    json: { reason: "Fake orders" },
  });
  assert.equal(stranger.status, 403, "only the creator");
  const noReason = await t.request(`${path}/disqualify`, { method: "POST", userId: CREATOR, json: {} });
  assert.equal(noReason.status, 400);
  assert.match((await noReason.json()).issues[0].message, /reason/);
  const ok = await t.request(`${path}/disqualify`, {
    method: "POST",
    userId: CREATOR,
    json: { reason: "Orders placed and refunded by the owner." },
  });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).participant.disqualified.reason, "Orders placed and refunded by the owner.");

  const board = await (await t.request(`/api/competitions/${competition.id}/leaderboard`)).json();
  assert.deepEqual(board.entries.map((e: { participantId: string }) => e.participantId), [
    participants[1].id,
    participants[2].id,
  ]);
  assert.deepEqual(board.disqualified.map((d: { reason: string }) => d.reason), [
    "Orders placed and refunded by the owner.",
  ]);
  const owner = await listNotifications(t.kv, participants[0].userId);
  assert.ok(owner.notifications.some((n) => n.kind === "disqualified"), "the store owner is told");
  const page = await (await t.request(`/competitions/${competition.id}`)).text();
  assert.match(page, /Orders placed and refunded by the owner\./, "the reason is public");
  const manage = await (await t.request(`/competitions/${competition.id}/manage`, { userId: CREATOR })).text();
  assert.match(manage, /disqualified/i);
  assert.match(manage, new RegExp(CREATOR));

  const done = await settle(t, competition.id, 2);
  assert.deepEqual(done.places?.map((p) => [p.participantId, p.amount]), [
    [participants[1].id, 7_000],
    [participants[2].id, 3_000],
  ]);
  assert.ok(!transfersOf(t, competition.id).some((tr) => tr.destinationId === participants[0].userId));
  const late = await t.request(`${path}/reinstate`, { method: "POST", userId: CREATOR, json: {} });
  assert.equal(late.status, 409, "the results are final");
});

Deno.test("fair - reinstating is logged and puts the store back", async () => {
  await using t = await createTestApp({});
  const start = t.clock.now() - HOUR;
  const { competition, participants } = await activeCompetition(t.kv, { start, stores: 2, creatorId: CREATOR });
  const path = `/api/competitions/${competition.id}/participants/${participants[1].id}`;
  const post = (action: string, json: unknown) =>
    t.request(`${path}/${action}`, { method: "POST", userId: CREATOR, json });
  assert.equal((await post("disqualify", { reason: "Test orders" })).status, 200);
  assert.equal((await post("reinstate", { reason: "Checked: real orders" })).status, 200);
  const board = await (await t.request(`/api/competitions/${competition.id}/leaderboard`)).json();
  assert.equal(board.entries.length, 2);
  assert.deepEqual(board.disqualified, []);
  let manage = await (await t.request(`/competitions/${competition.id}/manage`, { userId: CREATOR })).text();
  assert.match(manage, /Test orders/);
  assert.match(manage, /Checked: real orders/);

  // The manage page's own forms.
  const form = `/competitions/${competition.id}/manage/participants/${participants[0].id}/disqualify`;
  const empty = await postForm(t, form, { reason: "" }, CREATOR);
  assert.equal(empty.status, 400);
  assert.match(await empty.text(), /Give the reason, shown publicly, in a few words\./);
  const done = await postForm(t, form, { reason: "Orders from the owner's own card" }, CREATOR);
  assert.equal(done.status, 303);
  assert.equal((await postForm(t, form, { reason: "Mine now" }, participants[1].userId)).status, 403);
  manage = await (await t.request(`/competitions/${competition.id}/manage`, { userId: CREATOR })).text();
  assert.match(manage, /Orders from the owner(&#39;|')s own card/);
  assert.equal(
    [...manage.matchAll(/<span class="audit-what">(Disqualified|Reinstated) /g)].length,
    3,
    "three actions logged",
  );
});

Deno.test("fair - the settlement window: a leader that refunds after the end loses the lead and the prize", async () => {
  await using t = await createTestApp({ SETTLEMENT_DELAY_S: "3600" }, { whop: true, shopify: true });
  const lifecycle = t.deps.lifecycle!;
  const start = t.clock.now() + HOUR;
  const created = await t.request("/api/competitions", {
    method: "POST",
    userId: CREATOR,
    json: {
      title: "Fair Cup",
      prize: "200.00",
      currency: "USD",
      prizeSplit: [75, 25],
      startDate: new Date(start).toISOString(),
      endDate: new Date(start + 2 * HOUR).toISOString(),
    },
  });
  const { competition } = await created.json();
  const fund = await t.request(`/api/competitions/${competition.id}/fund`, { method: "POST", userId: CREATOR });
  await t.whop!.pay(new URL((await fund.json()).checkoutUrl).pathname.split("/").pop()!, { userId: CREATOR });
  const CHEAT = "user_OwnerCaraT8w3n";
  const HONEST = "user_OwnerDevS2j6v";
  await joinStore(t, competition.id, CHEAT, "cheat-store.myshopify.com");
  await joinStore(t, competition.id, HONEST, "honest-store.myshopify.com");
  t.clock.advance(HOUR + 1000);
  await runStatusJob(lifecycle);
  const big = t.shopify!.createOrder("cheat-store.myshopify.com", { totalPrice: "900.00" });
  t.shopify!.createOrder("honest-store.myshopify.com", { totalPrice: "150.00" });
  await t.shopify!.flushWebhooks();

  t.clock.advance(2 * HOUR); // the end has passed
  await runStatusJob(lifecycle);
  let now = await getCompetition(t.kv, competition.id);
  assert.equal(now.status, "SETTLING");
  assert.equal(now.settlesAt, new Date(start + 3 * HOUR).toISOString());
  // A reader whose zone is not known yet reads how far the final results are; one whose browser said it, when.
  const page = await (await t.request(`/competitions/${competition.id}`)).text();
  assert.match(page, /Provisional — final in 59 minutes\./);
  const zoned = await t.request(`/competitions/${competition.id}`, { headers: { cookie: "tz=Europe/Paris" } });
  assert.match(await zoned.text(), /Provisional — final on Dec 1, 2026, 17:00 GMT\+1\./);
  const told = (await listNotifications(t.kv, CHEAT)).notifications.filter((n) => n.kind === "settling");
  assert.equal(told.length, 1, "each store is told once that the results are provisional");
  await runStatusJob(lifecycle);
  assert.equal((await listNotifications(t.kv, CHEAT)).notifications.filter((n) => n.kind === "settling").length, 1);

  const honestOrder = t.shopify!.orders("honest-store.myshopify.com")[0];
  t.shopify!.updateOrder("honest-store.myshopify.com", honestOrder.id, { totalPrice: "9150.00" });
  t.shopify!.refundOrder("cheat-store.myshopify.com", big.id, "900.00");
  t.shopify!.createOrder("honest-store.myshopify.com", { totalPrice: "5000.00" }); // after the end: never counts
  await t.shopify!.flushWebhooks();
  const cheat = (await participantOf(t, competition.id, "cheat-store.myshopify.com"))!;
  const honest = (await participantOf(t, competition.id, "honest-store.myshopify.com"))!;
  assert.equal(cheat.revenue, 0, "the refund during the window lowers the total");
  assert.equal(honest.revenue, 15_000, "an order created after the end, or an edit raising one, never counts");

  t.clock.advance(HOUR - 2000);
  await runStatusJob(lifecycle);
  assert.equal((await getCompetition(t.kv, competition.id)).status, "SETTLING", "the window is still open");
  t.clock.advance(2000);
  await settledSync(t, honest.id);
  await runStatusJob(lifecycle);
  now = await getCompetition(t.kv, competition.id);
  assert.equal(now.status, "COMPLETED");
  assert.equal(now.winner?.userId, HONEST);
  assert.deepEqual(now.places?.map((p) => p.userId), [HONEST], "the refunded store earns no place");
  await waitFor(() => Promise.resolve(t.whop!.transfers.length >= 2 || undefined), "the payouts");
  assert.deepEqual(
    t.whop!.transfers.map((tr) => [tr.destinationId, tr.amountMinor]).sort(),
    [[HONEST, 15_000], [CREATOR, 5_000]].sort(),
  );
});

Deno.test("fair - the API round-trips prizeSplit and metric, and names each issue of a bad split", async () => {
  await using t = await createTestApp({});
  const start = t.clock.now() + HOUR;
  const base = {
    title: "Split Cup",
    prize: "500.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 24 * HOUR).toISOString(),
  };
  const res = await t.request("/api/competitions", {
    method: "POST",
    userId: CREATOR,
    json: { ...base, prizeSplit: [60, 30, 10], metric: "growth", growthMinBaseline: "250.00" },
  });
  assert.equal(res.status, 201);
  const { competition } = await res.json();
  assert.deepEqual(competition.prizeSplit, [60, 30, 10]);
  assert.equal(competition.metric, "growth");
  assert.equal(competition.growthMinBaseline, "250.00");
  const read = await (await t.request(`/api/competitions/${competition.id}`, { userId: CREATOR })).json();
  assert.deepEqual(read.competition.prizeSplit, [60, 30, 10]);
  const patched = await t.request(`/api/competitions/${competition.id}`, {
    method: "PATCH",
    userId: CREATOR,
    json: { prizeSplit: [50, 50], metric: "orders" },
  });
  assert.equal(patched.status, 200);
  const after = (await patched.json()).competition;
  assert.deepEqual(after.prizeSplit, [50, 50]);
  assert.equal(after.metric, "orders");
  assert.equal(after.title, "Split Cup");

  // Funded (the payment itself is the Whop tests' business).
  await updateCompetition(t.kv, competition.id, t.clock.now(), "status", (c) => ({ ...c, status: "UPCOMING" }));
  const locked = await t.request(`/api/competitions/${competition.id}`, {
    method: "PATCH",
    userId: CREATOR,
    json: { prizeSplit: [100] },
  });
  assert.equal(locked.status, 409, "a funded competition's split is locked");
  assert.match(
    (await locked.json()).error,
    /^prizeSplit can no longer change\. The prize is funded, so the rules are locked/,
  );

  const bad: [unknown, string][] = [
    [[60, 30], "The shares add up to 90%; they must add up to 100%."],
    [Array(11).fill(10), "A prize can be split between at most 10 places."],
    [[100, 0], "The 2nd place share must be more than 0%."],
    [[120, -20], "The 2nd place share must be more than 0%."],
    [[50.5, 49.5], "The 1st place share must be a whole percentage."],
  ];
  for (const [prizeSplit, message] of bad) {
    const refused = await t.request("/api/competitions", {
      method: "POST",
      userId: CREATOR,
      json: { ...base, prizeSplit },
    });
    assert.equal(refused.status, 400, JSON.stringify(prizeSplit));
    const body = await refused.json();
    assert.ok(body.issues.some((i: { message: string }) => i.message === message), JSON.stringify(body.issues));
  }
});

Deno.test("fair - growth reads each store's baseline from its Shopify history and ranks by it", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const lifecycle = t.deps.lifecycle!;
  const start = t.clock.now() + HOUR;
  const created = await t.request("/api/competitions", {
    method: "POST",
    userId: CREATOR,
    json: {
      title: "Growth Cup",
      prize: "300.00",
      currency: "USD",
      metric: "growth",
      startDate: new Date(start).toISOString(),
      endDate: new Date(start + 2 * HOUR).toISOString(),
    },
  });
  const { competition } = await created.json();
  const fund = await t.request(`/api/competitions/${competition.id}/fund`, { method: "POST", userId: CREATOR });
  await t.whop!.pay(new URL((await fund.json()).checkoutUrl).pathname.split("/").pop()!, { userId: CREATOR });
  const SMALL = "small-shop.myshopify.com";
  const BIG = "big-shop.myshopify.com";
  const NEW = "new-shop.myshopify.com";
  await joinStore(t, competition.id, OWNERS[0], SMALL);
  await joinStore(t, competition.id, OWNERS[1], BIG);
  await joinStore(t, competition.id, OWNERS[2], NEW);
  // The equal window before the start is [start − 2 h, start): orders there are the baseline; older ones are not.
  t.shopify!.createOrder(SMALL, { totalPrice: "1000.00", createdAt: start - 30 * 60_000 });
  t.shopify!.createOrder(BIG, { totalPrice: "10000.00", createdAt: start - 90 * 60_000 });
  t.shopify!.createOrder(BIG, { totalPrice: "777.00", createdAt: start - 3 * HOUR });
  await t.shopify!.flushWebhooks();

  t.clock.advance(HOUR + 1000);
  await runStatusJob(lifecycle);
  t.shopify!.createOrder(SMALL, { totalPrice: "1500.00" });
  t.shopify!.createOrder(BIG, { totalPrice: "12000.00" });
  t.shopify!.createOrder(NEW, { totalPrice: "20000.00" });
  await t.shopify!.flushWebhooks();
  await runSyncJob(lifecycle);
  for (const shop of [SMALL, BIG, NEW]) {
    await settledSync(t, (await participantOf(t, competition.id, shop))!.id);
  }
  const baselines = await Promise.all(
    [SMALL, BIG, NEW].map(async (shop) => (await participantOf(t, competition.id, shop))!.ranking),
  );
  assert.deepEqual(baselines.map((r) => r?.metric === "growth" ? r.baseline : undefined), [100_000, 1_000_000, 0]);
  const board = await (await t.request(`/api/competitions/${competition.id}/leaderboard`)).json();
  assert.deepEqual(
    board.entries.map((e: { shop: string; value: string; revenue: string }) => [e.shop, e.value, e.revenue]),
    [[SMALL, "+50%", "1500.00"], [BIG, "+20%", "12000.00"], [NEW, "below baseline", "20000.00"]],
  );
  const page = await (await t.request(`/competitions/${competition.id}`)).text();
  assert.match(page, /Ranked by growth: each store(&#39;|')s revenue in the window over its own revenue/);
});
