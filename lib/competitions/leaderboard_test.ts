import assert from "node:assert/strict";
import { decidePlaces, rankRows, readLeaderboard, toEntries } from "./leaderboard.ts";
import { activeCompetition } from "../../testing/fixtures.ts";
import { recordOrder } from "./revenue.ts";
import { setGrowthBaseline } from "./participants.ts";
import { readRaceLines } from "./race_series.ts";
import type { LeaderboardRow } from "./participants.ts";
import { createCompetition } from "./competitions.ts";
import { createParticipant } from "./participants.ts";
import { keys } from "../core/db.ts";

function row(id: string, revenue: number, reachedAt = "2026-12-02T00:00:00.000Z"): LeaderboardRow {
  return {
    id,
    userId: `u_${id}`,
    displayName: id,
    shop: `${id}.myshopify.com`,
    revenue,
    orders: 1,
    reachedAt,
    connection: "connected",
  };
}

Deno.test("leaderboard - equal totals share a rank and the next rank skips", () => {
  const ranked = rankRows([row("a", 900), row("b", 900), row("c", 700), row("d", 700), row("e", 700), row("f", 0)]);
  assert.deepEqual(ranked.map((r) => r.rank), [1, 1, 3, 3, 3, 6]);
  assert.deepEqual(rankRows([]), []);
});

Deno.test("leaderboard - entries carry revenue as decimal strings", () => {
  const [entry] = toEntries(rankRows([row("a", 123450)]), { currency: "USD", prize: 1000 });
  assert.equal(entry.revenue, "1234.50");
  assert.equal(entry.value, "1234.50", "ranked by revenue, the value is the revenue");
  assert.equal(entry.prize, "10.00", "the leader holds the whole prize as things stand");
  assert.equal(entry.participantId, "a");
  assert.equal(entry.currency, "USD");
  assert.equal(toEntries(rankRows([row("a", 1000)]), { currency: "JPY", prize: 1000 })[0].revenue, "1000");
});

Deno.test("leaderboard - the winner is the top revenue, then who reached it first", async () => {
  using kv = await Deno.openKv(":memory:");
  const now = Date.parse("2026-12-01T12:00:00Z");
  const competition = await createCompetition(kv, "creator", {
    title: "Cup",
    prize: "10",
    currency: "USD",
    startDate: "2026-12-02T00:00:00Z",
    endDate: "2026-12-03T00:00:00Z",
  }, { now, minDurationS: 60 });
  assert.deepEqual(await decidePlaces(kv, competition, now), { places: [], unearned: 1000 }, "no participants");
  const rows = [
    row("late", 900, "2026-12-02T05:00:00.000Z"),
    row("early", 900, "2026-12-02T03:00:00.000Z"),
    row("low", 100),
  ];
  for (const r of rows) {
    await kv.set(keys.leaderboardRow(competition.id, [-r.revenue], Date.parse(r.reachedAt), r.id), r);
  }
  const [winner] = (await decidePlaces(kv, competition, now)).places;
  assert.equal(winner?.participantId, "early");
  assert.equal(winner?.revenue, 900);
});

Deno.test("leaderboard - nobody wins when nobody sold anything", async () => {
  using kv = await Deno.openKv(":memory:");
  const now = Date.parse("2026-12-01T12:00:00Z");
  const competition = await createCompetition(kv, "creator", {
    title: "Cup",
    prize: "10",
    currency: "USD",
    startDate: "2026-12-02T00:00:00Z",
    endDate: "2026-12-03T00:00:00Z",
  }, { now, minDurationS: 60 });
  await kv.set(keys.competition(competition.id), { ...competition, status: "ACTIVE" });
  await createParticipant(kv, competition.id, {
    userId: "u",
    shop: "s.myshopify.com",
    displayName: "S",
    currency: "USD",
  }, Date.parse("2026-12-02T01:00:00Z"));
  assert.deepEqual(await decidePlaces(kv, competition, now), { places: [], unearned: 1000 });
});

