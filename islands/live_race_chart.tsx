/**
 * Island: the race chart, extended live. It starts from the server's samples
 * and appends each store's new value by the competition's metric from every
 * leaderboard event the shared feed receives (no extra requests).
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { RACE_CHART_STORES, RaceChart, type RaceChartProps, type RaceLine } from "../components/race_chart.tsx";
import { chartValue } from "../lib/competitions/race_line.ts";
import { competitionFeed } from "./competition_feed.ts";
import type { LeaderboardJson } from "./live_stream.ts";

/** Props: the chart's initial data and the competition (and, with divisions, the division) it follows. */
export interface LiveRaceChartProps extends RaceChartProps {
  competitionId: string;
  division?: number;
}

/**
 * The lines of the leading stores (`RACE_CHART_STORES`), each with its
 * total appended at the leaderboard's time when it differs from the line's
 * last sample; a store that moves into the lead gets a new line.
 */
export function extendLines(lines: RaceLine[], leaderboard: LeaderboardJson): RaceLine[] {
  const at = Date.parse(leaderboard.updatedAt);
  const metric = leaderboard.competition.metric ?? "revenue";
  return leaderboard.entries.slice(0, RACE_CHART_STORES).flatMap((entry) => {
    const line = lines.find((candidate) => candidate.participantId === entry.participantId) ??
      { participantId: entry.participantId, label: entry.displayName, points: [] };
    // Under privacy mode the stream carries no figures, and the live chart is not shown.
    if (entry.revenue === undefined || entry.orders === undefined) return [line];
    const value = chartValue(metric, { revenue: entry.revenue, orders: entry.orders }, line.baseline);
    // Growth needs the store's baseline, which the server's lines carry: a store without one has no line.
    if (value === null) return [];
    const last = line.points.at(-1);
    const moved = (last?.[1] ?? 0) !== value;
    return [{ ...line, points: moved ? [...line.points, [Math.max(at, last?.[0] ?? at), value]] : line.points }];
  });
}

/** How often a quiet chart moves "now" to the right, so the axis keeps up with the clock. */
const CLOCK_MS = 30_000;

/** `<LiveRaceChart competitionId={id} {...chartProps} />` */
export default function LiveRaceChart(props: LiveRaceChartProps) {
  const lines = useSignal(props.lines);
  const untilMs = useSignal(props.untilMs);
  const timeZone = useSignal(props.timeZone);
  useEffect(() => {
    // The server writes times in UTC; in the browser they are the visitor's own.
    timeZone.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const clock = setInterval(() => {
      untilMs.value = Math.min(props.endMs, Math.max(untilMs.value, Date.now()));
    }, CLOCK_MS);
    const unsubscribe = competitionFeed(props.competitionId, props.division).leaderboard.subscribe((leaderboard) => {
      if (!leaderboard) return;
      lines.value = extendLines(lines.value, leaderboard);
      untilMs.value = Math.max(untilMs.value, Date.parse(leaderboard.updatedAt));
    });
    return () => {
      clearInterval(clock);
      unsubscribe();
    };
  }, [props.competitionId]);
  return (
    <RaceChart
      startMs={props.startMs}
      endMs={props.endMs}
      currency={props.currency}
      lines={lines.value}
      untilMs={untilMs.value}
      youParticipantId={props.youParticipantId}
      timeZone={timeZone.value}
      metric={props.metric}
    />
  );
}
