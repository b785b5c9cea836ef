import assert from "node:assert/strict";
import { decidePlaces, rankRows, toEntries } from "./leaderboard.ts";
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
