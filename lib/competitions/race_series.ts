/**
 * Reads a competition's race-chart samples from KV
 * (`["revenue_points", competitionId, participantId, atMs]` → minor units)
 * into one line per leading store, in leaderboard order: a prefix read per
 * charted store, so the page costs the same at 100 or 10,000 stores.
 */
import { keys } from "../core/db.ts";
import type { Competition } from "./competitions.ts";
import type { LeaderboardEntry } from "./leaderboard.ts";
import { toDecimalString } from "../core/money.ts";
import { RACE_CHART_STORES, type RaceLine } from "./race_line.ts";

/**
 * The lines of the race chart; values in major units (for plotting only).
 * The leading stores (`RACE_CHART_STORES`); those with no samples get an
 * empty line (flat at zero).
 */
export async function readRaceLines(
  kv: Deno.Kv,
  competition: Pick<Competition, "id" | "currency">,
  entries: Pick<LeaderboardEntry, "participantId" | "displayName">[],
): Promise<RaceLine[]> {
  return await Promise.all(
    entries.slice(0, RACE_CHART_STORES).map(async (entry) => {
      const points: [number, number][] = [];
      const prefix = keys.revenuePoints(competition.id, entry.participantId);
      for await (const sample of kv.list<number>({ prefix })) {
        points.push([sample.key[3] as number, Number(toDecimalString(sample.value, competition.currency))]);
      }
      return { participantId: entry.participantId, label: entry.displayName, points };
    }),
  );
}
