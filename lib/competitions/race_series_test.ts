import assert from "node:assert/strict";
import { activeCompetition } from "../../testing/fixtures.ts";
import { keys } from "../core/db.ts";
import { type OrderDelivery, recordOrder } from "./revenue.ts";
import { readRaceLines } from "./race_series.ts";
import { sampleBucketMs } from "./race_line.ts";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A paid order of `cents` delivered at `atMs`. */
function sale(orderId: string, cents: number, atMs: number): OrderDelivery {
  const at = new Date(atMs).toISOString();
  return { orderId, createdAt: at, updatedAt: at, amount: cents, currency: "USD", test: false, cancelled: false };
}

Deno.test("race series - 21 minutes into a 7-day race, a reload draws each order's step where it came", async () => {
  using kv = await Deno.openKv(":memory:");
  const start = Date.parse("2026-12-02T00:00:00Z");
  const { competition, participants } = await activeCompetition(kv, { start, stores: 1 });
  const store = participants[0];
  const times = [2, 5, 9, 15, 20].map((m) => start + m * MINUTE + 1234);
  for (const [i, at] of times.entries()) await recordOrder(kv, store.id, sale(`o${i}`, 1000 * (i + 1), at), at);
  const [line] = await readRaceLines(
    kv,
    competition,
    [{ participantId: store.id, displayName: "Store 0" }],
    start + 21 * MINUTE,
  );
  assert.deepEqual(line.points, [[times[0], 10], [times[1], 30], [times[2], 60], [times[3], 100], [times[4], 150]]);
});

Deno.test("race series - changes within one bucket keep the last total, at its own time", async () => {
  using kv = await Deno.openKv(":memory:");
  const start = Date.parse("2026-12-02T00:00:00Z");
  const { competition, participants } = await activeCompetition(kv, { start, stores: 1 });
  const store = participants[0];
  const at = start + 30 * MINUTE; // buckets of 8,192 ms then
  await recordOrder(kv, store.id, sale("a", 1000, at), at);
  await recordOrder(kv, store.id, sale("b", 500, at + 100), at + 100);
  await recordOrder(kv, store.id, sale("c", 250, at + 20_000), at + 20_000);
  const stored = await Array.fromAsync(kv.list({ prefix: keys.revenuePoints(competition.id, store.id) }));
  assert.deepEqual(stored.map((entry) => [entry.key[3], entry.value]), [
    [at + 100, { revenue: 1500, orders: 2 }],
    [at + 20_000, { revenue: 1750, orders: 3 }],
  ]);
});

Deno.test("race series - an order every few minutes for a week keeps a bounded history, thinned to the span shown", async () => {
  using kv = await Deno.openKv(":memory:");
  const start = Date.parse("2026-12-02T00:00:00Z");
  const { competition, participants } = await activeCompetition(kv, { start, stores: 1 });
  const store = participants[0];
  const deliveries = 2_000;
  const every = Math.floor((7 * DAY) / deliveries);
  for (let i = 0; i < deliveries; i++) {
    const at = start + i * every + 1;
    await recordOrder(kv, store.id, sale(`o${i}`, 100, at), at);
  }
  const stored = await Array.fromAsync(kv.list({ prefix: keys.revenuePoints(competition.id, store.id) }));
  // Every change while buckets are finer than the spacing (~255, the first 21 hours), then one per bucket: ~128 per
  // doubling of the elapsed time (three more to a week).
  assert.ok(stored.length <= 256 + 3 * 128, `${stored.length} samples kept of ${deliveries} changes`);
  const end = start + 7 * DAY;
  const [line] = await readRaceLines(kv, competition, [{ participantId: store.id, displayName: "Store 0" }], end);
  assert.ok(line.points.length <= 7 * DAY / sampleBucketMs(7 * DAY) + 1, `${line.points.length} points drawn`);
  assert.equal(line.points.at(-1)![1], deliveries, "the last point is the store's total");
  const gaps = line.points.slice(1).map(([at], i) => at - line.points[i][0]);
  assert.ok(Math.max(...gaps) <= 2 * sampleBucketMs(7 * DAY), "no gap wider than two buckets of the span shown");
});

Deno.test("race series - samples stored before order counts still draw revenue; orders fall back to the orders", async () => {
  using kv = await Deno.openKv(":memory:");
  const start = Date.parse("2026-12-02T00:00:00Z");
  const { competition, participants } = await activeCompetition(kv, { start, stores: 1, metric: "orders" });
  const store = participants[0];
  await recordOrder(kv, store.id, sale("a", 1000, start + MINUTE), start + 2 * MINUTE);
  await kv.set(keys.revenuePoint(competition.id, store.id, start), 0); // a sample as older releases wrote it
  const entry = [{ participantId: store.id, displayName: "Store 0" }];
  const [orders] = await readRaceLines(kv, competition, entry, start + 3 * MINUTE);
  assert.deepEqual(orders.points, [[start + MINUTE, 1]], "counted orders by when they were placed");
  const [revenue] = await readRaceLines(kv, { ...competition, metric: "revenue" }, entry, start + 3 * MINUTE);
  assert.deepEqual(revenue.points, [[start, 0], [start + 2 * MINUTE, 10]]);
});
