/**
 * Revenue: applies one Shopify order delivery to one participant under the
 * counting rule, so that a participant's total is always the sum of its
 * stored orders, whatever the order, number or concurrency of deliveries.
 * Each order is stored with its facts (total, payment, manual entry,
 * customer, risk, the creator's decision) and what they make it add;
 * `order_book.ts` applies the rule and keeps the sums that depend on it in
 * the same commit.
 *
 * One idea past 300 lines: a delivery's facts, their commit and the reads
 * of what was stored (the totals, the owner's own orders) share the stored
 * order's shape.
 */
import { createHash } from "node:crypto";
import { keys } from "../core/db.ts";
import { groupCommitterOf, type GroupTransaction } from "../core/group_commit.ts";
import { type Competition, inWindow } from "./competitions.ts";
import type { Participant } from "./participants.ts";
import type { Minor } from "../core/money.ts";
import { observeOrderRecord } from "../core/metrics.ts";
import { hourOf, StoreBook } from "./order_book.ts";
import type { PaymentState, RiskRecommendation } from "./order_rules.ts";
import { type NotCountedReason, type OwnOrder, ownOrderOf, type StoredOrder } from "./stored_order.ts";

/** One order as a webhook or a sync delivered it, money already in minor units. */
export interface OrderDelivery {
  orderId: string;
  /** Shopify's name of the order (`#1001`), when the delivery carries it. */
  name?: string;
  createdAt: string;
  updatedAt: string;
  /** `current_total_price` in shop money (nets refunds and edits). */
  amount: Minor;
  currency: string;
  test: boolean;
  cancelled: boolean;
  /** Shopify's financial status; absent when the payload does not say (counted as paid, as before statuses). */
  payment?: PaymentState;
  /** From a draft order or the manual payment gateway. */
  manual?: boolean;
  /** Shopify's customer id (absent for a guest checkout, or when Shopify withholds it). */
  customerId?: string;
  /** Shopify's fraud recommendation, when the delivery read it (the Admin API; webhooks do not carry it). */
  risk?: RiskRecommendation;
}

/** What `recordOrder` did with a delivery. */
export type RecordOutcome =
  | "recorded" // stored; the total may or may not have moved
  | "stale" // an equal or newer version was already stored
  | "outside_window" // created outside [start, end): never counts
  | "after_settlement" // kept for the record; the result is frozen
  | "disconnected" // the store left (asked with `onlyIfConnected`)
  | "foreign_order" // this order id was recorded for another store of the competition: refused
  | "duplicate" // the delivery was already applied (asked with `unlessRecorded`): nothing written
  | "unknown_participant";

/** Why `order` does not count for a competition in `currency`, or undefined when it does. */
export function whyNotCounted(order: OrderDelivery, currency: string): NotCountedReason | undefined {
  if (order.test) return "test";
  if (order.cancelled) return "cancelled";
  return order.currency === currency ? undefined : "currency";
}

/** Whether the order is eligible for a competition in this currency (not a test, not cancelled, same currency). */
export function countsFor(order: OrderDelivery, currency: string): boolean {
  return whyNotCounted(order, currency) === undefined;
}

/**
 * A store's pseudonym for one of its customers: a hash of the participant id
 * and Shopify's customer id, so the cap can follow a customer without the
 * app keeping Shopify's id, and one store's customers cannot be matched with
 * another's.
 */
export function customerKeyOf(participantId: string, customerId: string): string {
  // node:crypto's hash is synchronous: no async op on every order, as WebCrypto's digest would be.
  return createHash("sha256").update(`${participantId}:${customerId}`).digest("hex").slice(0, 24);
}

/**
 * Records one order delivery for one participant: stores the order with its
 * facts and what they make it add, and moves the participant's total, its
 * counts, its leaderboard row, the race-chart sample, the hour bucket, the
 * customer's cap ledger and the change key in one atomic commit, which
 * deliveries arriving within a few milliseconds share
 * (`lib/core/group_commit.ts`). Resolves only once that commit succeeded.
 * Idempotent; a delivery older than (or as old as) the stored one changes
 * nothing, except a newer reading of Shopify's risk recommendation;
 * deliveries of one batch are applied in arrival order, and batches are
 * checked optimistically across processes (a conflict re-runs the batch on
 * fresh values).
 *
 * @example
 * await recordOrder(kv, participant.id, { orderId: "1", amount: 1250, currency: "USD", ... }, Date.now());
 */
export async function recordOrder(
  kv: Deno.Kv,
  participantId: string,
  order: OrderDelivery,
  now: number,
  options: RecordOptions = {},
): Promise<RecordOutcome> {
  const started = performance.now();
  const customer = order.customerId === undefined ? undefined : customerKeyOf(participantId, order.customerId);
  const reads: Deno.KvKey[] = [keys.participant(participantId), keys.order(participantId, order.orderId)];
  if (options.competitionId) {
    reads.push(keys.competition(options.competitionId), keys.orderOwner(options.competitionId, order.orderId));
  }
  const createdMs = Date.parse(order.createdAt);
  if (!Number.isNaN(createdMs)) reads.push(keys.orderHour(participantId, hourOf(order.createdAt)));
  if (customer) reads.push(keys.orderCustomer(participantId, customer));
  const done = options.unlessRecorded ?? [];
  reads.push(...done);
  const outcome = groupCommitterOf(kv).submit({
    reads,
    run: async (tx) => {
      for (const key of done) if (await tx.get(key) !== null) return "duplicate";
      return applyOrder(tx, participantId, order, customer, now, options);
    },
  });
  outcome.then((result) => observeOrderRecord(result, performance.now() - started), () => {});
  return await outcome;
}

