/**
 * Checks a store's books against its stored orders, the way an auditor
 * would: the participant's revenue, counted, held and excluded orders equal
 * the sums over its stored orders, its leaderboard row says the same, each
 * customer's cap ledger adds up to what that customer's capped orders add
 * and never passes the cap, and each hour bucket equals its orders' sum.
 * Throws (an assertion) on the first difference.
 */
import assert from "node:assert/strict";
import { keys } from "../lib/core/db.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import type { CustomerLedger } from "../lib/competitions/customer_cap.ts";
import { hourOf, tallyOf } from "../lib/competitions/order_book.ts";
import { leaderboardKey, type Participant } from "../lib/competitions/participants.ts";
import type { StoredOrder } from "../lib/competitions/stored_order.ts";

/** A store's sums as its stored orders make them. */
export interface StoreSums {
  revenue: number;
  orders: number;
  held: number;
  excluded: number;
}

/** Audits one participant's books (see the module comment) and returns its sums. */
export async function auditStore(kv: Deno.Kv, participantId: string): Promise<StoreSums> {
  const participant = (await kv.get<Participant>(keys.participant(participantId))).value!;
  const competition = (await kv.get<Competition>(keys.competition(participant.competitionId))).value!;
  const sums: StoreSums = { revenue: 0, orders: 0, held: 0, excluded: 0 };
  const byCustomer = new Map<string, number>();
  const byHour = new Map<number, number>();
  for await (const entry of kv.list<StoredOrder>({ prefix: keys.orders(participantId) })) {
    const order = entry.value;
    const tally = tallyOf(order);
    sums.revenue += tally.revenue;
    sums.orders += tally.orders;
    sums.held += tally.held;
    sums.excluded += tally.excluded;
    byHour.set(hourOf(order.createdAt), (byHour.get(hourOf(order.createdAt)) ?? 0) + order.amount);
    if (order.capped && order.customer) {
      byCustomer.set(order.customer, (byCustomer.get(order.customer) ?? 0) + order.amount);
    }
  }
  const recorded = {
    revenue: participant.revenue,
    orders: participant.orders,
    held: participant.held ?? 0,
    excluded: participant.excluded ?? 0,
  };
  assert.deepEqual(recorded, sums, "the participant's sums are its stored orders' sums");
  const row = (await kv.get<Participant>(leaderboardKey(participant))).value;
  assert.ok(row, "the participant's leaderboard row is where its total ranks it");
  assert.equal(row.revenue, participant.revenue);
  assert.equal(row.held ?? 0, recorded.held);
  assert.equal(row.excluded ?? 0, recorded.excluded);
  const byAmount = (competition.metric ?? "revenue") !== "orders";
  for await (const entry of kv.list<CustomerLedger>({ prefix: keys.orderCustomers(participantId) })) {
    const customer = String(entry.key.at(-1));
    if (byAmount) {
      assert.equal(entry.value.used, byCustomer.get(customer) ?? 0, "a ledger adds up its customer's capped orders");
      assert.ok(entry.value.used <= competition.customerCap!, "a customer never adds more than the cap");
    }
    byCustomer.delete(customer);
  }
  for (const [customer, amount] of byCustomer) assert.equal(amount, 0, `customer ${customer} has a ledger`);
  for await (const entry of kv.list<{ revenue: number }>({ prefix: keys.orderHours(participantId) })) {
    const hour = Number(entry.key.at(-1));
    assert.equal(entry.value.revenue, byHour.get(hour) ?? 0, "an hour bucket adds up its orders");
    byHour.delete(hour);
  }
  for (const [, amount] of byHour) assert.equal(amount, 0, "every hour with revenue has its bucket");
  return sums;
}