Deno.test("leaderboard - growth: $1,000 → $1,500 beats $10,000 → $12,000; stores without a baseline rank after, by revenue", async () => {
  using kv = await Deno.openKv(":memory:");
  const start = Date.parse("2026-12-02T00:00:00Z");
  const { competition, participants } = await activeCompetition(kv, {
    start,
    stores: 4,
    metric: "growth",
    growthMinBaseline: "100.00",
    prize: "1000.00",
    prizeSplit: [50, 30, 20],
  });
  const [small, big, none, tiny] = participants;
  const sale = (id: string, amount: number, minute: number) =>
    recordOrder(kv, id, {
      orderId: `${id}-1`,
      createdAt: new Date(start + minute * 60_000).toISOString(),
      updatedAt: new Date(start + minute * 60_000).toISOString(),
      amount,
      currency: "USD",
      test: false,
      cancelled: false,
    }, start + minute * 60_000);
  await sale(small.id, 150_000, 1);
  await sale(big.id, 1_200_000, 2);
  await sale(none.id, 5_000_000, 3);
  await sale(tiny.id, 2_000_000, 4);
  await setGrowthBaseline(kv, small.id, 100_000, start);
  await setGrowthBaseline(kv, big.id, 1_000_000, start);
  await setGrowthBaseline(kv, tiny.id, 5_000, start); // $50: below the $100 minimum
  // `none`'s baseline was never read (null): ranked with those below the minimum.

  const rows = await readLeaderboard(kv, competition.id);
  assert.deepEqual(rows.map((r) => r.id), [small.id, big.id, none.id, tiny.id]);
  assert.deepEqual(rows.map((r) => r.rank), [1, 2, 3, 4]);
  const entries = toEntries(rows, { ...competition, prize: 100_000 });
  assert.deepEqual(entries.map((e) => e.value), ["+50%", "+20%", "below baseline", "below baseline"]);
  assert.deepEqual(entries.map((e) => e.revenue), ["1500.00", "12000.00", "50000.00", "20000.00"], "revenue beside");
  assert.deepEqual(entries.map((e) => e.prize), ["500.00", "300.00", "200.00", undefined]);
  const { places } = await decidePlaces(kv, competition, start);
  assert.deepEqual(places.map((p) => [p.participantId, p.value]), [
    [small.id, "+50%"],
    [big.id, "+20%"],
    [none.id, "below baseline"],
  ]);
  const lines = await readRaceLines(kv, competition, entries, start + 5 * 60_000);
  assert.deepEqual(
    lines.map((line) => [line.participantId, line.baseline, line.points.at(-1)?.[1]]),
    [[small.id, 1000, 150], [big.id, 10000, 120]],
    "the race chart plots revenue as a percentage of the baseline; stores without one have no line",
  );
  const again = await setGrowthBaseline(kv, small.id, 1, start);
  assert.deepEqual(again.ranking, { metric: "growth", baseline: 100_000, minBaseline: 10_000 }, "set once");
});

Deno.test("leaderboard - orders: ranked by the number of counted orders, the value is the count", async () => {
  using kv = await Deno.openKv(":memory:");
  const start = Date.parse("2026-12-02T00:00:00Z");
  const { competition, participants } = await activeCompetition(kv, { start, stores: 2, metric: "orders" });
  const order = (id: string, n: number, amount: number) =>
    recordOrder(kv, id, {
      orderId: `${id}-${n}`,
      createdAt: new Date(start + n * 60_000).toISOString(),
      updatedAt: new Date(start + n * 60_000).toISOString(),
      amount,
      currency: "USD",
      test: false,
      cancelled: false,
    }, start + n * 60_000);
  await order(participants[0].id, 1, 900_000);
  for (let n = 1; n <= 3; n++) await order(participants[1].id, n, 1_000);
  const entries = toEntries(await readLeaderboard(kv, competition.id), competition);
  assert.deepEqual(entries.map((e) => [e.participantId, e.value]), [[participants[1].id, "3"], [
    participants[0].id,
    "1",
  ]]);
  const [line] = await readRaceLines(kv, competition, entries, start + 5 * 60_000);
  assert.deepEqual(line.points.map(([at, count]) => [at - start, count]), [[60_000, 1], [120_000, 2], [180_000, 3]]);
});
