/**
 * Island: the race chart, extended live. It starts from the server's samples
 * and appends each store's new value by the competition's metric from every
 * leaderboard event the shared feed receives (no extra requests).
 */
import { useEffect, useState } from "preact/hooks";
import { RACE_CHART_STORES, RaceChart, type RaceChartProps, type RaceLine } from "../components/race_chart.tsx";
import { chartValue } from "../lib/competitions/race_line.ts";
import { competitionFeed } from "./competition_feed.ts";
import type { LeaderboardJson } from "./live_stream.ts";
import type { ViewerClock } from "../lib/web/viewer_clock.ts";
import { browserTimeZone } from "../lib/web/time_text.ts";

/**
 * Props: the chart's initial data, the competition (and, with divisions, the
 * division) it follows, and the server's reader clock.
 */
export interface LiveRaceChartProps extends RaceChartProps {
  competitionId: string;
  division?: number;
  clock?: ViewerClock;
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
  // Plain hooks, no signals: a live page ships no state library.
  const [lines, setLines] = useState(props.lines);
  const [untilMs, setUntilMs] = useState(props.untilMs);
  const [timeZone, setTimeZone] = useState(props.timeZone ?? props.clock?.timeZone);
  useEffect(() => {
    // The server writes times in the zone the reader's browser said before (or since the start); now it is known.
    setTimeZone(browserTimeZone());
    const clock = setInterval(
      () => setUntilMs((until) => Math.min(props.endMs, Math.max(until, Date.now()))),
      CLOCK_MS,
    );
    const feed = competitionFeed(props.competitionId, props.division, props.youParticipantId !== undefined);
    const unsubscribe = feed.leaderboard.subscribe((leaderboard) => {
      if (!leaderboard) return;
      setLines((drawn) => extendLines(drawn, leaderboard));
      setUntilMs((until) => Math.max(until, Date.parse(leaderboard.updatedAt)));
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
      lines={lines}
      untilMs={untilMs}
      youParticipantId={props.youParticipantId}
      timeZone={timeZone}
      metric={props.metric}
    />
  );
}
