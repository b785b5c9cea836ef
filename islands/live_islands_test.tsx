import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { MAX_RECONNECT_MS, reconnectDelay } from "./live_stream.ts";
import LiveLeaderboard, { rankChanges } from "./live_leaderboard.tsx";
import { extendLines } from "./live_race_chart.tsx";
import type { LeaderboardEntry } from "../lib/competitions/leaderboard.ts";

function entry(participantId: string, rank: number, revenue: string): LeaderboardEntry {
  return {
    rank,
    participantId,
    userId: `u_${participantId}`,
    displayName: `Store ${participantId}`,
    shop: `${participantId}.myshopify.com`,
    revenue,
    value: revenue,
    currency: "USD",
    orders: 1,
    lastOrderAt: null,
    connected: true,
  };
}

function leaderboard(entries: LeaderboardEntry[], updatedAt = "2026-12-02T01:00:00.000Z") {
  return {
    competition: {
      id: "c1",
      title: "Cup",
      status: "ACTIVE" as const,
      currency: "USD",
      prize: "500.00",
      startDate: "2026-12-02T00:00:00.000Z",
      endDate: "2026-12-09T00:00:00.000Z",
      participantCount: entries.length,
    },
    entries,
    updatedAt,
  };
}

Deno.test("live islands - reconnect delays grow exponentially with jitter, capped", () => {
  assert.equal(reconnectDelay(0, () => 0), 250);
  assert.equal(reconnectDelay(0, () => 1), 500);
  assert.equal(reconnectDelay(3, () => 0), 2000);
  assert.equal(reconnectDelay(3, () => 1), 4000);
  assert.equal(reconnectDelay(30, () => 1), MAX_RECONNECT_MS);
  assert.equal(reconnectDelay(30, () => 0), MAX_RECONNECT_MS / 2);
});

Deno.test("live islands - rank changes name each store that moved", () => {
  const before = [entry("a", 1, "10.00"), entry("b", 2, "5.00"), entry("c", 3, "1.00")];
  const after = [entry("b", 1, "20.00"), entry("a", 2, "10.00"), entry("c", 3, "2.00")];
  assert.deepEqual(rankChanges(before, after), {
    moves: { b: "up", a: "down" },
    changed: ["b", "c"],
    message: "Store b moved up to 1st. Store a moved down to 2nd.",
  });
  assert.deepEqual(rankChanges(before, before), { moves: {}, changed: [], message: "" });
  assert.deepEqual(rankChanges(before, [...before, entry("d", 4, "0.00")]).moves, {}, "a new store is not a move");
});

Deno.test("live islands - a store climbing a long board: five moves named, the others counted", () => {
  const ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
  const before = ids.map((id, i) => entry(id, i + 1, `${100 - i}.00`));
  const after = [entry("h", 1, "500.00"), ...ids.slice(0, 7).map((id, i) => entry(id, i + 2, `${100 - i}.00`))];
  const change = rankChanges(before, after);
  assert.equal(Object.keys(change.moves).length, 8, "every row moved");
  assert.deepEqual(change.changed, ["h"], "one store's figures changed");
  assert.equal(
    change.message,
    "Store h moved up to 1st. Store a moved down to 2nd. Store b moved down to 3rd. Store c moved down to 4th. " +
      "4 other stores moved too.",
  );
});

Deno.test("live islands - the race chart appends changed totals and follows the leading stores", () => {
  const at = Date.parse("2026-12-02T01:00:00.000Z");
  const lines = [{ participantId: "a", label: "Store a", points: [[at - 1000, 10]] as [number, number][] }];
  const next = extendLines(lines, leaderboard([entry("a", 1, "12.50"), entry("b", 2, "0.00")]));
  assert.deepEqual(next, [
    { participantId: "a", label: "Store a", points: [[at - 1000, 10], [at, 12.5]] },
    { participantId: "b", label: "Store b", points: [] },
  ]);
  assert.deepEqual(lines[0].points.length, 1, "the input is not changed");
  assert.deepEqual(
    extendLines(next, leaderboard([entry("a", 1, "12.50"), entry("b", 2, "0.00")])),
    next,
    "an unchanged total adds nothing",
  );
  const many = leaderboard(Array.from({ length: 12 }, (_, i) => entry(`s${i}`, i + 1, `${100 - i}.00`)));
  assert.deepEqual(
    extendLines(next, many).map((line) => line.participantId),
    ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"],
    "the chart follows the leading stores only",
  );
});

Deno.test("live islands - the race chart follows the metric: orders count, growth against each line's baseline", () => {
  const at = Date.parse("2026-12-02T01:00:00.000Z");
  const board = leaderboard([{ ...entry("a", 1, "150.00"), orders: 4 }, entry("b", 2, "90.00")]);
  const orders = extendLines([], { ...board, competition: { ...board.competition, metric: "orders" } });
  assert.deepEqual(orders.map((line) => line.points), [[[at, 4]], [[at, 1]]]);
  const growth = extendLines(
    [{ participantId: "a", label: "Store a", points: [], baseline: 100 }],
    { ...board, competition: { ...board.competition, metric: "growth" } },
  );
  assert.deepEqual(growth, [{ participantId: "a", label: "Store a", points: [[at, 150]], baseline: 100 }]);
});

Deno.test("live islands - the leaderboard renders on the server as a snapshot with a polite live region", () => {
  const html = renderToString(<LiveLeaderboard {...leaderboard([entry("a", 1, "1234.50")])} />);
  assert.match(html, /<span class="pill pill-static">Snapshot<\/span>/);
  assert.match(html, /\$1,234\.50/);
  assert.match(html, /aria-live="polite"/);
  assert.match(html, /1 store · updated/);
  const won = leaderboard([entry("a", 1, "1234.50")]);
  const winner = { ...entry("a", 1, "1234.50"), reachedAt: won.updatedAt, decidedAt: won.updatedAt };
  const final = renderToString(
    <LiveLeaderboard {...won} competition={{ ...won.competition, status: "COMPLETED", winner }} />,
  );
  assert.match(final, /<strong>Store a<\/strong> won with \$1,234\.50\./);
});
