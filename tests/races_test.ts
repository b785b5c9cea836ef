/**
 * The read-check-then-write shape, raced: wherever a check guards a write
 * (the results are frozen, the competition is open, it has not started), the
 * check runs inside the atomic commit that writes, on the values committed,
 * so whichever of two writers lands first, the other sees it. Each test runs
 * 50 races with the two sides started a random moment apart:
 *
 * - settlement against a store's late growth baseline: the places are the
 *   board as frozen, and the board does not move after (this one failed
 *   before: a participant update moved a frozen store's standing);
 * - settlement against a disqualification, and against the creator's
 *   decision on a held order: either lands before the results freeze and
 *   the places follow it, or is refused as final; never a place for a
 *   disqualified store, never places that disagree with the board;
 * - joining against cancelling: a store is in the count exactly when it is
 *   in the list, and no store joins a cancelled competition;
 * - cancelling against the start: cancelled with its prize refund requested,
 *   or started with none, never a mix;
 * - two settlements at once: one payout record per place.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { activeCompetition, type ActiveCompetitionOptions } from "../testing/fixtures.ts";
import { orderAt } from "../testing/orders.ts";
import { draftCompetition, HOUR } from "../testing/page_fixtures.ts";
import { type Competition, getCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { CannotJoinError } from "../lib/competitions/join_rules.ts";
import {
  createParticipant,
  listParticipants,
  type Participant,
  updateParticipant,
} from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { readLeaderboard } from "../lib/competitions/leaderboard.ts";
import { settleCompetition } from "../lib/competitions/settlement.ts";
import { setDisqualification } from "../lib/competitions/disqualification.ts";
import { decideFlag } from "../lib/competitions/flags.ts";
import { ConflictError } from "../lib/core/errors.ts";
import { cancelAndRefund, getRefund } from "../lib/whop/refunds.ts";
import { listPayouts } from "../lib/whop/payouts.ts";
import { runStatusJob } from "../cron/status_job.ts";

const RACES = 50;
const DAY = 24 * HOUR;

/**
 * Runs `a` and `b` together: with `spreadMs`, `b` starts a random 0 to
 * `spreadMs` ms after `a` (along a slow `a`); without, either may start first,
 * up to 2 ms apart. Settles with both outcomes.
 */
function race<A, B>(a: () => Promise<A>, b: () => Promise<B>, spreadMs?: number) {
  const lag = () => new Promise((resolve) => setTimeout(resolve, Math.random() * (spreadMs ?? 2)));
  const bFirst = spreadMs === undefined && Math.random() < 0.5;
  return Promise.allSettled([
    (bFirst ? lag() : Promise.resolve()).then(a),
    (bFirst ? Promise.resolve() : lag()).then(b),
  ]) as Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]>;
}

/** How long a settlement of these races takes here, ms: the other side lands anywhere along it. */
const SETTLEMENT_MS = 12;

/** A running two-store competition (at `t`'s clock minus an hour) whose end is passed once the clock moves a day. */
async function runningRace(t: TestApp, options: Partial<ActiveCompetitionOptions> = {}) {
  const start = t.clock.ms - HOUR;
  const made = await activeCompetition(t.kv, {
    start,
    durationMs: 2 * HOUR,
    stores: 2,
    prizeSplit: [70, 30],
    ...options,
  });
  return { ...made, at: start + 30 * 60_000 };
}

/** The ids of the places decided, and of the board's leading stores, in order. */
async function placesAndBoard(t: TestApp, competition: Competition) {
  const decided = await getCompetition(t.kv, competition.id);
  const board = await readLeaderboard(t.kv, competition.id);
  return {
    decided,
    places: (decided.places ?? []).map((place) => place.participantId),
    board: board.filter((row) => row.orders > 0 && row.revenue > 0).slice(0, 2).map((row) => row.id),
  };
}

/** Moves the clock past the end, so the next settlement completes. */
function afterTheEnd(t: TestApp, competition: Competition) {
  t.clock.ms = Date.parse(competition.endDate) + 1000;
}

