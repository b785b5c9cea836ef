/**
 * Group commit across instances: two KV handles on one file (two app
 * instances sharing a database) record interleaved deliveries for the same
 * stores at once, new orders, refunds (newer `updated_at`), stale versions
 * and duplicates, shuffled. Each handle batches its own deliveries into
 * shared commits and conflicts with the other's; at the end every total, the
 * stored sum and the leaderboard agree to the cent.
 */
import assert from "node:assert/strict";
import { activeCompetition } from "../testing/fixtures.ts";
import { type OrderDelivery, recordOrder, sumStoredOrders } from "../lib/competitions/revenue.ts";
import { leaderboardKey, type LeaderboardRow, type Participant } from "../lib/competitions/participants.ts";
import { keys } from "../lib/core/db.ts";
import { groupCommitterOf } from "../lib/core/group_commit.ts";
import { rng, shuffle } from "../bench/support.ts";

const START = Date.parse("2026-12-02T00:00:00Z");
const DURING = START + 3600_000;

Deno.test("group commit - two instances on one KV file batch deliveries for the same stores and stay exact", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  try {
    using kv1 = await Deno.openKv(path);
    using kv2 = await Deno.openKv(path);
    const STORES = 8;
    const ORDERS = 1600;
    const { competition, participants } = await activeCompetition(kv1, { start: START, stores: STORES });
    const random = rng(20261201);
    const expected = new Map<string, number>(participants.map((p) => [p.id, 0]));
    const deliveries: { participantId: string; order: OrderDelivery }[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const participantId = participants[i % STORES].id;
      const amount = 1 + Math.floor(random() * 100_000);
      const refunded = i % 4 === 0 ? Math.floor(amount / 2) : 0;
      const version = (value: number, offsetMs: number): OrderDelivery => ({
        orderId: `o${i}`,
        createdAt: new Date(DURING).toISOString(),
        updatedAt: new Date(DURING + offsetMs).toISOString(),
        amount: value,
        currency: "USD",
        test: false,
        cancelled: false,
      });
      expected.set(participantId, expected.get(participantId)! + amount - refunded);
      deliveries.push({ participantId, order: version(amount, 0) }, { participantId, order: version(amount, 0) });
      if (refunded) deliveries.push({ participantId, order: version(amount - refunded, 1000) });
    }
    shuffle(deliveries, random);
    const outcomes = await Promise.all(
      deliveries.map((d, i) =>
        recordOrder(i % 2 ? kv1 : kv2, d.participantId, d.order, DURING, { competitionId: competition.id })
      ),
    );
    assert.ok(outcomes.every((o) => o === "recorded" || o === "stale"), "every delivery recorded or stale");

    for (const participant of participants) {
      const record = (await kv1.get<Participant>(keys.participant(participant.id))).value!;
      assert.equal(record.revenue, expected.get(participant.id), `${participant.shop} total`);
      assert.equal(record.orders, ORDERS / STORES, `${participant.shop} order count`);
      assert.deepEqual(await sumStoredOrders(kv1, participant.id), { revenue: record.revenue, orders: record.orders });
      const row = (await kv1.get<LeaderboardRow>(leaderboardKey(record))).value;
      assert.equal(row?.revenue, record.revenue, `${participant.shop} leaderboard row`);
    }
    let rows = 0;
    for await (const _ of kv1.list({ prefix: keys.leaderboard(competition.id) })) rows++;
    assert.equal(rows, STORES, "one leaderboard row per store");

    const [a, b] = [groupCommitterOf(kv1).stats(), groupCommitterOf(kv2).stats()];
    console.log(JSON.stringify({ instance1: a, instance2: b }));
    assert.equal(a.tasks + b.tasks, deliveries.length, "every delivery settled through a group commit");
    assert.ok(a.commits + b.commits < deliveries.length / 5, `deliveries share commits (${a.commits + b.commits})`);
    assert.ok(Math.max(a.largestBatch, b.largestBatch) > 10, "batches carry many deliveries");
  } finally {
    await Deno.remove(path);
  }
});
