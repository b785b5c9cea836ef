/**
 * Cancelling a season, against the simulated Whop: before round 1 starts the
 * whole payment is refunded, once; after it started, the rounds not yet
 * started are called off (the one already made for the next slot cancelled
 * with them) and exactly their prizes are refunded from the season's
 * payment, once, however often the cancel, the job and the refund run. The
 * season then ends after its last played round, its season prize paid on
 * the standings of the rounds played.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { runSeasonJob } from "../cron/season_job.ts";
import { getSeason } from "../lib/seasons/seasons.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { getRefund, processRefund } from "../lib/whop/refunds.ts";
import type { WhopDeps } from "../lib/whop/deps.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const DAY = 86_400_000;
const START = Date.parse("2026-12-02T00:00:00Z");

async function fundedSeason(t: TestApp, rounds: number): Promise<{ id: string; paymentId: string }> {
  const res = await t.request("/api/seasons", {
    method: "POST",
    userId: CREATOR,
    json: {
      title: "Cancelled League",
      rounds,
      every: "day",
      startDate: new Date(START).toISOString(),
      template: { currency: "USD", prize: "30.00" },
      seasonPrize: "50.00",
    },
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { id } = (await res.json()).season;
  const { checkoutUrl } = await (await t.request(`/api/seasons/${id}/fund`, { method: "POST", userId: CREATOR }))
    .json();
  const payment = await t.whop!.pay(new URL(checkoutUrl).pathname.split("/").pop()!, { userId: CREATOR });
  assert.equal((await getSeason(t.kv, id)).status, "UPCOMING");
  return { id, paymentId: payment.id };
}

function whopDeps(t: TestApp): WhopDeps {
  return { kv: t.kv, config: t.config, now: t.clock.now, whop: t.deps.whop };
}

/** The succeeded refunds of a payment, as Whop reports them: [amount, status]. */
async function refundsOf(t: TestApp, paymentId: string): Promise<[number, string][]> {
  const payment = await t.deps.whop!.payments.retrieve(paymentId);
  return payment.refunds.map((refund) => [refund.amount, refund.status]);
}

async function cancel(t: TestApp, id: string): Promise<Response> {
  return await t.request(`/api/seasons/${id}/cancel`, { method: "POST", userId: CREATOR });
}

Deno.test("season cancel - a cancelled future round is refunded once: exactly the rounds not played", async () => {
  await using t = await createTestApp({}, { whop: true });
  const { id, paymentId } = await fundedSeason(t, 4);
  // Round 1 starts; round 2 is made for its slot a day ahead.
  t.clock.ms = START + 60_000;
  await runStatusJob(t.deps.lifecycle);
  await runSeasonJob(t.deps.lifecycle);
  let season = await getSeason(t.kv, id);
  assert.equal(season.status, "ACTIVE");
  const [round1, round2] = season.roundIds;
  assert.equal((await getCompetition(t.kv, round2)).status, "UPCOMING");

  // A round is cancelled only with its season: its own cancel refuses, naming the season's page.
  const alone = await t.request(`/api/competitions/${round2}/cancel`, { method: "POST", userId: CREATOR });
  assert.equal(alone.status, 409);
  assert.match((await alone.json()).error, /round of a season/);
  // Only its creator may cancel.
  assert.equal(
    (await t.request(`/api/seasons/${id}/cancel`, { method: "POST", userId: "user_OwnerCaraT8w3n" })).status,
    403,
  );
  const first = await cancel(t, id);
  assert.equal(first.status, 200, await first.clone().text());
  assert.deepEqual((await first.json()).refund, { state: "pending" });
  season = await getSeason(t.kv, id);
  assert.equal(season.cancelledFromRound, 2);
  assert.equal((await getCompetition(t.kv, round2)).status, "CANCELLED", "the round made ahead is cancelled with it");
  assert.equal((await getCompetition(t.kv, round1)).status, "ACTIVE", "the round racing now plays on");
  // Nothing is left to cancel.
  assert.equal((await cancel(t, id)).status, 409);

  // The refund: rounds 2 to 4, 3 × $30, however often it is asked for and run.
  const refund = await getRefund(t.kv, { kind: "season", seasonId: id });
  assert.deepEqual([refund?.amount, refund?.partial, refund?.reason], [9000, true, "rounds_cancelled"]);
  await runSeasonJob(t.deps.lifecycle);
  await runSeasonJob(t.deps.lifecycle);
  await Promise.all([
    processRefund(whopDeps(t), { kind: "season", seasonId: id }),
    processRefund(whopDeps(t), { kind: "season", seasonId: id }),
  ]);
  await processRefund(whopDeps(t), { kind: "season", seasonId: id });
  assert.deepEqual(await refundsOf(t, paymentId), [[90, "succeeded"]]);
  assert.equal((await getRefund(t.kv, { kind: "season", seasonId: id }))?.state, "sent");

  // No more rounds are made; the season ends after round 1.
  t.clock.ms = START + DAY + 60_000;
  await runStatusJob(t.deps.lifecycle);
  await runSeasonJob(t.deps.lifecycle);
  season = await getSeason(t.kv, id);
  assert.equal(season.roundIds.length, 2);
  assert.equal(season.status, "COMPLETED");
  const detail = await (await t.request(`/api/seasons/${id}`)).json();
  assert.deepEqual(detail.rounds.map((r: { status: string }) => r.status), [
    "COMPLETED",
    "CANCELLED",
    "CANCELLED",
    "CANCELLED",
  ]);
});

Deno.test("season cancel - before round 1 starts the whole season is cancelled and its payment refunded in full, once", async () => {
  await using t = await createTestApp({}, { whop: true });
  const { id, paymentId } = await fundedSeason(t, 3);
  const [round1] = (await getSeason(t.kv, id)).roundIds;
  assert.equal((await cancel(t, id)).status, 200);
  assert.equal((await getSeason(t.kv, id)).status, "CANCELLED");
  assert.equal((await getCompetition(t.kv, round1)).status, "CANCELLED");
  assert.equal((await cancel(t, id)).status, 409);
  await runSeasonJob(t.deps.lifecycle);
  await processRefund(whopDeps(t), { kind: "season", seasonId: id });
  await processRefund(whopDeps(t), { kind: "season", seasonId: id });
  const payment = await t.deps.whop!.payments.retrieve(paymentId);
  assert.deepEqual(payment.refunds.map((r) => [r.amount, r.status]), [[payment.total, "succeeded"]]);
  // A funded season cancelled stays readable (it was public), never private again.
  assert.equal((await t.request(`/api/seasons/${id}`)).status, 200);
});
