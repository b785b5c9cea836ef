/**
 * The counting rule for one order, as a pure function: which orders count,
 * which are held for the creator (not paid yet, payment voided, entered by
 * hand, Shopify's fraud analysis says to cancel) and which count but are
 * flagged (Shopify says to investigate), and how the creator's decision
 * overrides a hold. The customer cap and spikes depend on the store's other
 * orders: they are applied after this, by `order_book.ts`.
 */
import type { Minor } from "../core/money.ts";

/** Where an order stands with its payment: paid (refunds netted out), waiting for it, or voided (never paid). */
export type PaymentState = "paid" | "pending" | "voided";

/** Shopify's fraud analysis of an order: what it recommends doing with it. */
export type RiskRecommendation = "accept" | "cancel" | "investigate" | "none";

/** Why an order is held or flagged for the creator (the `reason` of a flag). */
export type FlagReason = "pending_payment" | "voided" | "manual_source" | "high_risk" | "customer_cap" | "spike";

/** The creator's decision on a held or flagged order. */
export type Decision = "count" | "exclude";

/** A decision as stored with its order. */
export interface DecisionRecord {
  decision: Decision;
  /** When it was taken (ISO). */
  at: string;
  /** The creator who took it. */
  by: string;
  note?: string;
}

/** What Shopify told us about an order, beyond its money and whether it is eligible at all. */
export interface OrderStanding {
  /** Absent on orders stored before statuses were read: counted as paid. */
  payment?: PaymentState;
  manual?: boolean;
  /** Whether the order has a customer the cap can follow. */
  hasCustomer: boolean;
  risk?: RiskRecommendation;
  decision?: DecisionRecord;
}

/** The competition's rules that concern one order. */
export interface OrderRules {
  countManualOrders: boolean;
  /** Whether a customer cap is set. */
  capped: boolean;
}

/**
 * What the rules say of an eligible order (created in the window, not a
 * test, not cancelled, in the competition's currency):
 * - `held`: it adds nothing until the reason goes away or the creator counts it;
 * - `excluded`: the creator excluded it;
 * - `counts`: it adds its total, up to the customer cap when `capped`, and is
 *   flagged (still counting) when `flag` says so.
 */
export type Verdict =
  | { kind: "held"; reason: FlagReason }
  | { kind: "excluded" }
  | { kind: "counts"; capped: boolean; flag?: FlagReason; decided: boolean };

/**
 * Judges an eligible order. A voided payment never counts, whatever was
 * decided; the creator's `exclude` wins over everything else and `count`
 * over every hold (and over the cap); otherwise a cancel recommendation, a
 * pending payment and manual entry (unless the competition counts manual
 * orders) hold the order, in that order of precedence.
 *
 * @example
 * judgeOrder({ payment: "pending", hasCustomer: false }, { countManualOrders: false, capped: false });
 * // { kind: "held", reason: "pending_payment" }
 */
export function judgeOrder(order: OrderStanding, rules: OrderRules): Verdict {
  const decision = order.decision?.decision;
  if (decision === "exclude") return { kind: "excluded" };
  if (order.payment === "voided") return { kind: "held", reason: "voided" };
  if (decision === "count") return { kind: "counts", capped: false, decided: true };
  if (order.risk === "cancel") return { kind: "held", reason: "high_risk" };
  if (order.payment === "pending") return { kind: "held", reason: "pending_payment" };
  if (order.manual && !rules.countManualOrders) return { kind: "held", reason: "manual_source" };
  return {
    kind: "counts",
    capped: rules.capped && order.hasCustomer,
    decided: false,
    ...(order.risk === "investigate" ? { flag: "high_risk" as const } : {}),
  };
}

/** What a store's orders before the start tell the spike measure: counted revenue and orders over `hours` hours. */
export interface SalesHistory {
  revenue: Minor;
  hours: number;
  /** Counted orders in those hours (absent on histories read before it was kept). */
  orders?: number;
}

/**
 * Whether a store's revenue in one hour is a spike: above ten times its
 * hourly average over the history read before the start (`revenue` over
 * `hours`), compared in integers. A store with no history read has no spikes.
 */
export function isSpike(hourRevenue: Minor, history: SalesHistory | undefined): boolean {
  if (!history || history.hours <= 0) return false;
  return hourRevenue * history.hours > SPIKE_FACTOR * history.revenue;
}

/**
 * Whether a store's history gives an hourly average worth measuring hours
 * against: at least one counted order per {@link SPIKE_FACTOR} hours (72 in
 * 30 days). Below that, one order of the store's own average size is by
 * itself more than ten times its hourly average (average order R/N > 10·R/H
 * exactly when N < H/10), so every hour with a sale would look like a spike.
 * A history read before orders were counted is judged by its revenue alone.
 *
 * @example hasMeaningfulHistory({ revenue: 720_00, hours: 720, orders: 72 }) // true
 */
export function hasMeaningfulHistory(history: SalesHistory): boolean {
  if (history.orders === undefined) return history.revenue > 0;
  return history.orders > 0 && history.orders * SPIKE_FACTOR >= history.hours;
}

/** How many times its hourly average a store's hour must exceed to be a spike. */
export const SPIKE_FACTOR = 10;