Deno.test("races - settlement against a late growth baseline: the places are the board as frozen, and it stays so", async () => {
  await using t = await createTestApp();
  let late = 0;
  for (let i = 0; i < RACES; i++) {
    const { competition, participants: [a, b], at } = await runningRace(t, {
      metric: "growth",
      growthMinBaseline: "1",
    });
    // A's baseline was read at its join; B's is read late and would rank it first.
    await baseline(t, a, 100_00);
    await recordOrder(t.kv, a.id, orderAt(at, `a${i}`, 200_00), at);
    await recordOrder(t.kv, b.id, orderAt(at, `b${i}`, 150_00), at);
    afterTheEnd(t, competition);
    await race(() => settleCompetition(t.deps.lifecycle, competition.id), () => baseline(t, b, 10_00), SETTLEMENT_MS);
    const { decided, places, board } = await placesAndBoard(t, competition);
    assert.equal(decided.status, "COMPLETED");
    assert.deepEqual(places, board, `race ${i}: the places are the board`);
    // After the results froze the baseline no longer moves the store.
    await baseline(t, b, 10_00);
    assert.deepEqual((await placesAndBoard(t, competition)).board, board, `race ${i}: the board stays frozen`);
    if (places[0] === a.id) late++;
  }
  console.log(`${late} of ${RACES} baselines landed after the results froze`);
  t.clock.ms = Date.now();
});

/** Records `id`'s growth baseline if it has none yet (what the store's history read does). */
function baseline(t: TestApp, store: Participant, cents: number) {
  return updateParticipant(
    t.kv,
    store.id,
    t.clock.ms,
    "leaderboard",
    (current) =>
      current.ranking?.metric === "growth" && current.ranking.baseline === null
        ? { ...current, ranking: { ...current.ranking, baseline: cents } }
        : null,
  );
}

/**
 * Races a fresh two-store competition's settlement (A leads B) against
 * `write` on it, `orders` recorded first; checks that the places are the
 * board, and returns them with whether `write` landed (or why not).
 */
async function againstSettlement(
  t: TestApp,
  i: number,
  orders: (stores: Participant[], at: number) => Promise<unknown>,
  write: (competition: Competition, stores: Participant[]) => Promise<unknown>,
) {
  const { competition, participants, at } = await runningRace(t);
  await orders(participants, at);
  afterTheEnd(t, competition);
  const [, landed] = await race(
    () => settleCompetition(t.deps.lifecycle, competition.id),
    () => write(competition, participants),
    SETTLEMENT_MS,
  );
  const { places, board } = await placesAndBoard(t, competition);
  assert.deepEqual(places, board, `race ${i}: the places are the board`);
  return { places, stores: participants, refused: landed.status === "rejected" ? landed.reason : undefined };
}

Deno.test("races - settlement against a disqualification: never a place for a disqualified store", async () => {
  await using t = await createTestApp();
  const outcomes = { disqualified: 0, refused: 0 };
  for (let i = 0; i < RACES; i++) {
    const { places, stores: [a], refused } = await againstSettlement(
      t,
      i,
      ([a, b], at) =>
        Promise.all([
          recordOrder(t.kv, a.id, orderAt(at, `a${i}`, 300_00), at),
          recordOrder(t.kv, b.id, orderAt(at, `b${i}`, 100_00), at),
        ]),
      (competition, [a]) =>
        setDisqualification(t.kv, {
          competitionId: competition.id,
          participantId: a.id,
          userId: "creator",
          action: "disqualified",
          reason: "Test orders",
          now: t.clock.ms,
        }),
    );
    if (refused === undefined) {
      outcomes.disqualified++;
      assert.ok(!places.includes(a.id), `race ${i}: the disqualified store takes no place`);
    } else {
      outcomes.refused++;
      assert.ok(refused instanceof ConflictError && /final/.test(refused.message), String(refused));
      assert.equal(places[0], a.id);
    }
  }
  console.log(`disqualification vs settlement: ${JSON.stringify(outcomes)}`);
  t.clock.ms = Date.now();
});

Deno.test("races - settlement against the creator's decision on a held order: the places follow the board it froze", async () => {
  await using t = await createTestApp();
  const outcomes = { counted: 0, final: 0 };
  for (let i = 0; i < RACES; i++) {
    const { places, stores: [a, b], refused } = await againstSettlement(
      t,
      i,
      // B's manual order is held: counted, it makes B the leader.
      ([a, b], at) =>
        Promise.all([
          recordOrder(t.kv, a.id, orderAt(at, `a${i}`, 200_00), at),
          recordOrder(t.kv, b.id, orderAt(at, `b${i}`, 100_00), at),
          recordOrder(t.kv, b.id, orderAt(at, `m${i}`, 500_00, 0, { manual: true }), at),
        ]),
      (competition, [, b]) =>
        decideFlag(t.kv, {
          competitionId: competition.id,
          flagId: `${b.id}.m${i}`,
          userId: "creator",
          isOperator: false,
          body: { decision: "count" },
          now: t.clock.ms,
        }),
    );
    if (refused === undefined) {
      outcomes.counted++;
      assert.equal(places[0], b.id);
    } else {
      outcomes.final++;
      assert.match(String(refused), /final/);
      assert.equal(places[0], a.id);
    }
  }
  console.log(`decision vs settlement: ${JSON.stringify(outcomes)}`);
  t.clock.ms = Date.now();
});

