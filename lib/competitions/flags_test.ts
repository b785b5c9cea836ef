import assert from "node:assert/strict";
import { activeCompetition } from "../../testing/fixtures.ts";
import { auditStore } from "../../testing/order_audit.ts";
import { orderAt } from "../../testing/orders.ts";
import { keys } from "../core/db.ts";
import { ConflictError } from "../core/errors.ts";
import { listAuditLog } from "./disqualification.ts";
import { decideFlag, remindUndecidedFlags } from "./flags.ts";
import { flagsFor } from "./flag_list.ts";
import type { Competition } from "./competitions.ts";
import { type Notification, notificationText } from "./notifications.ts";
import { formatDateTime } from "../web/time_text.ts";
import { type OrderDelivery, recordOrder } from "./revenue.ts";
import type { StoredOrder } from "./stored_order.ts";

const start = Date.parse("2026-12-02T00:00:00Z");
const during = start + 3600_000;

/** A paid order created during the race. */
function order(id: string, amount: number, updatedOffsetMs = 0, patch: Partial<OrderDelivery> = {}): OrderDelivery {
  return orderAt(during, id, amount, updatedOffsetMs, { payment: "paid", ...patch });
}

Deno.test("flags - decisions raced across two processes' KV handles, and against the order's own deliveries, apply once each", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  try {
    using kv1 = await Deno.openKv(path);
    using kv2 = await Deno.openKv(path);
    const { competition, participants: [p] } = await activeCompetition(kv1, { start, stores: 1, customerCap: "50.00" });
    const ids = Array.from({ length: 12 }, (_, i) => String(100 + i));
    await Promise.all(
      ids.map((id, i) => recordOrder(kv1, p.id, order(id, 2000 + i, 0, { manual: true, customerId: "c1" }), during)),
    );
    assert.deepEqual(await auditStore(kv1, p.id), { revenue: 0, orders: 0, held: 12, excluded: 0 });
    const outcomes = await Promise.allSettled(ids.flatMap((id, i) => [
      decideFlag(kv1, {
        competitionId: competition.id,
        flagId: `${p.id}.${id}`,
        userId: "creator",
        isOperator: false,
        body: { decision: "count" },
        now: during + 1000,
      }),
      decideFlag(kv2, {
        competitionId: competition.id,
        flagId: `${p.id}.${id}`,
        userId: "creator",
        isOperator: false,
        body: { decision: i % 3 === 0 ? "count" : "exclude" },
        now: during + 1000,
      }),
      // A refund of the same order arriving meanwhile, on either handle.
      recordOrder(i % 2 ? kv1 : kv2, p.id, order(id, 1000, 5000, { manual: true, customerId: "c1" }), during + 1000),
    ]));
    const refused = outcomes.filter((o) => o.status === "rejected");
    assert.ok(refused.every((o) => (o as PromiseRejectedResult).reason instanceof ConflictError));
    const log = await listAuditLog(kv2, competition.id);
    assert.equal(log.length, ids.length, "one decision per flag, whichever came first");
    for (const entry of log) {
      const stored = (await kv1.get<StoredOrder>(keys.order(p.id, entry.orderId!))).value!;
      assert.equal(stored.decision?.decision, entry.action === "order_counted" ? "count" : "exclude");
      assert.equal(stored.gross, 1000, "the refund applied too");
    }
    const counted = log.filter((e) => e.action === "order_counted").length;
    // Counted by the creator: not under the cap (the creator's decision overrides it).
    assert.deepEqual(await auditStore(kv1, p.id), {
      revenue: counted * 1000,
      orders: counted,
      held: 0,
      excluded: ids.length - counted,
    });
    const flags = (await flagsFor(kv1, competition.id, competition.creatorId, false)).flags;
    assert.equal(flags.length, ids.length);
    assert.ok(flags.every((flag) => flag.status === "decided" && flag.reason === "manual_source"));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("flags - excluding a flagged order that counts takes it out; counting a capped order counts it in full", async () => {
  using kv = await Deno.openKv(":memory:");
  const { competition, participants: [p] } = await activeCompetition(kv, { start, stores: 1, customerCap: "30.00" });
  await recordOrder(kv, p.id, order("1", 2000, 0, { customerId: "c" }), during);
  await recordOrder(kv, p.id, order("2", 2000, 0, { customerId: "c" }), during);
  await recordOrder(kv, p.id, order("3", 500, 0, { risk: "investigate" }), during);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 3500, orders: 3, held: 0, excluded: 0 });
  const decide = (orderId: string, decision: string) =>
    decideFlag(kv, {
      competitionId: competition.id,
      flagId: `${p.id}.${orderId}`,
      userId: "creator",
      isOperator: false,
      body: { decision },
      now: during + 60_000,
    });
  await decide("3", "exclude");
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 3000, orders: 2, held: 0, excluded: 1 });
  await assert.rejects(() => decide("1", "exclude"), /no such flag/, "an order nothing flags cannot be decided");
  await decide("2", "count");
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 4000, orders: 2, held: 0, excluded: 1 }, "counted in full");
  const flags = (await flagsFor(kv, competition.id, competition.creatorId, false)).flags;
  assert.deepEqual(flags.map((f) => [f.orderId, f.reason, f.status, f.decision]).sort(), [
    ["2", "customer_cap", "decided", "count"],
    ["3", "high_risk", "decided", "exclude"],
  ]);
});

