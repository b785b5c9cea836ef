/**
 * Island: the race chart, extended live. It starts from the server's samples
 * and appends each store's new total from every leaderboard event the shared
 * feed receives (no extra requests).
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { RaceChart, type RaceChartProps, type RaceLine } from "../components/race_chart.tsx";
import { competitionFeed, type LeaderboardJson } from "./competition_feed.ts";

/** Props: the chart's initial data and the competition it follows. */
export interface LiveRaceChartProps extends RaceChartProps {
  competitionId: string;
}

/**
 * The lines with each entry's total appended at the leaderboard's time,
 * when it differs from the line's last sample; new stores get a new line.
 */
export function extendLines(lines: RaceLine[], leaderboard: LeaderboardJson): RaceLine[] {
  const at = Date.parse(leaderboard.updatedAt);
  const next = lines.map((line) => ({ ...line }));
  for (const entry of leaderboard.entries) {
    const value = Number(entry.revenue);
    let line = next.find((candidate) => candidate.participantId === entry.participantId);
    if (!line) {
      line = { participantId: entry.participantId, label: entry.displayName, points: [] };
      next.push(line);
    }
    const last = line.points.at(-1);
    if ((last?.[1] ?? 0) !== value) line.points = [...line.points, [Math.max(at, last?.[0] ?? at), value]];
  }
  return next;
}

/** `<LiveRaceChart competitionId={id} {...chartProps} />` */
export default function LiveRaceChart(props: LiveRaceChartProps) {
  const lines = useSignal(props.lines);
  const untilMs = useSignal(props.untilMs);
  useEffect(
    () =>
      competitionFeed(props.competitionId).leaderboard.subscribe((leaderboard) => {
        if (!leaderboard) return;
        lines.value = extendLines(lines.value, leaderboard);
        untilMs.value = Math.max(untilMs.value, Date.parse(leaderboard.updatedAt));
      }),
    [props.competitionId],
  );
  return (
    <RaceChart
      startMs={props.startMs}
      endMs={props.endMs}
      currency={props.currency}
      lines={lines.value}
      untilMs={untilMs.value}
    />
  );
}