Deno.test("races - joining against cancelling: in the count exactly when in the list, and nobody joins a cancelled one", async () => {
  await using t = await createTestApp();
  const outcomes = { joined: 0, refused: 0 };
  for (let i = 0; i < RACES; i++) {
    const draft = await draftCompetition(t, "creator");
    await updateCompetition(t.kv, draft.id, t.clock.ms, "status", (c) => ({ ...c, status: "UPCOMING" }));
    const [, joined] = await race(
      () => cancelAndRefund(t.deps, draft.id, "creator"),
      () =>
        createParticipant(t.kv, draft.id, {
          userId: `owner_${i}`,
          shop: `store-${i}.myshopify.com`,
          displayName: "Store",
          currency: "USD",
        }, t.clock.ms),
    );
    const competition = await getCompetition(t.kv, draft.id);
    const stores = await listParticipants(t.kv, draft.id);
    assert.equal(competition.status, "CANCELLED");
    assert.equal(competition.participantCount, stores.length, `race ${i}`);
    if (joined.status === "fulfilled") outcomes.joined++;
    else {
      outcomes.refused++;
      assert.ok(joined.reason instanceof CannotJoinError && joined.reason.code === "cancelled", String(joined.reason));
      assert.equal(stores.length, 0);
    }
  }
  console.log(`join vs cancel: ${JSON.stringify(outcomes)}`);
});

Deno.test("races - cancelling against the start: cancelled with its refund requested, or started with none", async () => {
  await using t = await createTestApp();
  const outcomes = { cancelled: 0, started: 0 };
  for (let i = 0; i < RACES; i++) {
    const draft = await draftCompetition(t, "creator");
    await updateCompetition(t.kv, draft.id, t.clock.ms, "status", (c) => ({
      ...c,
      status: "UPCOMING",
      fundsTxId: `pay_${i}`,
    }));
    const start = Date.parse(draft.startDate);
    // The creator cancels a moment before the start while the status job starts it.
    await race(
      () => runStatusJob({ ...t.deps.lifecycle, now: () => start }),
      () => cancelAndRefund({ kv: t.kv, now: () => start - 1 }, draft.id, "creator"),
      8,
    );
    const competition = await getCompetition(t.kv, draft.id);
    const refund = await getRefund(t.kv, { kind: "prize", competitionId: draft.id });
    if (competition.status === "CANCELLED") {
      outcomes.cancelled++;
      assert.equal(refund?.reason, "cancelled", `race ${i}: a cancelled prize is refunded`);
    } else {
      outcomes.started++;
      assert.equal(competition.status, "ACTIVE");
      assert.equal(refund, null, `race ${i}: a started competition keeps its prize`);
    }
    t.clock.ms += DAY; // the next draft starts later than this one
  }
  console.log(`cancel vs start: ${JSON.stringify(outcomes)}`);
});

Deno.test("races - two settlements at once: one payout record per place", async () => {
  await using t = await createTestApp();
  for (let i = 0; i < RACES; i++) {
    const { competition, participants: [a, b], at } = await runningRace(t);
    await recordOrder(t.kv, a.id, orderAt(at, `a${i}`, 300_00), at);
    await recordOrder(t.kv, b.id, orderAt(at, `b${i}`, 100_00), at);
    afterTheEnd(t, competition);
    await race(
      () => settleCompetition(t.deps.lifecycle, competition.id),
      () => settleCompetition(t.deps.lifecycle, competition.id),
    );
    const done = await getCompetition(t.kv, competition.id);
    if (done.status !== "COMPLETED") await settleCompetition(t.deps.lifecycle, competition.id); // one was busy
    const payouts = await listPayouts(t.kv, competition.id);
    assert.deepEqual(payouts.map((payout) => [payout.place, payout.destinationUserId]), [[1, a.userId], [2, b.userId]]);
  }
});
