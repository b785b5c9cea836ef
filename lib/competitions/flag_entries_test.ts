/**
 * The creator's list keeps each flag's state in its index entry, so the
 * review queue sorts thousands of flags without reading their orders: the
 * entry must always say what the order says, through every change (held,
 * paid, voided, decided), be written only when that changes, and an entry
 * written before states were kept is told by its order.
 */
import assert from "node:assert/strict";
import { activeCompetition } from "../../testing/fixtures.ts";
import { orderAt } from "../../testing/orders.ts";
import { keys } from "../core/db.ts";
import { recordOrder } from "./revenue.ts";
import { decideFlag } from "./flags.ts";
import { listFlagEntries } from "./flag_list.ts";
import { flagIdOf } from "./order_book.ts";
import { flagStateOf, type StoredOrder } from "./stored_order.ts";

const start = Date.parse("2026-12-02T00:00:00Z");
const during = start + 3600_000;
const CREATOR = "creator";

/** Fails unless every flag's entry states what its order says. */
async function assertEntriesFollowOrders(kv: Deno.Kv, competitionId: string): Promise<void> {
  for (const entry of await listFlagEntries(kv, competitionId)) {
    const order = (await kv.get<StoredOrder>(keys.order(entry.participantId, entry.orderId))).value!;
    assert.deepEqual(entry.state, flagStateOf(order), entry.id);
  }
}

Deno.test("flag entries - each flag's entry states what its order says through held, paid, voided and decided", async () => {
  using kv = await Deno.openKv(":memory:");
  const { competition, participants: [p] } = await activeCompetition(kv, { start, stores: 1, creatorId: CREATOR });
  const pending = (id: string, offset = 0, patch = {}) =>
    orderAt(during, id, 40_00, offset, { payment: "pending", ...patch });
  await recordOrder(kv, p.id, pending("1"), during);
  await recordOrder(kv, p.id, pending("2"), during + 1000);
  await recordOrder(kv, p.id, orderAt(during, "3", 90_00, 0, { payment: "paid", manual: true }), during + 2000);
  const entryOf = async (orderId: string) => await kv.get(keys.flag(competition.id, flagIdOf(p.id, orderId)));
  assert.deepEqual((await listFlagEntries(kv, competition.id)).map((e) => [e.orderId, e.state.status, e.state.held]), [
    ["1", "open", true],
    ["2", "open", true],
    ["3", "open", true],
  ]);
  await assertEntriesFollowOrders(kv, competition.id);

  // An edit that changes nothing the list sorts by leaves the entry as written.
  const before = await entryOf("1");
  await recordOrder(kv, p.id, pending("1", 1000, { amount: 45_00 }), during + 3000);
  assert.equal((await entryOf("1")).versionstamp, before.versionstamp);
  // Paid: cleared. Voided: still open, never counts. Decided: decided, with when.
  await recordOrder(kv, p.id, orderAt(during, "1", 45_00, 2000, { payment: "paid" }), during + 4000);
  await recordOrder(kv, p.id, pending("2", 1000, { payment: "voided" }), during + 5000);
  await decideFlag(kv, {
    competitionId: competition.id,
    flagId: flagIdOf(p.id, "3"),
    userId: CREATOR,
    isOperator: false,
    body: { decision: "count" },
    now: during + 6000,
  });
  const states = Object.fromEntries((await listFlagEntries(kv, competition.id)).map((e) => [e.orderId, e.state]));
  assert.deepEqual([states["1"].status, states["1"].held], ["cleared", false]);
  assert.deepEqual([states["2"].status, states["2"].reason, states["2"].held], ["open", "voided", true]);
  assert.deepEqual([states["3"].status, states["3"].held, states["3"].decidedAt], [
    "decided",
    false,
    new Date(during + 6000).toISOString(),
  ]);
  await assertEntriesFollowOrders(kv, competition.id);

  // An entry written before states were kept ({participantId, orderId}) is told by its order.
  await kv.set(keys.flag(competition.id, flagIdOf(p.id, "2")), { participantId: p.id, orderId: "2" });
  assert.deepEqual(
    (await listFlagEntries(kv, competition.id)).find((e) => e.orderId === "2")?.state,
    states["2"],
  );
});
