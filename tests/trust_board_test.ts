/**
 * What everyone sees of held and excluded orders: per-store counts of
 * counted, held and excluded orders on the leaderboard JSON, the public API
 * and the live frames, never which customers; under privacy mode strangers
 * see none of another store's counts while the race runs (a held pending
 * payment would time its orders) and its held and excluded counts once the
 * results are final, never the count of orders that count (under the
 * orders metric, the store's figure). A store owner's own list
 * says why each of its orders is held or flagged and what was decided.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { DURING_MS, START_MS } from "../testing/live.ts";
import { orderAt } from "../testing/orders.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import { customerKeyOf, listOwnOrders, type OrderDelivery, recordOrder } from "../lib/competitions/revenue.ts";
import { decideFlag } from "../lib/competitions/flags.ts";

function order(id: string, amount: number, patch: Partial<OrderDelivery> = {}): OrderDelivery {
  return orderAt(DURING_MS, id, amount, 0, patch);
}

Deno.test("trust board - counted, held and excluded counts per store; privacy hides another's counts until the end; no customer anywhere", async () => {
  await using t = await createTestApp();
  t.clock.ms = DURING_MS;
  const { competition, participants: [a, b] } = await activeCompetition(t.kv, {
    start: START_MS,
    stores: 2,
    metric: "orders",
    customerCap: "1",
  });
  await recordOrder(t.kv, a.id, order("11", 5000, { payment: "paid", customerId: "424242" }), DURING_MS);
  await recordOrder(t.kv, a.id, order("12", 7000, { payment: "paid", customerId: "424242" }), DURING_MS);
  await recordOrder(t.kv, a.id, order("13", 2000, { payment: "pending" }), DURING_MS);
  await recordOrder(t.kv, a.id, order("14", 3000, { payment: "paid", manual: true }), DURING_MS);
  await recordOrder(t.kv, b.id, order("21", 4000, { payment: "paid" }), DURING_MS);
  await decideFlag(t.kv, {
    competitionId: competition.id,
    flagId: `${a.id}.14`,
    userId: "creator",
    isOperator: false,
    body: { decision: "exclude", note: "Staff order" },
    now: DURING_MS,
  });

  const read = async (path: string, userId?: string) => {
    const res = await t.request(path, { userId });
    assert.equal(res.status, 200, path);
    return await res.text();
  };
  const counts = (text: string) =>
    Object.fromEntries(
      JSON.parse(text).entries.map((
        e: { displayName: string; orderCounts: unknown },
      ) => [e.displayName, e.orderCounts]),
    );
  const open = await read(`/api/competitions/${competition.id}/leaderboard`);
  assert.deepEqual(counts(open), {
    "Store 0": { counted: 1, held: 2, excluded: 1 },
    "Store 1": { counted: 1, held: 0, excluded: 0 },
  });
  assert.deepEqual(counts(await read(`/api/public/competitions/${competition.id}`)), counts(open));
  const pseudonym = customerKeyOf(a.id, "424242");
  for (const text of [open, await read(`/api/public/competitions/${competition.id}`)]) {
    assert.ok(!text.includes("424242") && !text.includes(pseudonym), "never which customers");
  }

  await updateCompetition(t.kv, competition.id, DURING_MS, "status", (c) => ({ ...c, privacy: "ranks" }));
  for (
    const [viewer, expected] of [
      [undefined, { "Store 0": undefined, "Store 1": undefined }],
      ["owner_1", { "Store 0": undefined, "Store 1": { counted: 1, held: 0, excluded: 0 } }],
      ["creator", counts(open)],
    ] as const
  ) {
    assert.deepEqual(counts(await read(`/api/competitions/${competition.id}/leaderboard`, viewer)), expected, viewer);
  }
  assert.deepEqual(counts(await read(`/api/public/competitions/${competition.id}`)), {
    "Store 0": undefined,
    "Store 1": undefined,
  });
  // Once the results are final no order moves them: the held and excluded counts are everyone's again.
  await updateCompetition(t.kv, competition.id, DURING_MS, "status", (c) => ({ ...c, status: "SETTLING" }));
  await updateCompetition(t.kv, competition.id, DURING_MS, "status", (c) => ({ ...c, status: "COMPLETED" }));
  assert.deepEqual(counts(await read(`/api/public/competitions/${competition.id}`)), {
    "Store 0": { held: 2, excluded: 1 },
    "Store 1": { held: 0, excluded: 0 },
  });

  const own = await listOwnOrders(t.kv, a.id);
  assert.deepEqual(
    own.map((o) => [o.orderId, o.counted, o.amount, o.total, o.review]).sort(),
    [
      ["11", true, 5000, undefined, undefined],
      ["12", false, 0, 7000, { reason: "customer_cap", status: "open" }],
      ["13", false, 0, 2000, { reason: "pending_payment", status: "open" }],
      ["14", false, 0, 3000, { reason: "manual_source", status: "decided", decision: "exclude", note: "Staff order" }],
    ],
  );
});
