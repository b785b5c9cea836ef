/**
 * Revenue: applies one Shopify order delivery to one participant under the
 * counting rule, so that a participant's total is always the sum of its
 * stored orders, whatever the order, number or concurrency of deliveries.
 */
import { bumpChange, commit, keys } from "../core/db.ts";
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
  | "unknown_participant";

/** Whether the order counts for a competition in this currency, per the rules. */
export function countsFor(order: OrderDelivery, currency: string): boolean {
  return !order.test && !order.cancelled && order.currency === currency;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task for the same participant in this process. */
function serialized<T>(participantId: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(participantId) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.catch(() => {});
  queues.set(participantId, tail);
  tail.then(() => {
    if (queues.get(participantId) === tail) queues.delete(participantId);
  });
  return run;
}

/**
 * Records one order delivery for one participant: stores the order with its
 * amount and `updated_at`, and moves the participant's total, its leaderboard
 * row, the race-chart sample and the change key in one atomic commit.
 * Idempotent; a delivery older than (or as old as) the stored one changes
 * nothing; concurrent deliveries are serialized in-process and checked
 * optimistically across processes.
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
  const outcome = serialized(participantId, () => applyOrder(kv, participantId, order, now, options));
  outcome.then((result) => observeOrderRecord(result, performance.now() - started), () => {});
  return outcome;
}

/** Options of `recordOrder`. */
export interface RecordOptions {
  /**
   * Writes added to the commit that stores the order (e.g. remembering the
   * webhook delivery that carried it), so they land together or not at all.
   */
  alsoCommit?: (op: Deno.AtomicOperation) => Deno.AtomicOperation;
  /** The participant's competition, when the caller knows it: saves a read. */
  competitionId?: string;
  /** Leave the order aside when the participant's store is disconnected (webhooks). */
  onlyIfConnected?: boolean;
}

async function applyOrder(
  kv: Deno.Kv,
  participantId: string,
  order: OrderDelivery,
  now: number,
  options: RecordOptions,
): Promise<RecordOutcome> {
  const also = options.alsoCommit ?? ((op: Deno.AtomicOperation) => op);
  for (;;) {
    // A participant never changes competition: with its id known, one read fetches all three records.
    const [participantEntry, competitionEntry, storedEntry] = options.competitionId
      ? await kv.getMany<[Participant, Competition, StoredOrder]>([
        keys.participant(participantId),
        keys.competition(options.competitionId),
        keys.order(participantId, order.orderId),
      ])
      : await readInTurn(kv, participantId, order.orderId);
    const participant = participantEntry.value;
    const competition = competitionEntry.value;
    if (!participant || !competition || participant.competitionId !== competition.id) return "unknown_participant";
    if (options.onlyIfConnected && participant.connection !== "connected") return "disconnected";
    if (!inWindow(competition, Date.parse(order.createdAt))) return "outside_window";
    const stored = storedEntry.value;
    const updatedMs = Date.parse(order.updatedAt);
    const latestMs = stored ? Date.parse(stored.afterSettlement?.updatedAt ?? stored.updatedAt) : -Infinity;
    if (updatedMs <= latestMs) return "stale";

    // In the settlement window an order already counted can only lose value (refunds, cancellations): an edit
    // after the end adds nothing.
    const late = competition.status === "SETTLING" && stored !== null;
    const counted = countsFor(order, competition.currency) && (!late || stored.counted);
    const amount = counted ? (late ? Math.min(order.amount, stored.amount) : order.amount) : 0;

    if (competition.resultsFrozenAt) {
      const kept: StoredOrder = stored ??
        { amount: 0, counted: false, createdAt: order.createdAt, updatedAt: order.createdAt };
      const result = await commit(() =>
        also(
          kv.atomic().check(storedEntry, competitionEntry)
            .set(keys.order(participantId, order.orderId), {
              ...kept,
              afterSettlement: { amount, counted, updatedAt: order.updatedAt },
            }),
        )
      );
      if (result.ok) return "after_settlement";
      continue;
    }

    const nextOrder: StoredOrder = { amount, counted, createdAt: order.createdAt, updatedAt: order.updatedAt };
    const delta = amount - (stored?.amount ?? 0);
    const orderDelta = (counted ? 1 : 0) - (stored?.counted ? 1 : 0);
    const moved = delta !== 0 || orderDelta !== 0;
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
    const build = () => {
      const op = also(kv.atomic().check(participantEntry, storedEntry, competitionEntry))
        .set(keys.order(participantId, order.orderId), nextOrder);
      if (!moved) return op;
      op.set(keys.participant(participantId), next)
        .delete(leaderboardKey(participant))
        .set(leaderboardKey(next), leaderboardRow(next))
        .set(keys.revenuePoint(competition.id, participantId, samplePoint(competition, now)), next.revenue);
      return bumpChange(op, competition.id, "leaderboard", now);
    };
    const result = await commit(build);
    if (result.ok) return "recorded";
  }
}

/** The participant, then its competition and stored order (when the competition id is not known up front). */
async function readInTurn(kv: Deno.Kv, participantId: string, orderId: string) {
  const participantEntry = await kv.get<Participant>(keys.participant(participantId));
  const competitionId = participantEntry.value?.competitionId ?? "";
  const [competitionEntry, storedEntry] = await kv.getMany<[Competition, StoredOrder]>([
    keys.competition(competitionId),
    keys.order(participantId, orderId),
  ]);
  return [participantEntry, competitionEntry, storedEntry] as const;
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
