/**
 * The race chart's data shape, shared by the server (which reads it from KV,
 * `race_series.ts`) and the browser (the live chart island extends it from
 * leaderboard events). No imports, so an island bundle stays small.
 */

/**
 * One store's line: `[atMs, value]` samples in time order. The value follows
 * the competition's metric: revenue in major units, a number of orders, or
 * (growth) revenue as a percentage of the store's baseline.
 */
export interface RaceLine {
  participantId: string;
  label: string;
  points: [number, number][];
  /** Growth only: the store's baseline in major units, which its revenue is plotted against. */
  baseline?: number;
}

/** What the race chart plots: the competition's metric (no imports, so the island bundle stays small). */
export type RaceMetric = "revenue" | "orders" | "growth";

/**
 * A leaderboard entry's value on the chart: revenue in major units, its
 * orders, or its revenue as a percentage of `baseline` (growth; `null`
 * without one).
 */
export function chartValue(
  metric: RaceMetric,
  entry: { revenue: string; orders: number },
  baseline?: number,
): number | null {
  if (metric === "orders") return entry.orders;
  if (metric === "growth") return baseline ? Math.round((Number(entry.revenue) / baseline) * 1000) / 10 : null;
  return Number(entry.revenue);
}

/** The chart follows the leading stores only: one line per series colour. */
export const RACE_CHART_STORES = 8;