Deno.test("flags - the reminder comes once, from a day before the results freeze (or the end, if later), and not for voided orders", async () => {
  using kv = await Deno.openKv(":memory:");
  const { competition, participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  const end = Date.parse(competition.endDate);
  await recordOrder(kv, p.id, order("1", 900, 0, { payment: "voided" }), during);
  const settling = (delayMs: number) =>
    ({ ...competition, status: "SETTLING", settlesAt: new Date(end + delayMs).toISOString() }) as Competition;
  const sent: string[] = [];
  // As a reader in Tokyo reads it.
  const send = (n: Notification) =>
    Promise.resolve(void sent.push(notificationText(n, "title", (iso) => formatDateTime(iso, "Asia/Tokyo"))));
  assert.equal(await remindUndecidedFlags(kv, settling(3 * 86_400_000), end + 86_400_000, send), false, "only voided");
  await recordOrder(kv, p.id, order("2", 500, 0, { manual: true }), during);
  const threeDays = settling(3 * 86_400_000);
  assert.equal(await remindUndecidedFlags(kv, threeDays, end + 47 * 3600_000, send), false, "more than a day left");
  assert.equal(await remindUndecidedFlags(kv, threeDays, end + 48 * 3600_000, send), true);
  assert.equal(await remindUndecidedFlags(kv, threeDays, end + 49 * 3600_000, send), false, "once");
  assert.deepEqual(sent, [
    `“Holiday Cup”: 1 order to review before the results freeze (${
      formatDateTime(new Date(end + 3 * 86_400_000).toISOString(), "Asia/Tokyo")
    })`,
  ]);
  assert.match(sent[0], /GMT\+9\)$/);
  // A window shorter than a day (sandbox mode's 30 s): reminded at the end; not after the results freeze.
  const { competition: other, participants: [q] } = await activeCompetition(kv, {
    start,
    stores: 1,
    shopOf: () => "q.myshopify.com",
  });
  await recordOrder(kv, q.id, order("9", 500, 0, { payment: "pending" }), during);
  const short = { ...other, status: "SETTLING", settlesAt: new Date(end + 30_000).toISOString() } as Competition;
  assert.equal(await remindUndecidedFlags(kv, short, end + 30_000, send), false, "the window closed");
  assert.equal(await remindUndecidedFlags(kv, short, end + 1000, send), true);
});
