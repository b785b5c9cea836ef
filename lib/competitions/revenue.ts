/**
 * Revenue: applies one Shopify order delivery to one participant under the
 * counting rule, so that a participant's total is always the sum of its
 * stored orders, whatever the order, number or concurrency of deliveries.
 */
import { changeOf, keys } from "../core/db.ts";
import { groupCommitterOf, type GroupTransaction } from "../core/group_commit.ts";
import { type Competition, inWindow } from "./competitions.ts";
import { leaderboardKey, leaderboardRow, type Participant } from "./participants.ts";
import type { Minor } from "../core/money.ts";
import { observeOrderRecord } from "../core/metrics.ts";

/** One order as a webhook or a sync delivered it, money already in minor units. */
export interface OrderDelivery {
  orderId: string;
  createdAt: string;
  updatedAt: string;
  /** `current_total_price` in shop money (nets refunds and edits). */
  amount: Minor;
  currency: string;
  test: boolean;
  cancelled: boolean;
}

/** An order as stored for a participant. */
export interface StoredOrder {
  /** Why the order does not count, when it does not (shown to the store owner). */
  reason?: NotCountedReason;
  /** What this order adds to the participant's total (0 when it does not count). */
  amount: Minor;
  counted: boolean;
  createdAt: string;
  updatedAt: string;
  /** The latest delivery after results were frozen: kept, not counted. */
  afterSettlement?: { amount: Minor; counted: boolean; updatedAt: string };
}

/** What `recordOrder` did with a delivery. */
export type RecordOutcome =
  | "recorded" // stored; the total may or may not have moved
  | "stale" // an equal or newer version was already stored
  | "outside_window" // created outside [start, end): never counts
  | "after_settlement" // kept for the record; the result is frozen
  | "disconnected" // the store left (asked with `onlyIfConnected`)
  | "foreign_order" // this order id was recorded for another store of the competition: refused
  | "unknown_participant";

/** Why an order inside the window does not count: a test order, cancelled, or in another currency. */
export type NotCountedReason = "test" | "cancelled" | "currency";

/** Why `order` does not count for a competition in `currency`, or undefined when it does. */
export function whyNotCounted(order: OrderDelivery, currency: string): NotCountedReason | undefined {
  if (order.test) return "test";
  if (order.cancelled) return "cancelled";
  return order.currency === currency ? undefined : "currency";
}

/** Whether the order counts for a competition in this currency, per the rules. */
export function countsFor(order: OrderDelivery, currency: string): boolean {
  return whyNotCounted(order, currency) === undefined;
}

/**
 * Records one order delivery for one participant: stores the order with its
 * amount and `updated_at`, and moves the participant's total, its leaderboard
 * row, the race-chart sample and the change key in one atomic commit, which
 * deliveries arriving within a few milliseconds share (`lib/core/group_commit.ts`).
 * Resolves only once that commit succeeded. Idempotent; a delivery older than
 * (or as old as) the stored one changes nothing; deliveries of one batch are
 * applied in arrival order, and batches are checked optimistically across
 * processes (a conflict re-runs the batch on fresh values).
 *
 * @example
 * await recordOrder(kv, participant.id, { orderId: "1", amount: 1250, currency: "USD", ... }, Date.now());
 */
export function recordOrder(
  kv: Deno.Kv,
  participantId: string,
  order: OrderDelivery,
  now: number,
  options: RecordOptions = {},
): Promise<RecordOutcome> {
  const started = performance.now();
  const reads: Deno.KvKey[] = [keys.participant(participantId), keys.order(participantId, order.orderId)];
  if (options.competitionId) {
    reads.push(keys.competition(options.competitionId), keys.orderOwner(options.competitionId, order.orderId));
  }
  const outcome = groupCommitterOf(kv).submit({
    reads,
    run: (tx) => applyOrder(tx, participantId, order, now, options),
  });
  outcome.then((result) => observeOrderRecord(result, performance.now() - started), () => {});
  return outcome;
}

/** Options of `recordOrder`. */
export interface RecordOptions {
  /**
   * Writes added to the commit that stores the order (e.g. remembering the
   * webhook delivery that carried it), so they land together or not at all;
   * at most two mutations.
   */
  alsoCommit?: (op: Deno.AtomicOperation) => Deno.AtomicOperation;
  /** The participant's competition, when the caller knows it: saves a read. */
  competitionId?: string;
  /** Leave the order aside when the participant's store is disconnected (webhooks). */
  onlyIfConnected?: boolean;
}

