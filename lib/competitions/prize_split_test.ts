import assert from "node:assert/strict";
import { describeSplit, placeAmounts, splitPrize } from "./prize_split.ts";
import { rankRows } from "./leaderboard.ts";
import type { LeaderboardRow } from "./participants.ts";

const sum = (amounts: number[]) => amounts.reduce((total, amount) => total + amount, 0);

/** Even-ish splits of 100 into n whole percentages, the remainder to the first places. */
function evenSplit(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(100 / n) + (i < 100 % n ? 1 : 0));
}

Deno.test("prize split - every number of places from 1 to 10 adds up to the prize exactly, odd cents to 1st", () => {
  for (let n = 1; n <= 10; n++) {
    const split = evenSplit(n);
    for (const prize of [1, 99, 100, 12_345, 50_001, 99_999_999]) {
      const amounts = placeAmounts(prize, split);
      assert.equal(amounts.length, n);
      assert.equal(sum(amounts), prize, `${n} places, prize ${prize}`);
      const floors = split.map((percent) => Math.floor((prize * percent) / 100));
      assert.deepEqual(amounts.slice(1), floors.slice(1), "places after 1st get exactly their rounded-down share");
      assert.ok(amounts[0] - floors[0] < n, "1st gets at most the lost cents");
    }
  }
  assert.deepEqual(placeAmounts(50_001, [60, 30, 10]), [30_001, 15_000, 5_000]);
  assert.deepEqual(placeAmounts(100, [34, 33, 33]), [34, 33, 33]);
  assert.deepEqual(placeAmounts(1, [34, 33, 33]), [1, 0, 0]);
  assert.equal(describeSplit(50_000, [60, 30, 10], "USD"), "1st $300.00, 2nd $150.00, 3rd $50.00");
});

function row(id: string, revenue: number, reachedAt: string, orders = 1): LeaderboardRow {
  return {
    id,
    userId: `u_${id}`,
    displayName: id,
    shop: `${id}.myshopify.com`,
    revenue,
    orders,
    reachedAt,
    connection: "connected",
  };
}

/** Rows in index order: value descending, then who reached it first. */
function ordered(rows: LeaderboardRow[]): LeaderboardRow[] {
  return [...rows].sort((a, b) => b.revenue - a.revenue || Date.parse(a.reachedAt) - Date.parse(b.reachedAt));
}

Deno.test("prize split - equal values at every boundary: who reached the value first takes the higher place", () => {
  const t = (minute: number) => new Date(Date.UTC(2026, 11, 2, 0, minute)).toISOString();
  // Two equal for 1st of 3 places.
  let ranked = rankRows(ordered([row("b", 900, t(5)), row("a", 900, t(3)), row("c", 100, t(1))]));
  assert.deepEqual(ranked.map((r) => r.rank), [1, 1, 3], "the board shows a shared rank");
  let split = splitPrize(10_001, [50, 30, 20], ranked);
  assert.deepEqual(split.places.map((p) => [p.participant?.id, p.amount]), [["a", 5_001], ["b", 3_000], ["c", 2_000]]);
  assert.equal(split.unearned, 0);
  // Three equal for 2nd (and 3rd, 4th).
  ranked = rankRows(ordered([
    row("top", 5_000, t(9)),
    row("y", 700, t(4)),
    row("x", 700, t(2)),
    row("z", 700, t(6)),
  ]));
  assert.deepEqual(ranked.map((r) => r.rank), [1, 2, 2, 2]);
  split = splitPrize(9_999, [40, 30, 20, 10], ranked);
  assert.deepEqual(split.places.map((p) => p.participant?.id), ["top", "x", "y", "z"]);
  assert.equal(sum(split.places.map((p) => p.amount)), 9_999);
  // All equal.
  ranked = rankRows(ordered([row("p", 300, t(8)), row("q", 300, t(1)), row("r", 300, t(4))]));
  split = splitPrize(1_000, [60, 30, 10], ranked);
  assert.deepEqual(split.places.map((p) => [p.participant?.id, p.amount]), [["q", 600], ["r", 300], ["p", 100]]);
});

Deno.test("prize split - places nobody earned go back to the creator; paid plus unearned is the prize", () => {
  for (let n = 1; n <= 10; n++) {
    const split = evenSplit(n);
    for (let stores = 0; stores <= n + 1; stores++) {
      const ranked = Array.from({ length: stores }, (_, i) => `s${i}`);
      const result = splitPrize(77_777, split, ranked);
      const paid = result.places.filter((p) => p.participant !== null);
      assert.equal(paid.length, Math.min(stores, n));
      assert.deepEqual(paid.map((p) => p.participant), ranked.slice(0, n), "places follow the ranking");
      assert.equal(sum(paid.map((p) => p.amount)) + result.unearned, 77_777, `${n} places, ${stores} stores`);
      if (stores >= n) assert.equal(result.unearned, 0);
    }
  }
  assert.deepEqual(splitPrize(50_000, [60, 30, 10], ["a"]).unearned, 20_000);
  assert.deepEqual(splitPrize(50_000, [60, 30, 10], []).unearned, 50_000);
});
