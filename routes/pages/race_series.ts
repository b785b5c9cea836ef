/**
 * Reads a competition's race-chart samples from KV
 * (`["revenue_points", competitionId, atMs, participantId]` → minor units)
 * into one line per store, in leaderboard order.
 */
import { keys } from "../../lib/db.ts";
import type { Competition } from "../../lib/competitions.ts";
import type { LeaderboardEntry } from "../../lib/leaderboard.ts";
import { toDecimalString } from "../../lib/money.ts";
import type { RaceLine } from "../../components/race_chart.tsx";

/**
 * The lines of the race chart; values in major units (for plotting only).
 * Stores with no samples get an empty line (flat at zero).
 */
export async function readRaceLines(
  kv: Deno.Kv,
  competition: Pick<Competition, "id" | "currency">,
  entries: Pick<LeaderboardEntry, "participantId" | "displayName">[],
): Promise<RaceLine[]> {
  const lines = new Map<string, RaceLine>(
    entries.map((
      entry,
    ) => [entry.participantId, { participantId: entry.participantId, label: entry.displayName, points: [] }]),
  );
  for await (const entry of kv.list<number>({ prefix: keys.revenuePoints(competition.id) })) {
    const [, , atMs, participantId] = entry.key as [string, string, number, string];
    lines.get(participantId)?.points.push([atMs, Number(toDecimalString(entry.value, competition.currency))]);
  }
  return [...lines.values()];
}
