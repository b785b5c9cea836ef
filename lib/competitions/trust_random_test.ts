/**
 * A randomized check of the trust rules: random order histories per store
 * (payments pending then paid or voided, draft orders, Shopify's risk,
 * customers changing, edits, refunds and cancellations) under a customer
 * cap, each version delivered with duplicates, shuffled, through two KV
 * handles at once, with the creator's decisions racing them. Without
 * decisions every store ends at exactly what the rules give for Shopify's
 * final orders (each customer up to the cap); with them, every store's books
 * still balance (`testing/order_audit.ts`). The seed is fixed (override with
 * TRUST_SEED) and printed on failure.
 */
import assert from "node:assert/strict";
import { activeCompetition } from "../../testing/fixtures.ts";
import { auditStore } from "../../testing/order_audit.ts";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import { decideFlag } from "./flags.ts";
import { type OrderDelivery, recordOrder } from "./revenue.ts";

const SEED = Number(Deno.env.get("TRUST_SEED") ?? 25_2026);
const start = Date.parse("2026-12-02T00:00:00Z");
const CAP = 40_000;

/** mulberry32: a small deterministic generator. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One store's random order histories: every version to deliver, and what the rules give for the final ones. */
function histories(random: () => number, participantId: string, store: number, orders: number) {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const versions: OrderDelivery[] = [];
  const finals: OrderDelivery[] = [];
  for (let o = 0; o < orders; o++) {
    const createdMs = start + Math.floor(random() * 3 * 86_400_000);
    let updatedMs = createdMs;
    let current: OrderDelivery = {
      // Shopify's order ids are unique across shops: an id names one store's order.
      orderId: String((store + 1) * 1000 + o),
      createdAt: new Date(createdMs).toISOString(),
      updatedAt: new Date(updatedMs).toISOString(),
      amount: 1 + Math.floor(random() * 30_000),
      currency: "USD",
      test: false,
      cancelled: false,
      payment: random() < 0.3 ? "pending" : "paid",
      ...(random() < 0.15 ? { manual: true } : {}),
      ...(random() < 0.8 ? { customerId: pick(["1", "2", "3", "4"]) } : {}),
      ...(random() < 0.2 ? { risk: pick(["cancel", "investigate", "accept"] as const) } : {}),
    };
    versions.push(current);
    for (let e = Math.floor(random() * 4); e > 0; e--) {
      updatedMs += 1000 + Math.floor(random() * 60_000);
      const next: OrderDelivery = { ...current, updatedAt: new Date(updatedMs).toISOString() };
      const kind = random();
      if (current.payment === "pending" && kind < 0.4) next.payment = random() < 0.7 ? "paid" : "voided";
      else if (kind < 0.6) next.amount = Math.floor(random() * next.amount); // a refund
      else if (kind < 0.75 && next.customerId) next.customerId = pick(["1", "2", "3", "4"]); // another customer
      else if (kind < 0.85) next.amount += Math.floor(random() * 5_000); // an edit adds an item
      else next.cancelled = true;
      versions.push(current = next);
    }
    finals.push(current);
  }
  const counting = finals.filter((o) => !o.cancelled && o.payment === "paid" && !o.manual && o.risk !== "cancel");
  const byCustomer = new Map<string, number>();
  let expected = 0;
  for (const order of counting) {
    if (order.customerId === undefined) expected += order.amount;
    else byCustomer.set(order.customerId, (byCustomer.get(order.customerId) ?? 0) + order.amount);
  }
  for (const sum of byCustomer.values()) expected += Math.min(CAP, sum);
  return { versions: versions.map((order) => ({ participantId, order })), expected, finals };
}

async function scenario(seed: number, stores: number, withDecisions: boolean) {
  const random = generator(seed);
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  using kv1 = await Deno.openKv(path);
  using kv2 = await Deno.openKv(path);
  try {
    const { competition, participants } = await activeCompetition(kv1, {
      start,
      stores,
      customerCap: (CAP / 100).toFixed(2),
      shopOf: (i) => `t${i}.myshopify.com`,
    });
    const made = participants.map((p, store) => histories(random, p.id, store, 18));
    const deliveries = made.flatMap((m) => m.versions.flatMap((d) => random() < 0.5 ? [d, d] : [d]));
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
    }
    const decisions = withDecisions
      ? made.flatMap((m, s) =>
        m.finals.filter(() => random() < 0.3).map((order) => () =>
          decideFlag(random() < 0.5 ? kv1 : kv2, {
            competitionId: competition.id,
            flagId: `${participants[s].id}.${order.orderId}`,
            userId: "creator",
            isOperator: false,
            body: { decision: random() < 0.5 ? "count" : "exclude" },
            now: start + 5000,
          }).catch((error) => {
            // A decision on an order not flagged (yet), already decided otherwise, or voided is refused.
            if (!(error instanceof NotFoundError || error instanceof ConflictError)) throw error;
          })
        )
      )
      : [];
    await Promise.all([
      ...deliveries.map((d, i) => recordOrder(i % 2 ? kv1 : kv2, d.participantId, d.order, start + 1000)),
      ...decisions.map((decide) => decide()),
    ]);
    for (const [s, participant] of participants.entries()) {
      const sums = await auditStore(kv1, participant.id);
      if (!withDecisions) assert.equal(sums.revenue, made[s].expected, `${participant.shop}: the rules' total`);
    }
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("trust - random histories under a customer cap end at the rules' exact totals; with decisions racing, the books balance", async () => {
  for (let round = 0; round < 6; round++) {
    const seed = SEED + round;
    try {
      await scenario(seed, 2 + (round % 3), round % 2 === 1);
    } catch (error) {
      console.error(`trust random test failed with seed ${seed} (rerun with TRUST_SEED=${seed})`);
      throw error;
    }
  }
});
