/**
 * The leaderboard: ranked reads of the index kept by `recordOrder`, and the
 * winner by the ranking rule (revenue descending, then who reached that total
 * first).
 */
import { keys } from "../core/db.ts";
import type { Competition, Winner } from "./competitions.ts";
import type { LeaderboardRow } from "./participants.ts";
import { toDecimalString } from "../core/money.ts";

/** A row with its rank; equal totals share a rank (1, 2, 2, 4). */
export interface RankedRow extends LeaderboardRow {
  rank: number;
}

/** One leaderboard entry as the JSON API and the live view send it. */
export interface LeaderboardEntry {
  rank: number;
  participantId: string;
  userId: string;
  displayName: string;
  shop: string;
  /** Decimal string such as "1234.50". */
  revenue: string;
  currency: string;
  orders: number;
  lastOrderAt: string | null;
  connected: boolean;
}

/**
 * Ranks rows already in leaderboard order: equal revenue shares the rank of
 * the first of them, and the next distinct total skips (competition ranking).
 */
export function rankRows(rows: LeaderboardRow[], offsetRank = 0, previous?: RankedRow): RankedRow[] {
  const ranked: RankedRow[] = [];
  let last = previous;
  rows.forEach((row, i) => {
    const rank = last && last.revenue === row.revenue ? last.rank : offsetRank + i + 1;
    last = { ...row, rank };
    ranked.push(last);
  });
  return ranked;
}

/**
 * Reads the top `limit` rows of a competition's leaderboard, ranked: a prefix
 * read of the index, never a scan of every participant.
 */
export async function readLeaderboard(kv: Deno.Kv, competitionId: string, limit = 100): Promise<RankedRow[]> {
  const rows: LeaderboardRow[] = [];
  for await (const entry of kv.list<LeaderboardRow>({ prefix: keys.leaderboard(competitionId) }, { limit })) {
    rows.push(entry.value);
  }
  return rankRows(rows);
}

/** Converts ranked rows to the public entry shape with decimal revenue. */
export function toEntries(rows: RankedRow[], currency: string): LeaderboardEntry[] {
  return rows.map((row) => ({
    rank: row.rank,
    participantId: row.id,
    userId: row.userId,
    displayName: row.displayName,
    shop: row.shop,
    revenue: toDecimalString(row.revenue, currency),
    currency,
    orders: row.orders,
    lastOrderAt: row.lastOrderAt ?? null,
    connected: row.connection === "connected",
  }));
}

/**
 * The winner by the ranking rule: the first row of the index when it has
 * revenue above zero; `null` when nobody sold anything (the prize then goes
 * back to the creator).
 */
export async function findWinner(kv: Deno.Kv, competition: Competition, now: number): Promise<Winner | null> {
  const [top] = await readLeaderboard(kv, competition.id, 1);
  if (!top || top.revenue <= 0) return null;
  return {
    participantId: top.id,
    userId: top.userId,
    displayName: top.displayName,
    shop: top.shop,
    revenue: top.revenue,
    reachedAt: top.reachedAt,
    decidedAt: new Date(now).toISOString(),
  };
}
