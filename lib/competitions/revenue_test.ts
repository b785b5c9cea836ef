import assert from "node:assert/strict";
import { updateCompetition } from "./competitions.ts";
import { activeCompetition } from "../../testing/fixtures.ts";
import { listParticipants, updateParticipant } from "./participants.ts";
import { listOwnOrders, type OrderDelivery, recordOrder, sumStoredOrders } from "./revenue.ts";
import { readLeaderboard } from "./leaderboard.ts";
import { keys } from "../core/db.ts";

const start = Date.parse("2026-12-02T00:00:00Z");
const end = Date.parse("2026-12-09T00:00:00Z");
const during = start + 3600_000;

function order(id: string, amount: number, updatedOffsetMs = 0, patch: Partial<OrderDelivery> = {}): OrderDelivery {
  return {
    orderId: id,
    createdAt: new Date(during).toISOString(),
    updatedAt: new Date(during + updatedOffsetMs).toISOString(),
    amount,
    currency: "USD",
    test: false,
    cancelled: false,
    ...patch,
  };
}

async function total(kv: Deno.Kv, participantId: string) {
  const { value } = await kv.get<{ revenue: number; orders: number }>(keys.participant(participantId));
  return { revenue: value!.revenue, orders: value!.orders };
}

Deno.test("revenue - counts an order once, however often it arrives", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  assert.equal(await recordOrder(kv, p.id, order("1", 1250), during), "recorded");
  assert.equal(await recordOrder(kv, p.id, order("1", 1250), during), "stale");
  assert.deepEqual(await total(kv, p.id), { revenue: 1250, orders: 1 });
});

Deno.test("revenue - an older delivery changes nothing; a newer one replaces the amount", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  await recordOrder(kv, p.id, order("1", 1000, 2000), during);
  assert.equal(await recordOrder(kv, p.id, order("1", 5000, 1000), during), "stale");
  assert.deepEqual(await total(kv, p.id), { revenue: 1000, orders: 1 });
  await recordOrder(kv, p.id, order("1", 600, 3000), during); // partial refund
  assert.deepEqual(await total(kv, p.id), { revenue: 600, orders: 1 });
  await recordOrder(kv, p.id, order("1", 600, 4000, { cancelled: true }), during);
  assert.deepEqual(await total(kv, p.id), { revenue: 0, orders: 0 });
});

Deno.test("revenue - test orders, other currencies and orders outside the window never count", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  await recordOrder(kv, p.id, order("t", 900, 0, { test: true }), during);
  await recordOrder(kv, p.id, order("e", 900, 0, { currency: "EUR" }), during);
  assert.equal(
    await recordOrder(kv, p.id, order("b", 900, 0, { createdAt: new Date(start - 1).toISOString() }), during),
    "outside_window",
  );
  assert.equal(
    await recordOrder(kv, p.id, order("a", 900, 0, { createdAt: new Date(end).toISOString() }), during),
    "outside_window",
  );
  assert.equal(
    await recordOrder(kv, p.id, order("s", 900, 0, { createdAt: new Date(start).toISOString() }), during),
    "recorded",
  );
  assert.deepEqual(await total(kv, p.id), { revenue: 900, orders: 1 });
});

Deno.test("revenue - shuffled duplicate deliveries end at the exact sum", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  const deliveries: OrderDelivery[] = [];
  let expected = 0;
  for (let i = 0; i < 200; i++) {
    const amount = 1 + ((i * 7919) % 100_000);
    const refunded = i % 5 === 0 ? Math.floor(amount / 3) : 0;
    expected += amount - refunded;
    deliveries.push(order(`${i}`, amount, 0), order(`${i}`, amount, 0));
    if (refunded) deliveries.push(order(`${i}`, amount - refunded, 1000));
  }
  deliveries.sort(() => Math.random() - 0.5);
  await Promise.all(deliveries.map((d) => recordOrder(kv, p.id, d, during)));
  assert.deepEqual(await total(kv, p.id), { revenue: expected, orders: 200 });
  assert.deepEqual(await sumStoredOrders(kv, p.id), { revenue: expected, orders: 200 });
});

