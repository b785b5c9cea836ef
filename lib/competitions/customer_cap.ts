/**
 * The customer cap's ledger: one record per customer per store, read and
 * written in the commit of every order of that customer, so the cap holds
 * against committed values whatever the order and concurrency of
 * deliveries.
 *
 * - Revenue and growth: the customer's orders add at most `customerCap`
 *   together. `used` is what they add; an order placed when the room is
 *   gone adds what is left and records the rest in `short`. When an order of
 *   the customer shrinks or leaves (refund, cancellation, exclusion), the
 *   room it frees goes to the orders in `short`, oldest first, so that in the
 *   end the customer adds exactly min(cap, the sum of their orders).
 * - Orders: one order per customer per UTC day counts (`days`); others wait
 *   (`waiting`) and one takes the day's place if the counted one leaves.
 *
 * Pure functions over a ledger value; `order_book.ts` reads and writes it.
 */
import type { Minor } from "../core/money.ts";

/** One customer's orders in one store, as the cap accounts for them. */
export interface CustomerLedger {
  /** What the customer's capped orders add now (revenue and growth). */
  used: Minor;
  /** Orders adding less than their total because of the cap: order id → the part held back. */
  short: Record<string, Minor>;
  /** Orders metric: the order counting for each UTC day (`YYYY-MM-DD`). */
  days: Record<string, string>;
  /** Orders metric: orders waiting for their day's place: order id → day. */
  waiting: Record<string, string>;
}

/** A customer with no order yet. */
export function emptyLedger(): CustomerLedger {
  return { used: 0, short: {}, days: {}, waiting: {} };
}

/** The UTC day of an instant, as the orders metric's cap counts days. */
export function capDay(iso: string): string {
  return iso.slice(0, 10);
}

/** Takes an order out of the ledger: what it added, its shortfall, its day's place or its wait. */
export function releaseOrder(ledger: CustomerLedger, orderId: string, added: Minor): CustomerLedger {
  const short = { ...ledger.short };
  const waiting = { ...ledger.waiting };
  const days = { ...ledger.days };
  delete short[orderId];
  delete waiting[orderId];
  for (const [day, holder] of Object.entries(days)) if (holder === orderId) delete days[day];
  return { used: ledger.used - added, short, days, waiting };
}

/** Places an order of `gross` under an amount cap: it adds what room is left, and the rest is recorded short. */
export function placeAmount(
  ledger: CustomerLedger,
  orderId: string,
  gross: Minor,
  cap: Minor,
): { ledger: CustomerLedger; added: Minor } {
  const added = Math.max(0, Math.min(gross, cap - ledger.used));
  const short = { ...ledger.short };
  if (added < gross) short[orderId] = gross - added;
  return { ledger: { ...ledger, used: ledger.used + added, short }, added };
}

/** Places an order under the orders metric's cap: it counts when its day has no counted order yet, else it waits. */
export function placeDay(
  ledger: CustomerLedger,
  orderId: string,
  day: string,
): { ledger: CustomerLedger; counts: boolean } {
  const holder = ledger.days[day];
  if (holder === undefined || holder === orderId) {
    return { ledger: { ...ledger, days: { ...ledger.days, [day]: orderId } }, counts: true };
  }
  return { ledger: { ...ledger, waiting: { ...ledger.waiting, [orderId]: day } }, counts: false };
}

/** Shopify's order ids grow with time: compared as numbers when they are, oldest first. */
function oldestFirst(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The orders that room freed in the ledger could now let count more, oldest
 * first: under an amount cap, the short orders while the customer adds less
 * than the cap; under the orders metric, the first waiting order of each day
 * whose place is free.
 */
export function refillCandidates(ledger: CustomerLedger, cap: Minor, metric: "amount" | "day"): string[] {
  if (metric === "amount") return ledger.used < cap ? Object.keys(ledger.short).sort(oldestFirst) : [];
  const firstOfDay = new Map<string, string>();
  for (const orderId of Object.keys(ledger.waiting).sort(oldestFirst)) {
    const day = ledger.waiting[orderId];
    if (ledger.days[day] === undefined && !firstOfDay.has(day)) firstOfDay.set(day, orderId);
  }
  return [...firstOfDay.values()].sort(oldestFirst);
}

/** Whether a ledger holds nothing (then it is deleted rather than kept). */
export function isEmptyLedger(ledger: CustomerLedger): boolean {
  return ledger.used === 0 && Object.keys(ledger.short).length === 0 && Object.keys(ledger.days).length === 0 &&
    Object.keys(ledger.waiting).length === 0;
}

/** Moves one order's place in the cap (what it adds, its shortfall, its day or its wait) to another ledger. */
export function moveOrder(
  from: CustomerLedger,
  to: CustomerLedger,
  orderId: string,
  added: Minor,
): { from: CustomerLedger; to: CustomerLedger } {
  const day = Object.entries(from.days).find(([, holder]) => holder === orderId)?.[0];
  const short = from.short[orderId];
  const waiting = from.waiting[orderId];
  return {
    from: releaseOrder(from, orderId, added),
    to: {
      used: to.used + added,
      short: short === undefined ? to.short : { ...to.short, [orderId]: short },
      days: day === undefined ? to.days : { ...to.days, [day]: orderId },
      waiting: waiting === undefined ? to.waiting : { ...to.waiting, [orderId]: waiting },
    },
  };
}