/** Options of `recordOrder`. */
export interface RecordOptions {
  /**
   * Writes added to the commit that stores the order (e.g. remembering the
   * webhook delivery that carried it), so they land together or not at all;
   * at most two mutations.
   */
  alsoCommit?: (op: Deno.AtomicOperation) => Deno.AtomicOperation;
  /**
   * Keys any of which holds a value once this delivery was applied (its
   * webhook ids): read with the batch (no round trip of their own), and when
   * one is set nothing is written and the outcome is `"duplicate"`.
   */
  unlessRecorded?: readonly Deno.KvKey[];
  /** The participant's competition, when the caller knows it: saves a read. */
  competitionId?: string;
  /** Leave the order aside when the participant's store is disconnected (webhooks). */
  onlyIfConnected?: boolean;
}

/** What an order adds by itself, before the cap: its total if stored facts allowed (legacy records: their amount). */
function grossOf(stored: StoredOrder): Minor {
  return stored.gross ?? stored.amount;
}

/**
 * The facts of a delivery merged with what is kept of the stored order: a
 * voided payment stays voided, an order keeps its customer when a delivery
 * names none, its risk when a delivery does not read it, its spike mark and
 * the creator's decision. In the settlement window a stored order's total
 * can only go down (an edit after the end adds nothing).
 */
function factsOf(
  order: OrderDelivery,
  stored: StoredOrder | null,
  competition: Competition,
  customer: string | undefined,
  now: number,
): StoredOrder {
  const late = competition.status === "SETTLING" && stored !== null;
  const reason = whyNotCounted(order, competition.currency);
  const payment = stored?.payment === "voided" ? "voided" : order.payment ?? "paid";
  const kept: StoredOrder = {
    ...stored,
    amount: stored?.amount ?? 0,
    counted: stored?.counted ?? false,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    gross: late ? Math.min(order.amount, grossOf(stored)) : order.amount,
    payment,
  };
  delete kept.reason;
  delete kept.afterSettlement;
  if (order.name) kept.name = order.name;
  if (reason) kept.reason = reason;
  if (order.manual) kept.manual = true;
  else delete kept.manual;
  if (customer) kept.customer = customer;
  if (order.risk !== undefined) {
    kept.risk = order.risk;
    kept.riskAt = new Date(now).toISOString();
  }
  return kept;
}

/**
 * What a delivery no newer than the stored order still brings: a reading of
 * Shopify's risk that differs from the stored one (the analysis need not
 * move the order's `updated_at`), and the name an order stored before names
 * were kept lacks. `undefined` when it brings nothing.
 */
function lateFacts(order: OrderDelivery, stored: StoredOrder | null, now: number): Partial<StoredOrder> | undefined {
  if (stored === null) return undefined;
  const facts: Partial<StoredOrder> = {};
  if (order.risk !== undefined && order.risk !== stored.risk) {
    facts.risk = order.risk;
    facts.riskAt = new Date(now).toISOString();
  }
  if (order.name && !stored.name) facts.name = order.name;
  return Object.keys(facts).length > 0 ? facts : undefined;
}

/** The counting rule applied to one delivery, on the values its batch sees. */
async function applyOrder(
  tx: GroupTransaction,
  participantId: string,
  order: OrderDelivery,
  customer: string | undefined,
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
  const stale = updatedMs <= latestMs;
  const fresh = stale ? lateFacts(order, stored, now) : undefined;
  if (stale && (!fresh || competition.resultsFrozenAt)) return "stale";
  if (owner === null) tx.set(ownerKey, participantId);
  if (options.alsoCommit) tx.also(options.alsoCommit);

  if (competition.resultsFrozenAt) {
    const counted = countsFor(order, competition.currency) && order.payment !== "voided" &&
      order.payment !== "pending";
    const kept: StoredOrder = stored ??
      { name: order.name, amount: 0, counted: false, createdAt: order.createdAt, updatedAt: order.createdAt };
    tx.set(orderKey, {
      ...kept,
      afterSettlement: { amount: counted ? order.amount : 0, counted, updatedAt: order.updatedAt },
    });
    return "after_settlement";
  }

  const facts = stale ? { ...stored!, ...fresh } : factsOf(order, stored, competition, customer, now);
  const book = new StoreBook(tx, participant, competition);
  await book.place(order.orderId, stored, facts, now);
  await book.refill(order.orderId, now);
  book.finish(now, stale ? now : updatedMs);
  return "recorded";
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

/**
 * A participant's stored orders, newest first (at most `limit`): each order
 * taken inside the window, with what it adds to the total and, when it was
 * held or flagged, why and what the creator decided, so an owner can check
 * the total rather than believe it.
 */
export async function listOwnOrders(kv: Deno.Kv, participantId: string, limit = 200): Promise<OwnOrder[]> {
  const orders: OwnOrder[] = [];
  // Shopify's order ids grow with time: the last keys are the newest orders, so a large store costs `limit` reads.
  for await (const entry of kv.list<StoredOrder>({ prefix: keys.orders(participantId) }, { reverse: true, limit })) {
    orders.push(ownOrderOf(String(entry.key.at(-1)), entry.value));
  }
  return orders.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
