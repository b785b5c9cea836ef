import assert from "node:assert/strict";
import { activeCompetition } from "../../testing/fixtures.ts";
import { auditStore } from "../../testing/order_audit.ts";
import { orderAt } from "../../testing/orders.ts";
import { keys } from "../core/db.ts";
import { hasMeaningfulHistory, isSpike } from "./order_rules.ts";
import { updateParticipant } from "./participants.ts";
import { listOwnOrders, type OrderDelivery, recordOrder } from "./revenue.ts";
import { flagsFor } from "./flag_list.ts";
import type { StoredOrder } from "./stored_order.ts";

const start = Date.parse("2026-12-02T00:00:00Z");
const during = start + 3600_000;

/** A paid order created during the race. */
function order(id: string, amount: number, updatedOffsetMs = 0, patch: Partial<OrderDelivery> = {}): OrderDelivery {
  return orderAt(during, id, amount, updatedOffsetMs, { payment: "paid", ...patch });
}

async function stored(kv: Deno.Kv, participantId: string, orderId: string): Promise<StoredOrder> {
  return (await kv.get<StoredOrder>(keys.order(participantId, orderId))).value!;
}

Deno.test("order book - a pending payment is held until paid; orders/paid and orders/updated of one change move the board once", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  await recordOrder(kv, p.id, order("1", 5000, 0, { payment: "pending" }), during);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 0, orders: 0, held: 1, excluded: 0 });
  assert.deepEqual((await stored(kv, p.id, "1")).flag?.reason, "pending_payment");
  // Shopify sends orders/paid and orders/updated for the capture, with the same updated_at.
  assert.equal(await recordOrder(kv, p.id, order("1", 5000, 1000), during), "recorded");
  assert.equal(await recordOrder(kv, p.id, order("1", 5000, 1000), during), "stale");
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 5000, orders: 1, held: 0, excluded: 0 });
  assert.equal((await stored(kv, p.id, "1")).flag?.open, false, "the flag clears by itself");
  // Authorized, then voided: never counts, and a later "paid" (not something Shopify does) does not bring it back.
  await recordOrder(kv, p.id, order("2", 700, 0, { payment: "pending" }), during);
  await recordOrder(kv, p.id, order("2", 700, 1000, { payment: "voided" }), during);
  await recordOrder(kv, p.id, order("2", 700, 2000, { payment: "paid" }), during);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 5000, orders: 1, held: 1, excluded: 0 });
  assert.equal((await stored(kv, p.id, "2")).flag?.reason, "voided");
  // Refunded and partially refunded orders count net of refunds (Shopify's current total).
  await recordOrder(kv, p.id, order("1", 1200, 3000), during);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 1200, orders: 1, held: 1, excluded: 0 });
});

Deno.test("order book - a delivery that does not state its payment counts as before statuses were read", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  const { payment: _, ...legacy } = order("1", 900);
  await recordOrder(kv, p.id, legacy, during);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 900, orders: 1, held: 0, excluded: 0 });
  assert.equal((await stored(kv, p.id, "1")).payment, "paid");
});

Deno.test("order book - draft and manual-gateway orders are held unless the competition counts them", async () => {
  using kv = await Deno.openKv(":memory:");
  const held = await activeCompetition(kv, { start, stores: 1 });
  const counting = await activeCompetition(kv, {
    start,
    stores: 1,
    countManualOrders: true,
    shopOf: () => "b.myshopify.com",
  });
  for (const { participants: [p] } of [held, counting]) {
    await recordOrder(kv, p.id, order("m1", 3000, 0, { manual: true }), during);
    await recordOrder(kv, p.id, order("w1", 1000), during);
  }
  assert.deepEqual(await auditStore(kv, held.participants[0].id), { revenue: 1000, orders: 1, held: 1, excluded: 0 });
  assert.equal((await stored(kv, held.participants[0].id, "m1")).flag?.reason, "manual_source");
  assert.deepEqual(await auditStore(kv, counting.participants[0].id), {
    revenue: 4000,
    orders: 2,
    held: 0,
    excluded: 0,
  });
});

