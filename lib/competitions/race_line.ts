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

/** Samples a store keeps per span of the race shown: a bucket is at most 1/128 of the time elapsed. */
const SAMPLES_PER_SPAN = 256;
/** The shortest span the live chart shows (`xDomain`): samples are no finer than it needs. */
const MIN_SPAN_MS = 60_000;

/**
 * The width of the race chart's sample buckets `elapsedMs` into the race: a
 * power of two of milliseconds, between 1/256 and 1/128 of the time elapsed
 * (of a minute, at first), so history stays finer than the span the chart
 * shows and coarsens as the race goes on. A store keeps one sample per
 * bucket: at most ~128 per doubling of the elapsed time, ~2,400 over the
 * longest race.
 * @example sampleBucketMs(21 * 60_000) // 8192: about 8 s, 21 minutes in
 */
export function sampleBucketMs(elapsedMs: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(elapsedMs, MIN_SPAN_MS) / SAMPLES_PER_SPAN));
}

/**
 * Whether a sample taken at `laterMs` replaces the one taken at `earlierMs`:
 * both fall in one bucket of the width in force at `laterMs`.
 */
export function sameSampleBucket(startMs: number, earlierMs: number, laterMs: number): boolean {
  const width = sampleBucketMs(laterMs - startMs);
  return Math.floor((earlierMs - startMs) / width) === Math.floor((laterMs - startMs) / width);
}

/**
 * A line's samples as the chart draws them at `untilMs`: the last of each
 * bucket of the width in force then. Samples are kept by the same rule as
 * they come (`sameSampleBucket`), so after a reload a store's line is what
 * an open page drew, to within a bucket.
 */
export function thinSamples(points: [number, number][], startMs: number, untilMs: number): [number, number][] {
  const width = sampleBucketMs(untilMs - startMs);
  const bucket = (at: number) => Math.floor((at - startMs) / width);
  return points.filter(([at], i) => i === points.length - 1 || bucket(at) !== bucket(points[i + 1][0]));
}
