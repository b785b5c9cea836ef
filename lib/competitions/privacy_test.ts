import assert from "node:assert/strict";
import { boardFor, figureAccess, isPubliclyVisible, shareOf } from "./privacy.ts";
import type { LeaderboardEntry } from "./leaderboard.ts";

const entry = (rank: number, userId: string, revenue: string): LeaderboardEntry => ({
  rank,
  participantId: `p_${userId}`,
  userId,
  displayName: `Store ${userId}`,
  shop: `${userId}.myshopify.com`,
  value: revenue,
  revenue,
  currency: "USD",
  orders: 3,
  lastOrderAt: null,
  connected: true,
});

const entries = [entry(1, "a", "800.00"), entry(2, "b", "200.00"), entry(3, "c", "0.00")];

Deno.test("privacy - open boards are unchanged for everyone", () => {
  const open = { privacy: "open" as const, creatorId: "creator", status: "ACTIVE" as const };
  assert.equal(boardFor(open, entries, undefined), entries);
  assert.equal(boardFor({ creatorId: "creator", status: "ACTIVE" }, entries, "b"), entries, "open is the default");
  assert.equal(figureAccess(open, undefined), "all");
});

Deno.test("privacy - ranks: strangers get shares only, an owner its own figure, the creator all", () => {
  const ranks = { privacy: "ranks" as const, creatorId: "creator", status: "ACTIVE" as const };
  const stranger = boardFor(ranks, entries, undefined);
  assert.deepEqual(stranger.map((e) => [e.rank, e.share, e.revenue, e.orders]), [
    [1, 1, undefined, undefined],
    [2, 0.25, undefined, undefined],
    [3, 0, undefined, undefined],
  ]);
  assert.ok(stranger.every((e) => !("revenue" in e) && !("orders" in e)), "the fields are absent, not null");
  const owner = boardFor(ranks, entries, "b");
  assert.deepEqual(owner.map((e) => e.revenue), [undefined, "200.00", undefined]);
  const creator = boardFor(ranks, entries, "creator");
  assert.deepEqual(creator.map((e) => [e.revenue, e.share]), [["800.00", 1], ["200.00", 0.25], ["0.00", 0]]);
  const withValue = boardFor(ranks, [{ ...entries[0], value: "12" } as LeaderboardEntry], undefined);
  assert.ok(!("value" in withValue[0]), "a metric value is a figure too");
});

Deno.test("privacy - shares are bands of 5 % of the leader, 1 for the leader and those level with it", () => {
  assert.equal(shareOf(1, 3), 0.3);
  assert.equal(shareOf(749, 1000), 0.7);
  assert.equal(shareOf(750, 1000), 0.75);
  assert.equal(shareOf(999, 1000), 0.95);
  assert.equal(shareOf(5, 0), 0);
  assert.equal(shareOf(0, 5), 0);
  assert.equal(shareOf(7, 7), 1);
  for (let figure = 1; figure < 1000; figure += 7) {
    const share = shareOf(figure, 1000);
    assert.ok(Number.isInteger(Math.round(share * 100)) && Math.round(share * 100) % 5 === 0, `${figure}: ${share}`);
  }
});

Deno.test("privacy - ranks: others' timing is hidden while the race runs; held and excluded counts return at the end", () => {
  const counts = { counted: 3, held: 1, excluded: 2 };
  const timed = entries.map((e) => ({ ...e, lastOrderAt: "2026-12-02T01:00:00.000Z", orderCounts: counts }));
  for (const status of ["UPCOMING", "ACTIVE", "SETTLING"] as const) {
    const ranks = { privacy: "ranks" as const, creatorId: "creator", status };
    for (const viewer of [undefined, "b"]) {
      const others = boardFor(ranks, timed, viewer).filter((e) => e.userId !== viewer);
      assert.ok(others.every((e) => !("lastOrderAt" in e) && !("orderCounts" in e)), `${status}, ${viewer}`);
    }
    const own = boardFor(ranks, timed, "b").find((e) => e.userId === "b")!;
    assert.deepEqual([own.lastOrderAt, own.orderCounts], ["2026-12-02T01:00:00.000Z", counts], "an owner sees its own");
    assert.ok(boardFor(ranks, timed, "creator").every((e) => e.lastOrderAt && e.orderCounts), "the creator sees all");
  }
  const final = boardFor({ privacy: "ranks", creatorId: "creator", status: "COMPLETED" }, timed, undefined);
  assert.deepEqual(final.map((e) => [e.orderCounts, "lastOrderAt" in e]), [
    [{ held: 1, excluded: 2 }, false],
    [{ held: 1, excluded: 2 }, false],
    [{ held: 1, excluded: 2 }, false],
  ]);
});

Deno.test("privacy - who may read without signing in", () => {
  assert.equal(isPubliclyVisible({ status: "DRAFT" }), false);
  assert.equal(isPubliclyVisible({ status: "CANCELLED" }), false, "cancelled before funding");
  assert.equal(isPubliclyVisible({ status: "CANCELLED", fundsTxId: "pay_1" }), true);
  assert.equal(isPubliclyVisible({ status: "ACTIVE", experienceId: "exp_1" }), false, "community competitions");
  assert.equal(isPubliclyVisible({ status: "ACTIVE" }), true);
});
