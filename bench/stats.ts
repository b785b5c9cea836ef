/**
 * Small statistics for the benchmark scripts: percentiles and medians of
 * repeated runs, printed in one consistent format.
 */

/** The p-th percentile (0–100) of `values`, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The median of `values`. */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Rounds to `digits` decimals for printing. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Prints one figure as `name: value unit` and returns it for the summary. */
export function report(name: string, value: number, unit: string): { name: string; value: number; unit: string } {
  console.log(`${name}: ${round(value)} ${unit}`);
  return { name, value: round(value), unit };
}

/** A description of the machine for BENCHMARKS.md. */
export function machine(): string {
  return `${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, deno ${Deno.version.deno}`;
}
