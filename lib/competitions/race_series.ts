/**
 * Reads a competition's race-chart lines from KV, one per leading store by
 * the competition's metric, in leaderboard order: revenue from its samples
 * (`["revenue_points", competitionId, participantId, atMs]` → minor units),
 * growth as those samples over the store's baseline, orders as the running
 * count of its counted orders by when they were placed. A prefix read per
 * charted store, so the page costs the same at 100 or 10,000 stores.
 */
import { keys } from "../core/db.ts";
import type { Competition } from "./competitions.ts";
import type { LeaderboardEntry } from "./leaderboard.ts";
import { toDecimalString } from "../core/money.ts";
import { hasGrowthBase, type Participant } from "./participants.ts";
import type { StoredOrder } from "./stored_order.ts";
import { chartValue, RACE_CHART_STORES, type RaceLine } from "./race_line.ts";

/** A store's counted orders as a running count, one step per order placed. */
async function orderSteps(kv: Deno.Kv, participantId: string): Promise<[number, number][]> {
  const placed: number[] = [];
  for await (const { value } of kv.list<StoredOrder>({ prefix: keys.orders(participantId) })) {
    if (value.counted) placed.push(Date.parse(value.createdAt));
  }
  return placed.sort((a, b) => a - b).map((at, i) => [at, i + 1]);
}

/**
 * The lines of the race chart (values for plotting only). The leading stores
 * (`RACE_CHART_STORES`); those with no samples get an empty line (flat at
 * zero). Ranked by growth, a store below the minimum baseline has no line.
 */
export async function readRaceLines(
  kv: Deno.Kv,
  competition: Pick<Competition, "id" | "currency" | "metric">,
  entries: Pick<LeaderboardEntry, "participantId" | "displayName">[],
): Promise<RaceLine[]> {
  const metric = competition.metric ?? "revenue";
  const charted = entries.slice(0, RACE_CHART_STORES);
  const baselines = new Map<string, number>();
  if (metric === "growth") {
    const records = await kv.getMany<Participant[]>(charted.map((entry) => keys.participant(entry.participantId)));
    for (const { value } of records) {
      if (value?.ranking?.metric === "growth" && hasGrowthBase(value.ranking)) {
        baselines.set(value.id, Number(toDecimalString(value.ranking.baseline!, competition.currency)));
      }
    }
  }
  const lines = await Promise.all(
    charted.map(async (entry): Promise<RaceLine | null> => {
      const line = { participantId: entry.participantId, label: entry.displayName };
      if (metric === "orders") return { ...line, points: await orderSteps(kv, entry.participantId) };
      const baseline = baselines.get(entry.participantId);
      if (metric === "growth" && baseline === undefined) return null;
      const points: [number, number][] = [];
      const prefix = keys.revenuePoints(competition.id, entry.participantId);
      for await (const sample of kv.list<number>({ prefix })) {
        const revenue = toDecimalString(sample.value, competition.currency);
        points.push([sample.key[3] as number, chartValue(metric, { revenue, orders: 0 }, baseline)!]);
      }
      return baseline ? { ...line, points, baseline } : { ...line, points };
    }),
  );
  return lines.filter((line) => line !== null);
}
