/**
 * An order as stored for a participant (`["orders", participantId, orderId]`):
 * the facts Shopify gave, what they make it add to the store's total, and
 * its flag and the creator's decision. `revenue.ts` writes it from
 * deliveries, `order_book.ts` works out what it adds; readers (the store
 * owner's list, the creator's flags, the race chart) read it.
 */
import type { Minor } from "../core/money.ts";
import type { Decision, DecisionRecord, FlagReason, PaymentState, RiskRecommendation } from "./order_rules.ts";

/** Why an order inside the window does not count: a test order, cancelled, or in another currency. */
export type NotCountedReason = "test" | "cancelled" | "currency";

/** An order as stored for a participant: its facts, what it adds, and its flag. */
export interface StoredOrder {
  /** Shopify's name of the order as the store sees it (`#1001`); absent on orders stored before names were kept. */
  name?: string;
  /** Why the order does not count, when it is not eligible at all (shown to the store owner). */
  reason?: NotCountedReason;
  /** What this order adds to the participant's total (0 when it does not count). */
  amount: Minor;
  counted: boolean;
  createdAt: string;
  updatedAt: string;
  /** The latest delivery after results were frozen: kept, not counted. */
  afterSettlement?: { amount: Minor; counted: boolean; updatedAt: string };
  /** The order's current total: what it would add if nothing held it back. */
  gross?: Minor;
  /** Absent on orders stored before statuses were read: paid. Once voided, always voided. */
  payment?: PaymentState;
  manual?: boolean;
  /** The store's pseudonym of the order's customer (`customerKeyOf`), never Shopify's id. */
  customer?: string;
  risk?: RiskRecommendation;
  /** When `risk` was read (a newer reading of another value replaces it). */
  riskAt?: string;
  /** Accounted in its customer's cap ledger. */
  capped?: boolean;
  /** It took an hour of the store's revenue past ten times the store's hourly average (one order per hour). */
  spike?: boolean;
  /** Its spike mark is the store's one flag for having no meaningful sales history before the start. */
  noHistory?: true;
  /** Set once the order was ever held or flagged: the reason (the current one while `open`). */
  flag?: { reason: FlagReason; open: boolean; raisedAt: string };
  /** The creator's decision, once taken. */
  decision?: DecisionRecord;
}

/** Where a flag stands: waiting for the creator, gone by itself (paid, room under the cap), or decided. */
export type FlagStatus = "open" | "cleared" | "decided";

/** A flagged order's status. */
export function flagStatusOf(order: Pick<StoredOrder, "flag" | "decision">): FlagStatus {
  if (order.decision) return "decided";
  return order.flag?.open ? "open" : "cleared";
}

/**
 * What the review queue sorts a flagged order by, kept in its index entry
 * (`["flags", competitionId, flagId]`) so the queue reads only the orders it
 * shows: its status and reason, whether it is held (out of the totals until
 * counted) and when it was raised and decided.
 */
export interface FlagState {
  status: FlagStatus;
  reason: FlagReason;
  held: boolean;
  raisedAt: string;
  decidedAt?: string;
}

/** The {@link FlagState} of an order; undefined when it was never flagged. */
export function flagStateOf(order: StoredOrder): FlagState | undefined {
  if (!order.flag) return undefined;
  return {
    status: flagStatusOf(order),
    reason: order.flag.reason,
    held: !order.counted && order.decision?.decision !== "exclude",
    raisedAt: order.flag.raisedAt,
    ...(order.decision ? { decidedAt: order.decision.at } : {}),
  };
}

/** Whether an order's `spike` flag is its store's one flag for having no meaningful sales history before the start. */
export function noSalesHistory(order: Pick<StoredOrder, "flag" | "noHistory">): boolean {
  return order.noHistory === true && order.flag?.reason === "spike";
}

/** One of a store's orders as its owner sees it: what it adds and, when it adds nothing, why. */
export interface OwnOrder {
  orderId: string;
  /** Shopify's name of the order (`#1001`), when known. */
  name?: string;
  createdAt: string;
  amount: Minor;
  counted: boolean;
  reason?: NotCountedReason;
  /** The order's total, when it adds less (held, capped, excluded). */
  total?: Minor;
  /** Why it was held or flagged for the creator, where that stands, and what the creator decided. */
  review?: {
    reason: FlagReason;
    status: FlagStatus;
    /** A spike flagged because the store had no meaningful sales history before the start. */
    noSalesHistory?: true;
    decision?: Decision;
    note?: string;
  };
}

/** What a store's owner sees of one stored order (the owner's panels move when it changes). */
export function ownOrderOf(orderId: string, order: StoredOrder): OwnOrder {
  const { name, amount, counted, createdAt, reason, gross, flag, decision } = order;
  return {
    orderId,
    ...(name ? { name } : {}),
    createdAt,
    amount,
    counted,
    ...(reason ? { reason } : {}),
    ...(gross !== undefined && gross !== amount ? { total: gross } : {}),
    ...(flag
      ? {
        review: {
          reason: flag.reason,
          status: flagStatusOf(order),
          ...(noSalesHistory(order) ? { noSalesHistory: true } : {}),
          ...(decision ? { decision: decision.decision } : {}),
          ...(decision?.note ? { note: decision.note } : {}),
        },
      }
      : {}),
  };
}
