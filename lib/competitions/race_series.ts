/**
 * Reads a competition's race-chart lines from KV, one per leading store by
 * the competition's metric, in leaderboard order, from its samples
 * (`["revenue_points", competitionId, participantId, atMs]` → its totals):
 * revenue, growth as revenue over the store's baseline, or its counted
 * orders. The order book keeps one sample per bucket as the race goes
 * (`sameSampleBucket`), so the history is as fine as the chart shows and
 * bounded per store; a prefix read per charted store, so the page costs the
 * same at 100 or 10,000 stores.
 */
import { keys } from "../core/db.ts";
import type { Competition } from "./competitions.ts";
import type { LeaderboardEntry } from "./leaderboard.ts";
import { type Minor, toDecimalString } from "../core/money.ts";
import { hasGrowthBase, type Participant } from "./participants.ts";
import type { StoredOrder } from "./stored_order.ts";
import { chartValue, RACE_CHART_STORES, type RaceLine, thinSamples } from "./race_line.ts";

/**
 * One race-chart sample: the store's totals at that instant. Samples stored
 * before orders were sampled are the revenue alone (a number).
 */
export interface RaceSample {
  revenue: Minor;
  orders: number;
}

/**
 * A store's counted orders as a running count, one step per order placed:
 * the orders line of a store whose samples predate order counts.
 */
async function orderSteps(kv: Deno.Kv, participantId: string): Promise<[number, number][]> {
  const placed: number[] = [];
  for await (const { value } of kv.list<StoredOrder>({ prefix: keys.orders(participantId) })) {
    if (value.counted) placed.push(Date.parse(value.createdAt));
  }
  return placed.sort((a, b) => a - b).map((at, i) => [at, i + 1]);
}

/**
 * The lines of the race chart (values for plotting only) as drawn at
 * `untilMs`. The leading stores (`RACE_CHART_STORES`); those with no
 * samples get an empty line (flat at zero). Ranked by growth, a store below
 * the minimum baseline has no line.
 */
export async function readRaceLines(
  kv: Deno.Kv,
  competition: Pick<Competition, "id" | "currency" | "metric" | "startDate">,
  entries: Pick<LeaderboardEntry, "participantId" | "displayName">[],
  untilMs: number,
): Promise<RaceLine[]> {
  const metric = competition.metric ?? "revenue";
  const startMs = Date.parse(competition.startDate);
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
      const baseline = baselines.get(entry.participantId);
      if (metric === "growth" && baseline === undefined) return null;
      const samples: [number, RaceSample | Minor][] = [];
      const prefix = keys.revenuePoints(competition.id, entry.participantId);
      for await (const sample of kv.list<RaceSample | Minor>({ prefix }, { batchSize: 500 })) {
        samples.push([sample.key[3] as number, sample.value]);
      }
      const legacy = samples.some(([, value]) => typeof value === "number");
      if (metric === "orders" && legacy) return { ...line, points: await orderSteps(kv, entry.participantId) };
      const points = samples.map(([at, value]): [number, number] => {
        const { revenue, orders } = typeof value === "number" ? { revenue: value, orders: 0 } : value;
        return [at, chartValue(metric, { revenue: toDecimalString(revenue, competition.currency), orders }, baseline)!];
      });
      const thinned = thinSamples(points, startMs, untilMs);
      return baseline ? { ...line, points: thinned, baseline } : { ...line, points: thinned };
    }),
  );
  return lines.filter((line) => line !== null);
}
