/**
 * The prize split's arithmetic, one pure rule shared by the form's preview,
 * the pages and settlement: each place's amount is its percentage of the
 * prize in minor units, rounded down, and the cents lost to rounding go to
 * 1st place, so the amounts always add up to the prize exactly. Places follow
 * the ranking (ties already broken by who reached the value first); a place
 * with no store to take it returns its amount to the creator.
 */
import { formatMoney, type Minor } from "../core/money.ts";
import { ordinal } from "./input.ts";

/** A competition's split, `[100]` for records stored before splits existed. */
export function prizeSplitOf(competition: { prizeSplit?: number[] }): number[] {
  return competition.prizeSplit?.length ? competition.prizeSplit : [100];
}

/**
 * The amount of each place, in minor units: the percentage rounded down, the
 * remainder added to 1st place.
 *
 * @example placeAmounts(50_001, [60, 30, 10]) // [30_001, 15_000, 5_000]
 */
export function placeAmounts(prize: Minor, split: readonly number[]): Minor[] {
  const amounts = split.map((percent) => Math.floor((prize * percent) / 100));
  const lost = prize - amounts.reduce((sum, amount) => sum + amount, 0);
  if (amounts.length > 0) amounts[0] += lost;
  return amounts;
}

/** One place of a split as assigned: its store, or none (its amount goes back to the creator). */
export interface SplitPlace<P> {
  place: number;
  percent: number;
  amount: Minor;
  /** The store that took the place; `null` when nobody earned it. */
  participant: P | null;
}

/** The prize as split between the ranked stores. */
export interface PrizeSplit<P> {
  places: SplitPlace<P>[];
  /** What goes back to the creator: the places nobody earned. */
  unearned: Minor;
}

/**
 * Splits `prize` between `ranked` — the stores that earned a place, already
 * in ranking order (ties broken by who reached the value first) — by
 * `split`. Places past the last store are unearned.
 *
 * @example
 * splitPrize(50_000, [60, 30, 10], ["a", "b"]) // places a: 30_000, b: 15_000; unearned 5_000
 */
export function splitPrize<P>(prize: Minor, split: readonly number[], ranked: readonly P[]): PrizeSplit<P> {
  const places = placeAmounts(prize, split).map((amount, i) => ({
    place: i + 1,
    percent: split[i],
    amount,
    participant: ranked[i] ?? null,
  }));
  const unearned = places.filter((place) => place.participant === null).reduce((sum, p) => sum + p.amount, 0);
  return { places, unearned };
}

/**
 * The split in words, e.g. "1st $300.00, 2nd $150.00, 3rd $50.00".
 *
 * @example describeSplit(50_000, [60, 30, 10], "USD")
 */
export function describeSplit(prize: Minor, split: readonly number[], currency: string): string {
  return placeAmounts(prize, split).map((amount, i) => `${ordinal(i + 1)} ${formatMoney(amount, currency)}`).join(
    ", ",
  );
}
