/**
 * Seasons end to end, with the official SDKs against the simulated Whop and
 * Shopify: a three-round season is created and funded by one checkout (every
 * round's prize and the season prize, grossed up), two stores join it (one
 * through Shopify's OAuth, one already connected, without), both are entered
 * in every later round without joining again, their orders move each round's
 * board, each round's places give points, and when the last round settles
 * the season prize is paid exactly once per place — the jobs run twice, and
 * two at once, at every step. Bad input is refused naming its field.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import {
  approveInstall,
  browserHeaders,
  cookiesFrom,
  joinStore,
  openCompetition,
  participantOf,
} from "../testing/shopify.ts";
import { waitFor } from "../testing/whop.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { runSeasonJob } from "../cron/season_job.ts";
import { getSeason, type Season } from "../lib/seasons/seasons.ts";
import { listEntrants } from "../lib/seasons/entrants.ts";
import { listRoundResults } from "../lib/seasons/standings.ts";
import { listSeasonPayouts } from "../lib/whop/season_payouts.ts";
import { getPayout } from "../lib/whop/payouts.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { listParticipants } from "../lib/competitions/participants.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const CARA = { userId: "user_OwnerCaraT8w3n", shop: "cara-goods.myshopify.com" };
const DEV = { userId: "user_OwnerDevS2j6v", shop: "dev-supply.myshopify.com" };
const DAY = 86_400_000;
const START = Date.parse("2026-12-02T00:00:00Z");

/** The season of the tests: three daily rounds of $30, a $50 season prize split 60/40. */
const SEASON_INPUT = {
  title: "December League",
  rounds: 3,
  every: "day",
  startDate: new Date(START).toISOString(),
  template: { currency: "USD", prize: "30.00" },
  seasonPrize: "50.00",
  seasonPrizeSplit: [60, 40],
};

async function createSeason(t: TestApp, body: unknown = SEASON_INPUT): Promise<Season> {
  const res = await t.request("/api/seasons", { method: "POST", userId: CREATOR, json: body });
  assert.equal(res.status, 201, await res.clone().text());
  return await getSeason(t.kv, (await res.json()).season.id);
}

/** Funds the season through its checkout on the simulated Whop; returns what the checkout asked. */
async function fundSeason(t: TestApp, seasonId: string): Promise<{ amount: string; fee: string }> {
  const res = await t.request(`/api/seasons/${seasonId}/fund`, { method: "POST", userId: CREATOR });
  assert.equal(res.status, 200, await res.clone().text());
  const { checkoutUrl, amount, fee } = await res.json();
  await t.whop!.pay(new URL(checkoutUrl).pathname.split("/").pop()!, { userId: CREATOR });
  return { amount, fee };
}

/** Runs the status and season jobs twice in a row and twice at once, as several instances would. */
async function runJobs(t: TestApp): Promise<void> {
  const services = t.deps.lifecycle;
  for (let i = 0; i < 2; i++) {
    await runStatusJob(services);
    await runSeasonJob(services);
  }
  await Promise.all([runStatusJob(services), runStatusJob(services)]);
  await Promise.all([runSeasonJob(services), runSeasonJob(services)]);
}

/** A sale of `amount` in `shop` at `at`, delivered to the app by Shopify's webhook. */
async function sale(t: TestApp, shop: string, amount: string, at: number): Promise<void> {
  t.shopify!.createOrder(shop, { totalPrice: amount, createdAt: at });
  await t.shopify!.flushWebhooks();
}

/** Waits until every participant of every made round finished its sync (backfills run on the queue). */
async function syncsSettled(t: TestApp, season: Season): Promise<void> {
  await waitFor(async () => {
    for (const id of (await getSeason(t.kv, season.id)).roundIds) {
      for (const p of await listParticipants(t.kv, id)) {
        if (p.sync.state === "pending" || p.sync.state === "running") return false;
      }
    }
    return true;
  }, 20_000);
}

