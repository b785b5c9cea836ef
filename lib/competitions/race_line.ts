/**
 * The race chart's data shape, shared by the server (which reads it from KV,
 * `race_series.ts`) and the browser (the live chart island extends it from
 * leaderboard events). No imports, so an island bundle stays small.
 */

/** One store's line: `[atMs, value in major units]` samples in time order. */
export interface RaceLine {
  participantId: string;
  label: string;
  points: [number, number][];
}

/** The chart follows the leading stores only: one line per series colour. */
export const RACE_CHART_STORES = 8;