/** The counting rule applied to one delivery, on the values its batch sees. */
async function applyOrder(
  tx: GroupTransaction,
  participantId: string,
  order: OrderDelivery,
  now: number,
  options: RecordOptions,
): Promise<RecordOutcome> {
  const participant = await tx.get<Participant>(keys.participant(participantId));
  // A participant never changes competition: with its id known, the three records are read together.
  const competition = await tx.get<Competition>(
    keys.competition(options.competitionId ?? participant?.competitionId ?? ""),
  );
  if (!participant || !competition || participant.competitionId !== competition.id) return "unknown_participant";
  if (options.onlyIfConnected && participant.connection !== "connected") return "disconnected";
  if (!inWindow(competition, Date.parse(order.createdAt))) return "outside_window";
  // An order belongs to one store: the same order id delivered for another store of the competition is a signed
  // body replayed under other headers. Checked in the batch's read set, so two such deliveries cannot both win.
  const ownerKey = keys.orderOwner(competition.id, order.orderId);
  const owner = await tx.get<string>(ownerKey);
  if (owner !== null && owner !== participantId) return "foreign_order";
  const orderKey = keys.order(participantId, order.orderId);
  const stored = await tx.get<StoredOrder>(orderKey);
  const updatedMs = Date.parse(order.updatedAt);
  const latestMs = stored ? Date.parse(stored.afterSettlement?.updatedAt ?? stored.updatedAt) : -Infinity;
  if (updatedMs <= latestMs) return "stale";
  if (owner === null) tx.set(ownerKey, participantId);

  // In the settlement window an order already counted can only lose value (refunds, cancellations): an edit
  // after the end adds nothing.
  const late = competition.status === "SETTLING" && stored !== null;
  const counted = countsFor(order, competition.currency) && (!late || stored.counted);
  const amount = counted ? (late ? Math.min(order.amount, stored.amount) : order.amount) : 0;
  if (options.alsoCommit) tx.also(options.alsoCommit);

  if (competition.resultsFrozenAt) {
    const kept: StoredOrder = stored ??
      { amount: 0, counted: false, createdAt: order.createdAt, updatedAt: order.createdAt };
    tx.set(orderKey, { ...kept, afterSettlement: { amount, counted, updatedAt: order.updatedAt } });
    return "after_settlement";
  }

  const reason = whyNotCounted(order, competition.currency);
  tx.set(
    orderKey,
    {
      amount,
      counted,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
      ...(reason ? { reason } : {}),
    } satisfies StoredOrder,
  );
  const delta = amount - (stored?.amount ?? 0);
  const orderDelta = (counted ? 1 : 0) - (stored?.counted ? 1 : 0);
  if (delta === 0 && orderDelta === 0) return "recorded";
  const next: Participant = {
    ...participant,
    revenue: participant.revenue + delta,
    orders: participant.orders + orderDelta,
    reachedAt: delta !== 0 && updatedMs > Date.parse(participant.reachedAt)
      ? new Date(updatedMs).toISOString()
      : participant.reachedAt,
    lastOrderAt: counted && (!participant.lastOrderAt || order.createdAt > participant.lastOrderAt)
      ? order.createdAt
      : participant.lastOrderAt,
  };
  tx.set(keys.participant(participantId), next);
  tx.delete(leaderboardKey(participant));
  tx.set(leaderboardKey(next), leaderboardRow(next));
  tx.set(keys.revenuePoint(competition.id, participantId, samplePoint(competition, now)), next.revenue);
  // The change key is written like `bumpChange` does; staged here so a batch writes it once.
  tx.set(keys.changes(competition.id), changeOf("leaderboard", now));
  return "recorded";
}

/** Race-chart samples are bucketed so a competition keeps at most ~240 per store. */
function samplePoint(competition: Competition, now: number): number {
  const start = Date.parse(competition.startDate);
  const end = Date.parse(competition.endDate);
  const bucket = Math.max(1000, Math.floor((end - start) / 240));
  const at = Math.min(Math.max(now, start), end);
  return start + Math.floor((at - start) / bucket) * bucket;
}

/** Sums a participant's stored orders (the total must always equal this). */
export async function sumStoredOrders(kv: Deno.Kv, participantId: string): Promise<{ revenue: Minor; orders: number }> {
  let revenue = 0;
  let orders = 0;
  for await (const entry of kv.list<StoredOrder>({ prefix: keys.orders(participantId) })) {
    revenue += entry.value.amount;
    if (entry.value.counted) orders++;
  }
  return { revenue, orders };
}

/** One of a store's orders as its owner sees it: what it adds and, when it adds nothing, why. */
export interface OwnOrder {
  orderId: string;
  createdAt: string;
  amount: Minor;
  counted: boolean;
  reason?: NotCountedReason;
}

/**
 * A participant's stored orders, newest first (at most `limit`): each order
 * taken inside the window, with what it adds to the total, so an owner can
 * check the total rather than believe it.
 */
export async function listOwnOrders(kv: Deno.Kv, participantId: string, limit = 200): Promise<OwnOrder[]> {
  const orders: OwnOrder[] = [];
  // Shopify's order ids grow with time: the last keys are the newest orders, so a large store costs `limit` reads.
  for await (const entry of kv.list<StoredOrder>({ prefix: keys.orders(participantId) }, { reverse: true, limit })) {
    const { amount, counted, createdAt, reason } = entry.value;
    orders.push({ orderId: String(entry.key.at(-1)), createdAt, amount, counted, ...(reason ? { reason } : {}) });
  }
  return orders.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