Deno.test({
  name: "seasons - three rounds, two stores entered once: standings by points, the season prize paid once per place",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using t = await createTestApp({}, { whop: true, shopify: true });
    const whop = t.whop!;
    for (const { shop } of [CARA, DEV]) t.shopify!.createShop({ shop, currency: "USD" });
    // Dev's store is connected already: he entered another creator's competition.
    const other = await openCompetition(t, { upcoming: true, creatorId: "user_CreatorBenR4k9p" });
    assert.equal((await joinStore(t, other.id, DEV.userId, DEV.shop)).callback.status, 303);

    const draft = await createSeason(t);
    assert.equal(draft.status, "DRAFT");
    // Private until funded: 404 to anyone but its creator.
    assert.equal((await t.request(`/api/seasons/${draft.id}`, { userId: CARA.userId })).status, 404);
    assert.equal((await t.request(`/api/seasons/${draft.id}`)).status, 404);
    assert.equal((await t.request(`/seasons/${draft.id}`, { userId: CARA.userId })).status, 404);

    // One checkout for 3 × $30 and the $50 season prize, grossed up for Whop's fee.
    const { amount, fee } = await fundSeason(t, draft.id);
    assert.equal(Number(amount) - Number(fee), 140);
    let season = await getSeason(t.kv, draft.id);
    assert.equal(season.status, "UPCOMING");
    assert.equal(season.roundIds.length, 1, "round 1 is made as soon as the season is funded");
    await runJobs(t);
    assert.equal((await getSeason(t.kv, draft.id)).roundIds.length, 1, "round 2 waits for round 1 to start");

    // Cara joins through Shopify's OAuth; Dev's connected store joins at once.
    const caraJoin = await fetch(`${t.url}/api/seasons/${season.id}/join`, {
      method: "POST",
      headers: await browserHeaders(t, CARA.userId).then((h) => (h.set("content-type", "application/json"), h)),
      body: JSON.stringify({ shop: CARA.shop }),
    });
    const { authorizeUrl } = await caraJoin.json();
    assert.ok(authorizeUrl, "a store not connected goes through Shopify's OAuth");
    const callback = await fetch(await approveInstall(authorizeUrl), {
      headers: await browserHeaders(t, CARA.userId, cookiesFrom(caraJoin)),
      redirect: "manual",
    });
    assert.equal(callback.status, 303);
    await callback.body?.cancel();
    const devJoin = await t.request(`/api/seasons/${season.id}/join`, {
      method: "POST",
      userId: DEV.userId,
      json: { shop: DEV.shop },
    });
    assert.deepEqual((await devJoin.json()).joined, true, "a connected store joins without OAuth");
    assert.deepEqual((await listEntrants(t.kv, season.id)).map((e) => e.shop).sort(), [CARA.shop, DEV.shop]);

    // Round by round: each day's sales, then the jobs a minute after the next day starts.
    const sales: [string, string][][] = [
      [["cara", "100.00"], ["dev", "50.00"]], // Cara 25, Dev 18
      [["cara", "10.00"], ["dev", "200.00"]], // Dev 25, Cara 18: 43 each
      [["cara", "300.00"], ["dev", "100.00"]], // Cara 25, Dev 18: Cara 68, Dev 61
    ];
    for (const [day, daySales] of sales.entries()) {
      t.clock.ms = START + day * DAY + 60_000;
      await runJobs(t);
      season = await getSeason(t.kv, season.id);
      assert.equal(season.status, "ACTIVE");
      assert.equal(
        season.roundIds.length,
        Math.min(day + 2, 3),
        `round ${day + 2} is made when round ${day + 1} starts`,
      );
      await syncsSettled(t, season);
      for (const id of season.roundIds) {
        for (const { shop } of [CARA, DEV]) assert.ok(await participantOf(t, id, shop), `${shop} is in round ${id}`);
      }
      for (const [who, amount] of daySales) {
        await sale(t, who === "cara" ? CARA.shop : DEV.shop, amount, START + day * DAY + 3_600_000);
      }
    }
    t.clock.ms = START + 3 * DAY + 60_000;
    await runJobs(t);
    season = await getSeason(t.kv, season.id);
    assert.equal(season.status, "COMPLETED");
    const results = await listRoundResults(t.kv, season.id);
    assert.deepEqual(results.map((r) => r.entries.map((e) => [e.userId, e.points])), [
      [[CARA.userId, 25], [DEV.userId, 18]],
      [[DEV.userId, 25], [CARA.userId, 18]],
      [[CARA.userId, 25], [DEV.userId, 18]],
    ]);
    for (const id of season.roundIds) assert.equal((await getCompetition(t.kv, id)).status, "COMPLETED");

    // The season prize, once per place, even with the jobs run again.
    const allSent = async () => {
      const rounds = await Promise.all(season.roundIds.map((id) => getPayout(t.kv, id)));
      return [...rounds, ...await listSeasonPayouts(t.kv, season.id)].every((p) => p?.state === "sent");
    };
    await waitFor(allSent, 20_000);
    await runJobs(t);
    await waitFor(allSent, 20_000);
    const paid = (key: string) => whop.transfers.filter((transfer) => transfer.idempotenceKey === key);
    assert.deepEqual(paid(`payout_season_${season.id}_1`).map((x) => [x.destinationId, x.amountMinor]), [[
      CARA.userId,
      3000,
    ]]);
    assert.deepEqual(paid(`payout_season_${season.id}_2`).map((x) => [x.destinationId, x.amountMinor]), [[
      DEV.userId,
      2000,
    ]]);
    // Each round paid its own winner once, from the same escrow.
    for (const [i, id] of season.roundIds.entries()) {
      const winner = i === 1 ? DEV.userId : CARA.userId;
      assert.deepEqual(paid(`payout_${id}`).map((x) => [x.destinationId, x.amountMinor]), [[winner, 3000]]);
    }

    const detail = await (await t.request(`/api/seasons/${season.id}`)).json();
    assert.equal(detail.season.status, "COMPLETED");
    assert.deepEqual(detail.rounds.map((r: { status: string }) => r.status), ["COMPLETED", "COMPLETED", "COMPLETED"]);
    assert.deepEqual(
      detail.standings[0].rows.map((r: { displayName: string; points: number; prize?: string }) => [r.points, r.prize]),
      [[68, "30.00"], [61, "20.00"]],
    );
  },
});