Deno.test("order book - Shopify's risk: CANCEL holds, INVESTIGATE counts flagged; a new reading applies without a newer updated_at", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  await recordOrder(kv, p.id, order("1", 2500), during);
  await recordOrder(kv, p.id, order("2", 1500, 0, { risk: "investigate" }), during);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 4000, orders: 2, held: 0, excluded: 0 });
  assert.deepEqual((await stored(kv, p.id, "2")).flag, {
    reason: "high_risk",
    open: true,
    raisedAt: new Date(during).toISOString(),
  });
  // The analysis arrives after the order: same updated_at, new recommendation.
  assert.equal(await recordOrder(kv, p.id, order("1", 2500, 0, { risk: "cancel" }), during + 5000), "recorded");
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 1500, orders: 1, held: 1, excluded: 0 });
  assert.equal(await recordOrder(kv, p.id, order("1", 2500, 0, { risk: "cancel" }), during + 6000), "stale");
  // A webhook (no risk read) keeps the stored risk.
  await recordOrder(kv, p.id, order("1", 2600, 1000), during + 7000);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 1500, orders: 1, held: 1, excluded: 0 });
  await recordOrder(kv, p.id, order("1", 2600, 1000, { risk: "accept" }), during + 8000);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 4100, orders: 2, held: 0, excluded: 0 });
});

Deno.test("order book - the customer cap holds across orders, refunds give the room to the customer's capped orders, a changed customer moves the order", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1, customerCap: "100.00" });
  await recordOrder(kv, p.id, order("1", 6000, 0, { customerId: "77" }), during);
  await recordOrder(kv, p.id, order("2", 6000, 0, { customerId: "77" }), during);
  await recordOrder(kv, p.id, order("3", 3000, 0, { customerId: "77" }), during);
  await recordOrder(kv, p.id, order("4", 5000), during); // a guest: no cap to follow
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 15000, orders: 3, held: 1, excluded: 0 });
  assert.deepEqual([(await stored(kv, p.id, "2")).amount, (await stored(kv, p.id, "3")).amount], [4000, 0]);
  assert.equal((await stored(kv, p.id, "2")).flag?.reason, "customer_cap");
  // An edit down under the cap frees room: the capped orders take it, oldest first.
  await recordOrder(kv, p.id, order("1", 1000, 1000, { customerId: "77" }), during);
  assert.deepEqual(
    [(await stored(kv, p.id, "1")).amount, (await stored(kv, p.id, "2")).amount, (await stored(kv, p.id, "3")).amount],
    [1000, 6000, 3000],
  );
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 15000, orders: 4, held: 0, excluded: 0 });
  // The order moves to another customer: the first customer's room frees, the second's is used.
  await recordOrder(kv, p.id, order("2", 6000, 2000, { customerId: "88" }), during);
  assert.equal((await stored(kv, p.id, "3")).amount, 3000);
  await recordOrder(kv, p.id, order("5", 9000, 0, { customerId: "88" }), during);
  assert.equal((await stored(kv, p.id, "5")).amount, 4000, "customer 88 had 60.00 of its 100.00");
  // A delivery that names no customer keeps the order's customer: dropping it does not escape the cap.
  await recordOrder(kv, p.id, order("5", 9000, 1000), during);
  assert.equal((await stored(kv, p.id, "5")).amount, 4000);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 19000, orders: 5, held: 0, excluded: 0 });
  // A cancellation frees the room too.
  await recordOrder(kv, p.id, order("2", 6000, 3000, { customerId: "88", cancelled: true }), during);
  assert.equal((await stored(kv, p.id, "5")).amount, 9000);
  await auditStore(kv, p.id);
});