Deno.test("revenue - concurrent writers in separate KV handles stay exact", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  try {
    using kv1 = await Deno.openKv(path);
    using kv2 = await Deno.openKv(path);
    const { participants: [p] } = await activeCompetition(kv1, { start, stores: 1 });
    const deliveries = Array.from({ length: 100 }, (_, i) => order(`${i}`, 100 + i));
    await Promise.all(deliveries.map((d, i) => recordOrder(i % 2 ? kv1 : kv2, p.id, d, during)));
    const expected = deliveries.reduce((sum, d) => sum + d.amount, 0);
    assert.deepEqual(await total(kv1, p.id), { revenue: expected, orders: 100 });
    assert.deepEqual(await sumStoredOrders(kv1, p.id), { revenue: expected, orders: 100 });
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("revenue - the leaderboard index keeps one row per participant, in rank order", async () => {
  using kv = await Deno.openKv(":memory:");
  const { competition, participants } = await activeCompetition(kv, { start, stores: 3 });
  await Promise.all([
    recordOrder(kv, participants[0].id, order("a", 500), during),
    recordOrder(kv, participants[1].id, order("b", 900), during),
    recordOrder(kv, participants[2].id, order("c", 700), during),
    recordOrder(kv, participants[0].id, order("d", 400), during),
  ]);
  const rows = await readLeaderboard(kv, competition.id);
  assert.deepEqual(rows.map((r) => [r.displayName, r.revenue, r.rank]), [
    ["Store 0", 900, 1],
    ["Store 1", 900, 1],
    ["Store 2", 700, 3],
  ]);
  let count = 0;
  for await (const _ of kv.list({ prefix: keys.leaderboard(competition.id) })) count++;
  assert.equal(count, 3);
  assert.equal((await listParticipants(kv, competition.id)).length, 3);
});

Deno.test("revenue - after results are frozen orders are kept but do not count", async () => {
  using kv = await Deno.openKv(":memory:");
  const { competition, participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  await recordOrder(kv, p.id, order("1", 1000), during);
  await updateCompetition(
    kv,
    competition.id,
    end,
    "status",
    (c) => ({ ...c, resultsFrozenAt: new Date(end).toISOString() }),
  );
  assert.equal(await recordOrder(kv, p.id, order("1", 0, 5000, { cancelled: true }), end), "after_settlement");
  assert.equal(await recordOrder(kv, p.id, order("2", 700), end), "after_settlement");
  assert.equal(await recordOrder(kv, p.id, order("2", 700), end), "stale");
  assert.deepEqual(await total(kv, p.id), { revenue: 1000, orders: 1 });
  assert.deepEqual(await sumStoredOrders(kv, p.id), { revenue: 1000, orders: 1 });
});

Deno.test("revenue - a disconnected store's webhook orders are left aside; its sync-era orders stay", async () => {
  using kv = await Deno.openKv(":memory:");
  const { competition, participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  const options = { competitionId: competition.id, onlyIfConnected: true };
  assert.equal(await recordOrder(kv, p.id, order("1", 1000), during, options), "recorded");
  await updateParticipant(kv, p.id, during, "sync", (current) => ({ ...current, connection: "disconnected" }));
  assert.equal(await recordOrder(kv, p.id, order("2", 500), during, options), "disconnected");
  assert.deepEqual(await total(kv, p.id), { revenue: 1000, orders: 1 });
  assert.equal(
    await recordOrder(kv, p.id, order("3", 500), during, { competitionId: "another" }),
    "unknown_participant",
    "a wrong competition id is refused, not trusted",
  );
});

Deno.test("revenue - an order keeps Shopify's name; one stored without it takes it from any later delivery", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  await recordOrder(kv, p.id, order("5000000000001", 1250), during); // as stored before names were kept
  await recordOrder(kv, p.id, order("5000000000002", 800, 0, { name: "#1002" }), during);
  const names = async () => (await listOwnOrders(kv, p.id)).map((o) => [o.orderId, o.name]).sort();
  assert.deepEqual(await names(), [
    ["5000000000001", undefined],
    ["5000000000002", "#1002"],
  ]);
  const before = (await kv.get(keys.participant(p.id))).value;
  assert.equal(await recordOrder(kv, p.id, order("5000000000001", 1250, 0, { name: "#1001" }), during), "recorded");
  assert.equal(await recordOrder(kv, p.id, order("5000000000001", 1250, 0, { name: "#1001" }), during), "stale");
  assert.deepEqual(await names(), [["5000000000001", "#1001"], ["5000000000002", "#1002"]]);
  const after = (await kv.get<{ revenue: number }>(keys.participant(p.id))).value!;
  assert.equal(after.revenue, (before as { revenue: number }).revenue, "a name changes no total");
});