Deno.test("seasons - bad input is refused with 400 naming the field", async () => {
  await using t = await createTestApp();
  const refused = async (body: unknown) => {
    const res = await t.request("/api/seasons", { method: "POST", userId: CREATOR, json: body });
    assert.equal(res.status, 400);
    return (await res.json()).issues.map((issue: { path: string }) => issue.path);
  };
  assert.deepEqual(await refused({ ...SEASON_INPUT, rounds: 53 }), ["rounds"]);
  assert.deepEqual(await refused({ ...SEASON_INPUT, roundHours: 30 }), ["roundHours"]);
  assert.deepEqual(await refused({ ...SEASON_INPUT, points: [10, 20] }), ["points.1"]);
  assert.deepEqual(await refused({ ...SEASON_INPUT, template: { currency: "USD", prize: "0" } }), ["template.prize"]);
  assert.deepEqual(await refused({ ...SEASON_INPUT, template: { ...SEASON_INPUT.template, privacy: "secret" } }), [
    "template.privacy",
  ]);
  const divided = (divisions: unknown[]) => ({ ...SEASON_INPUT, template: { currency: "USD", divisions } });
  assert.deepEqual(
    await refused(divided([
      { name: "Small", upTo: "500.00", prize: "10.00" },
      { name: "Medium", upTo: "100.00", prize: "10.00" },
      { name: "Large", prize: "10.00" },
    ])),
    ["template.divisions.1.upTo"],
    "unordered upTo",
  );
  assert.deepEqual(
    await refused(divided([
      { name: "Small", upTo: "100.00", prize: "10.00" },
      { name: "Same", upTo: "100.00", prize: "10.00" },
      { name: "Large", prize: "10.00" },
    ])),
    ["template.divisions.1.upTo"],
    "overlapping upTo",
  );
  assert.deepEqual(
    await refused(divided([{ name: "Small", upTo: "100.00" }, { name: "Large", prize: "10.00" }])),
    ["template.divisions.0.prize"],
    "a division without a prize",
  );
  assert.equal((await t.request("/api/seasons", { method: "POST", json: SEASON_INPUT })).status, 401);
});