Deno.test("order book - the cap is exact for 60 concurrent orders of one customer on two KV handles", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  try {
    using kv1 = await Deno.openKv(path);
    using kv2 = await Deno.openKv(path);
    const { participants: [p] } = await activeCompetition(kv1, { start, stores: 1, customerCap: "250.00" });
    const deliveries = Array.from(
      { length: 60 },
      (_, i) => order(String(1000 + i), 700 + i * 13, 0, { customerId: "5" }),
    );
    await Promise.all(deliveries.map((d, i) => recordOrder(i % 2 ? kv1 : kv2, p.id, d, during)));
    const sums = await auditStore(kv1, p.id);
    assert.equal(sums.revenue, 25000, "exactly the cap, never more");
    // Refund them all in a shuffled order: the capped ones take the room each refund frees.
    const refunds = deliveries.map((d) => ({ ...d, amount: 100, updatedAt: new Date(during + 1000).toISOString() }));
    refunds.sort((a, b) => (Number(a.orderId) * 7919) % 61 - (Number(b.orderId) * 7919) % 61);
    await Promise.all(refunds.map((d, i) => recordOrder(i % 2 ? kv1 : kv2, p.id, d, during)));
    assert.deepEqual(await auditStore(kv2, p.id), { revenue: 6000, orders: 60, held: 0, excluded: 0 });
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("order book - under the orders metric a customer counts once a day; a cancelled order gives its day to the next", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1, metric: "orders", customerCap: "1" });
  const nextDay = new Date(during + 86_400_000).toISOString();
  await recordOrder(kv, p.id, order("1", 500, 0, { customerId: "9" }), during);
  await recordOrder(kv, p.id, order("2", 800, 0, { customerId: "9" }), during);
  await recordOrder(kv, p.id, order("3", 900, 0, { customerId: "9", createdAt: nextDay, updatedAt: nextDay }), during);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 1400, orders: 2, held: 1, excluded: 0 });
  assert.equal((await stored(kv, p.id, "2")).flag?.reason, "customer_cap");
  await recordOrder(kv, p.id, order("1", 500, 1000, { customerId: "9", cancelled: true }), during);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 1700, orders: 2, held: 0, excluded: 0 });
});

Deno.test("order book - a history is meaningful from one counted order per ten hours: below it one average order is a spike", () => {
  assert.equal(hasMeaningfulHistory({ revenue: 72_000, hours: 720, orders: 72 }), true);
  assert.equal(hasMeaningfulHistory({ revenue: 72_000, hours: 720, orders: 71 }), false);
  assert.equal(hasMeaningfulHistory({ revenue: 0, hours: 720, orders: 0 }), false);
  assert.equal(hasMeaningfulHistory({ revenue: 0, hours: 0, orders: 0 }), false, "nothing readable before the start");
  // Read before orders were counted: judged by its revenue.
  assert.equal(hasMeaningfulHistory({ revenue: 100, hours: 720 }), true);
  assert.equal(hasMeaningfulHistory({ revenue: 0, hours: 720 }), false);
  // The threshold is where one order of the store's own average size stops being a spike by itself.
  const history = { revenue: 72 * 1000, hours: 720, orders: 72 };
  assert.equal(isSpike(1000, history), false);
  assert.equal(isSpike(1000, { ...history, orders: 71, revenue: 71 * 1000 }), true);
});

Deno.test("order book - an hour above ten times the store's hourly average flags the order that took it over, once per hour; nothing is excluded", async () => {
  using kv = await Deno.openKv(":memory:");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  // 720 orders, 72,000.00 in 720 hours: 100.00 an hour on average, so an hour is a spike above 1,000.00.
  await updateParticipant(kv, p.id, during, "sync", (current) => ({
    ...current,
    history: { revenue: 7_200_000, hours: 720, orders: 720 },
  }));
  await recordOrder(kv, p.id, order("1", 60_000), during);
  await recordOrder(kv, p.id, order("2", 40_000), during);
  assert.equal((await stored(kv, p.id, "2")).flag, undefined, "exactly 1,000.00 is not above");
  await recordOrder(kv, p.id, order("3", 1), during);
  await recordOrder(kv, p.id, order("4", 5_000), during);
  const later = new Date(during + 3600_000).toISOString();
  await recordOrder(kv, p.id, order("5", 5_000, 0, { createdAt: later, updatedAt: later }), during);
  await recordOrder(kv, p.id, order("6", 200_000, 0, { createdAt: later, updatedAt: later }), during);
  // The flagged order refunded in part and grown again stays the hour's one flag.
  await recordOrder(kv, p.id, order("3", 0, 1000), during);
  await recordOrder(kv, p.id, order("7", 30_000), during);
  const reasons = async (ids: string[]) =>
    await Promise.all(ids.map(async (id) => (await stored(kv, p.id, id)).flag?.reason));
  assert.deepEqual(
    await reasons(["1", "2", "3", "4", "5", "6", "7"]),
    [undefined, undefined, "spike", undefined, undefined, "spike", undefined],
  );
  assert.equal((await stored(kv, p.id, "6")).noHistory, undefined);
  assert.equal((await stored(kv, p.id, "3")).flag?.open, false, "refunded to nothing: nothing left to decide");
  await recordOrder(kv, p.id, order("3", 2_000, 2000), during);
  assert.equal((await stored(kv, p.id, "3")).flag?.open, true, "grown back: its flag is open again");
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 342_000, orders: 7, held: 0, excluded: 0 });
});

