import assert from "node:assert/strict";
import type { LeaderboardRow } from "../competitions/participants.ts";
import { computeStandings, decideSeasonPlaces, type RoundResult, scoreRound } from "./standings.ts";

const POINTS = [25, 18, 15];

function row(userId: string, reachedAt: string): LeaderboardRow {
  return {
    id: `p_${userId}_${reachedAt}`,
    userId,
    displayName: userId,
    shop: `${userId}.myshopify.com`,
    revenue: 100,
    orders: 1,
    reachedAt,
    connection: "connected",
  };
}

function round(n: number, users: [string, string][], division?: number): RoundResult {
  const rows = users.map(([userId, at]) => row(userId, at));
  return scoreRound(n, `cmp_${n}`, [{ division, rows }], POINTS, Date.parse("2027-01-10T00:00:00Z"));
}

Deno.test("standings - points per place; ties to more first places, then to the earlier reach", () => {
  const results = [
    // Round 1: a 1st, b 2nd, c 3rd, d beyond the points (no entry).
    round(1, [["a", "2027-01-01T10:00:00Z"], ["b", "2027-01-01T11:00:00Z"], ["c", "2027-01-01T12:00:00Z"], [
      "d",
      "2027-01-01T13:00:00Z",
    ]]),
    // Round 2: b 1st, c 2nd, a 3rd.
    round(2, [["b", "2027-01-02T09:00:00Z"], ["c", "2027-01-02T10:00:00Z"], ["a", "2027-01-02T08:00:00Z"]]),
    // Round 3: c 1st, a 2nd, b 3rd.
    round(3, [["c", "2027-01-03T07:00:00Z"], ["a", "2027-01-03T09:00:00Z"], ["b", "2027-01-03T08:00:00Z"]]),
  ];
  assert.deepEqual(results[0].entries.map((e) => [e.userId, e.place, e.points]), [["a", 1, 25], ["b", 2, 18], [
    "c",
    3,
    15,
  ]]);
  const [table] = computeStandings(results);
  // a: 25+15+18 = 58, b: 18+25+15 = 58, c: 15+18+25 = 58; one first each. Reach: all in round 3;
  // within it c reached its figure at 07:00, b at 08:00, a at 09:00.
  assert.deepEqual(table.map((r) => [r.position, r.userId, r.points, r.firsts, r.reachedRound]), [
    [1, "c", 58, 1, 3],
    [2, "b", 58, 1, 3],
    [3, "a", 58, 1, 3],
  ]);
  // More first places win a tie on points, before the reach: points 3, 2, 1.
  const scored = (n: number, users: [string, string][]) =>
    scoreRound(n, `cmp_${n}`, [{ rows: users.map(([u, at]) => row(u, at)) }], [3, 2, 1], 0);
  const firsts = computeStandings([
    scored(1, [["a", "2027-01-01T10:00:00Z"], ["b", "2027-01-01T11:00:00Z"]]),
    // b reaches its 4 points at 08:00 on day 2, a only at 09:00: the reach alone would put b first.
    scored(2, [["c", "2027-01-02T07:00:00Z"], ["b", "2027-01-02T08:00:00Z"], ["a", "2027-01-02T09:00:00Z"]]),
  ])[0];
  assert.deepEqual(firsts.map((r) => [r.userId, r.points, r.firsts]), [["a", 4, 1], ["b", 4, 0], ["c", 3, 1]]);
  // Equal points and firsts: the earlier round decides.
  const early = computeStandings([
    round(1, [["a", "2027-01-01T10:00:00Z"], ["b", "2027-01-01T11:00:00Z"]]),
    round(2, [["b", "2027-01-02T10:00:00Z"], ["c", "2027-01-02T11:00:00Z"]]),
    round(3, [["c", "2027-01-03T10:00:00Z"]]),
  ])[0];
  // a 25 (round 1), b 18+25 = 43, c 18+25 = 43 (reached in round 3, after b's round 2).
  assert.deepEqual(early.map((r) => [r.userId, r.points]), [["b", 43], ["c", 43], ["a", 25]]);
});

Deno.test("standings - one table per division; the season prize split per table, unearned places returned", () => {
  const results = [
    round(1, [["a", "2027-01-01T10:00:00Z"], ["b", "2027-01-01T11:00:00Z"]], 1),
    round(1, [["c", "2027-01-01T10:00:00Z"]], 2),
  ];
  const standings = computeStandings([{ ...results[0], entries: [...results[0].entries, ...results[1].entries] }]);
  assert.deepEqual(standings.map((table) => table.map((r) => [r.division, r.userId])), [[[1, "a"], [1, "b"]], [[
    2,
    "c",
  ]]]);
  const decided = decideSeasonPlaces({ seasonPrize: 10_001, seasonPrizeSplit: [60, 40] }, standings, [1, 2]);
  assert.deepEqual(decided.places.map((p) => [p.division, p.place, p.userId, p.amount]), [
    [1, 1, "a", 6_001],
    [1, 2, "b", 4_000],
    [2, 1, "c", 6_001],
  ]);
  assert.equal(decided.unearned, 4_000, "division 2's 2nd place nobody earned");
  assert.deepEqual(decideSeasonPlaces({ seasonPrize: 0, seasonPrizeSplit: [100] }, standings, [1, 2]), {
    places: [],
    unearned: 0,
  });
});
