/**
 * The race chart: each leading store's value by the competition's metric
 * (revenue, orders, or revenue as a percentage of its baseline) over the
 * competition as a step line, in SVG with class-based colours (no inline
 * styles). Pure, so the live island renders it too.
 */
import { dateTimeFormat, numberFormat } from "../lib/core/intl_formats.ts";

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
  /** The signed-in owner's store, drawn thicker and named "You" in the legend. */
  youParticipantId?: string;
  /** The zone the time ticks are written in (the reader's); without one, the time since the start ("+2h"). */
  timeZone?: string;
  /** What the lines are; default revenue. */
  metric?: RaceMetric;
}

const WIDTH = 640;
const HEIGHT = 260;
const PAD = { top: 30, right: 16, bottom: 30, left: 16 };
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

/**
 * The time the x axis spans: the whole window once it has ended; while it
 * runs, from the start to a little after now, so the race fills the chart
 * instead of a sliver at its left edge.
 * @example xDomain(start, start + 7 * DAY, start + HOUR) // [start, start + 1.1 hours]
 */
export function xDomain(startMs: number, endMs: number, untilMs: number): [number, number] {
  if (untilMs >= endMs) return [startMs, endMs];
  const elapsed = Math.max(untilMs - startMs, 60_000);
  return [startMs, Math.min(endMs, startMs + elapsed * 1.1)];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TICK_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

/**
 * Round instants for the x axis, at most `max` of them: minutes or hours
 * for a short span, days for a long one, whole steps from `origin` (the
 * epoch: aligned in UTC, whole hours and days in most zones; the start:
 * round times since the start).
 * @example timeTicks(start, start + 2 * HOUR) // every 30 minutes
 */
export function timeTicks(fromMs: number, toMs: number, max = 5, origin = 0): { at: number; step: number }[] {
  const span = Math.max(1, toMs - fromMs);
  const step = TICK_STEPS.find((candidate) => span / candidate <= max) ?? TICK_STEPS.at(-1)!;
  const ticks: { at: number; step: number }[] = [];
  for (let at = origin + Math.ceil((fromMs - origin) / step) * step; at <= toMs; at += step) ticks.push({ at, step });
  return ticks;
}

/**
 * The time since the start, for the axis before the reader's zone is known.
 * @example sinceStart(90 * MINUTE) // "+1h 30m"; sinceStart(2 * DAY) // "+2d"
 */
export function sinceStart(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor(minutes / 60) % 24, minutes % 60];
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`].filter(Boolean);
  return parts.length ? `+${parts.join(" ")}` : "start";
}

/**
 * A colour per store that does not change when the ranking does: each
 * store's index comes from its id (a hash), and stores whose hashes collide
 * take the next free colour in id order, so the same set of stores always
 * gets the same colours.
 */
export function seriesColours(participantIds: string[]): Map<string, number> {
  const colours = new Map<string, number>();
  const taken = new Set<number>();
  for (const id of [...participantIds].sort()) {
    let hash = 0;
    for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    let colour = hash % SERIES_COLOURS;
    for (let i = 0; i < SERIES_COLOURS && taken.has(colour); i++) colour = (colour + 1) % SERIES_COLOURS;
    taken.add(colour);
    colours.set(id, colour);
  }
  return colours;
}

/** The chart with a legend of current values; `role="img"` with a text summary for screen readers. */
export function RaceChart(props: RaceChartProps) {
  const { startMs, endMs, currency, lines } = props;
  const max = niceCeiling(Math.max(0, ...lines.flatMap((line) => line.points.map(([, value]) => value))));
  const [fromMs, toMs] = xDomain(startMs, endMs, props.untilMs);
  const span = Math.max(1, toMs - fromMs);
  const clamp = (ms: number) => Math.min(Math.max(ms, fromMs), toMs);
  const scale = {
    x: (ms: number) => PAD.left + ((clamp(ms) - fromMs) / span) * (WIDTH - PAD.left - PAD.right),
    y: (value: number) => HEIGHT - PAD.bottom - (value / max) * (HEIGHT - PAD.top - PAD.bottom),
    startMs,
    untilMs: clamp(props.untilMs),
  };
  const metric = props.metric ?? "revenue";
  const axis = metric === "revenue"
    ? numberFormat("en-US", { style: "currency", currency, notation: "compact" })
    : numberFormat("en-US", { notation: "compact" });
  const axisLabel = (value: number) => axis.format(value) + (metric === "growth" ? "%" : "");
  const exact = metric === "revenue"
    ? numberFormat("en-US", { style: "currency", currency })
    : numberFormat("en-US", { maximumFractionDigits: metric === "growth" ? 1 : 0 });
  const valueLabel = (value: number) => exact.format(value) + (metric === "growth" ? "%" : "");
  const timeZone = props.timeZone;
  const ticks = timeTicks(fromMs, toMs, 5, timeZone ? 0 : startMs);
  const clockFormat = timeZone &&
    dateTimeFormat(
      "en-US",
      ticks[0]?.step >= DAY
        ? { month: "short", day: "numeric", timeZone }
        : { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone },
    );
  const tickLabel = (at: number) => clockFormat ? clockFormat.format(at) : sinceStart(at - startMs);
  const colours = seriesColours(lines.map((line) => line.participantId));
  const standings = lines.map((line) => ({ line, last: line.points.at(-1)?.[1] ?? 0 }))
    .sort((a, b) => b.last - a.last);
  const leader = standings[0];
  const colourOf = (line: RaceLine) => colours.get(line.participantId) ?? 0;
  if (!lines.some((line) => line.points.length > 0)) {
    return (
      <figure class="race-chart">
        <p class="race-empty muted">
          {props.untilMs < startMs
            ? "The race has not started yet: the chart draws itself from the first order."
            : "No orders yet: the chart draws itself from the first order."}
        </p>
      </figure>
    );
  }
  return (
    <figure class="race-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="race-chart-title"
        data-from={fromMs}
        data-to={toMs}
      >
        <title id="race-chart-title">
          {lines.length === 0
            ? `${SUBJECT[metric]} over time: no sales yet.`
            : `${SUBJECT[metric]} over time for ${lines.length} store${lines.length === 1 ? "" : "s"}` +
              (leader && leader.last > 0 ? `; ${leader.line.label} leads.` : ".")}
        </title>
        {[0, 0.5, 1].map((f) => (
          <g key={f} class="grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={scale.y(max * f)} y2={scale.y(max * f)} />
            {f > 0 && <text x={PAD.left + 2} y={scale.y(max * f) - 4}>{axisLabel(max * f)}</text>}
          </g>
        ))}
        {ticks.map((tick, i) => (
          <text
            key={tick.at}
            class="axis-label"
            x={scale.x(tick.at)}
            y={HEIGHT - 8}
            text-anchor={i === 0 && scale.x(tick.at) < PAD.left + 30 ? "start" : "middle"}
          >
            {tickLabel(tick.at)}
          </text>
        ))}
        {lines.map((line) => (
          <path
            key={line.participantId}
            data-participant-id={line.participantId}
            class={`series series-${colourOf(line)}${
              line.participantId === props.youParticipantId ? " series-you" : ""
            }`}
            d={stepPath(line.points, scale)}
          />
        ))}
      </svg>
      {lines.length > 0 && (
        <figcaption>
          <ol class="legend">
            {standings.map(({ line, last }) => (
              <li
                key={line.participantId}
                class={line.participantId === props.youParticipantId ? "legend-you" : undefined}
              >
                <span class={`swatch series-${colourOf(line)}`} aria-hidden="true" />
                <span class="legend-name">
                  {line.label}
                  {line.participantId === props.youParticipantId && <strong class="you-tag">You</strong>}
                </span>
                <span class="legend-value">{valueLabel(last)}</span>
              </li>
            ))}
          </ol>
        </figcaption>
      )}
    </figure>
  );
}