Deno.test("order book - a store without a meaningful history before the start gets one spike flag, on its first order past ten times its average", async () => {
  for (const history of [{ revenue: 0, hours: 720, orders: 0 }, { revenue: 50_000, hours: 720, orders: 5 }]) {
    using kv = await Deno.openKv(":memory:");
    const { competition, participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
    await updateParticipant(kv, p.id, during, "sync", (current) => ({ ...current, history }));
    await recordOrder(kv, p.id, order("1", 0), during);
    await recordOrder(kv, p.id, order("2", 100_000), during);
    for (let hour = 1; hour < 5; hour++) {
      const at = new Date(during + hour * 3600_000).toISOString();
      await recordOrder(kv, p.id, order(String(2 + hour), 100_000, 0, { createdAt: at, updatedAt: at }), during);
    }
    assert.equal((await stored(kv, p.id, "1")).flag, undefined, "an order that adds nothing is no spike");
    assert.deepEqual((await stored(kv, p.id, "2")).flag?.reason, "spike");
    assert.equal((await stored(kv, p.id, "2")).noHistory, true);
    for (const id of ["3", "4", "5", "6"]) assert.equal((await stored(kv, p.id, id)).flag, undefined, id);
    // The creator's list and the owner's own orders say why.
    const [flag] = (await flagsFor(kv, competition.id, competition.creatorId, false)).flags;
    assert.deepEqual([flag.orderId, flag.reason, flag.noSalesHistory], ["2", "spike", true]);
    const own = (await listOwnOrders(kv, p.id)).find((o) => o.orderId === "2");
    assert.equal(own?.review?.noSalesHistory, true);
    assert.deepEqual(await auditStore(kv, p.id), { revenue: 500_000, orders: 6, held: 0, excluded: 0 });
  }
});

Deno.test("order book - concurrent orders of one hour on two KV handles raise one spike flag; of a store without history, one", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  try {
    using kv1 = await Deno.openKv(path);
    using kv2 = await Deno.openKv(path);
    const { participants: [rich, fresh] } = await activeCompetition(kv1, { start, stores: 2 });
    await updateParticipant(kv1, rich.id, during, "sync", (current) => ({
      ...current,
      history: { revenue: 7_200_000, hours: 720, orders: 720 },
    }));
    await updateParticipant(kv1, fresh.id, during, "sync", (current) => ({
      ...current,
      history: { revenue: 0, hours: 720, orders: 0 },
    }));
    const deliveries = [rich, fresh].flatMap((p, s) =>
      Array.from({ length: 20 }, (_, i) => ({ p, delivery: order(String(5000 + s * 100 + i), 20_000) }))
    );
    await Promise.all(deliveries.map(({ p, delivery }, i) => recordOrder(i % 2 ? kv1 : kv2, p.id, delivery, during)));
    for (const p of [rich, fresh]) {
      const flagged = [];
      for await (const entry of kv1.list<StoredOrder>({ prefix: keys.orders(p.id) })) {
        if (entry.value.flag) flagged.push(entry.value.flag.reason);
      }
      assert.deepEqual(flagged, ["spike"], p.displayName);
      assert.deepEqual(await auditStore(kv2, p.id), { revenue: 400_000, orders: 20, held: 0, excluded: 0 });
    }
  } finally {
    await Deno.remove(path);
  }
});
