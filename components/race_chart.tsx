/**
 * The race chart: each leading store's value by the competition's metric
 * (revenue, orders, or revenue as a percentage of its baseline) over the
 * competition as a step line, in SVG with class-based colours (no inline
 * styles). Pure, so the live island renders it too.
 */

import { RACE_CHART_STORES, type RaceLine, type RaceMetric } from "../lib/competitions/race_line.ts";

export { RACE_CHART_STORES, type RaceLine };

/** What the chart's title says it plots, per metric. */
const SUBJECT: Record<RaceMetric, string> = {
  revenue: "Revenue",
  orders: "Orders",
  growth: "Revenue as a percentage of each store's baseline",
};

/** Props of {@link RaceChart}. */
export interface RaceChartProps {
  startMs: number;
  endMs: number;
  currency: string;
  lines: RaceLine[];
  /** Lines are drawn flat up to this instant (the latest data). */
  untilMs: number;
  /** What the lines are; default revenue. */
  metric?: RaceMetric;
}

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { top: 12, right: 12, bottom: 28, left: 64 };
/** Distinct line colours in the stylesheet: `.series-0` … `.series-7`, one per charted store. */
export const SERIES_COLOURS = RACE_CHART_STORES;

/**
 * A round upper bound for the y axis: 1, 2, 2.5 or 5 times a power of ten.
 * @example niceCeiling(730) // 1000; niceCeiling(0) // 1
 */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

/**
 * The SVG path of one step line from the start (at zero) to `untilMs`.
 * @example stepPath([[t1, 10]], scale) // "M64 212H200V100H628"
 */
export function stepPath(
  points: [number, number][],
  scale: { x: (ms: number) => number; y: (value: number) => number; startMs: number; untilMs: number },
): string {
  const r = (n: number) => Math.round(n * 10) / 10;
  let d = `M${r(scale.x(scale.startMs))} ${r(scale.y(0))}`;
  for (const [at, value] of points) d += `H${r(scale.x(at))}V${r(scale.y(value))}`;
  return d + `H${r(scale.x(Math.max(scale.untilMs, points.at(-1)?.[0] ?? scale.startMs)))}`;
}

/** The chart with a legend; `role="img"` with a text summary for screen readers. */
export function RaceChart(props: RaceChartProps) {
  const { startMs, endMs, currency, lines } = props;
  const max = niceCeiling(Math.max(0, ...lines.flatMap((line) => line.points.map(([, value]) => value))));
  const span = Math.max(1, endMs - startMs);
  const clamp = (ms: number) => Math.min(Math.max(ms, startMs), endMs);
  const scale = {
    x: (ms: number) => PAD.left + ((clamp(ms) - startMs) / span) * (WIDTH - PAD.left - PAD.right),
    y: (value: number) => HEIGHT - PAD.bottom - (value / max) * (HEIGHT - PAD.top - PAD.bottom),
    startMs,
    untilMs: clamp(props.untilMs),
  };
  const metric = props.metric ?? "revenue";
  const axis = metric === "revenue"
    ? new Intl.NumberFormat("en-US", { style: "currency", currency, notation: "compact" })
    : new Intl.NumberFormat("en-US", { notation: "compact" });
  const axisLabel = (value: number) => axis.format(value) + (metric === "growth" ? "%" : "");
  const day = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
  const leader = lines.map((line) => ({ line, last: line.points.at(-1)?.[1] ?? 0 }))
    .sort((a, b) => b.last - a.last)[0];
  return (
    <figure class="race-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="race-chart-title">
        <title id="race-chart-title">
          {lines.length === 0
            ? `${SUBJECT[metric]} over time: no sales yet.`
            : `${SUBJECT[metric]} over time for ${lines.length} store${lines.length === 1 ? "" : "s"}` +
              (leader && leader.last > 0 ? `; ${leader.line.label} leads.` : ".")}
        </title>
        {[0, 0.5, 1].map((f) => (
          <g key={f} class="grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={scale.y(max * f)} y2={scale.y(max * f)} />
            <text x={PAD.left - 6} y={scale.y(max * f) + 4} text-anchor="end">{axisLabel(max * f)}</text>
          </g>
        ))}
        <text class="axis-label" x={PAD.left} y={HEIGHT - 8}>{day.format(startMs)}</text>
        <text class="axis-label" x={WIDTH - PAD.right} y={HEIGHT - 8} text-anchor="end">{day.format(endMs)}</text>
        {lines.map((line, i) => (
          <path
            key={line.participantId}
            class={`series series-${i % SERIES_COLOURS}`}
            d={stepPath(line.points, scale)}
          />
        ))}
      </svg>
      {lines.length > 0 && (
        <figcaption>
          <ul class="legend">
            {lines.map((line, i) => (
              <li key={line.participantId}>
                <span class={`swatch series-${i % SERIES_COLOURS}`} aria-hidden="true" />
                {line.label}
              </li>
            ))}
          </ul>
        </figcaption>
      )}
    </figure>
  );
}
