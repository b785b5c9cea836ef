/**
 * A season's standings: each settled round's places give points (the
 * season's `points`, 1st place first), per standings table — a division's,
 * or the one table of a season without divisions. A store's total is the sum
 * of its points; ties go to the store with more first places, then to the
 * one that reached its total earlier (the earlier round, then within that
 * round who reached its figure first, the round's own tie rule). The season
 * prize is split between each table's stores with points by its split.
 *
 * A round's places are read once, when it is completed (its results are
 * frozen then), through `roundBoards`, and recorded as its result; the
 * standings are a pure fold of those results.
 */
import { keys } from "../core/db.ts";
import type { Minor } from "../core/money.ts";
import type { Competition } from "../competitions/competitions.ts";
import { boardsOf } from "../competitions/divisions.ts";
import { earnsPlace } from "../competitions/leaderboard.ts";
import type { LeaderboardRow } from "../competitions/participants.ts";
import { splitPrize } from "../competitions/prize_split.ts";
import type { Season, SeasonPlace } from "./seasons.ts";

/** One store's place in one round, on its board. */
export interface RoundEntry {
  userId: string;
  /** The store's participant in that round (its name is read from it, so an erased store is "Removed store"). */
  participantId: string;
  /** The division it raced in; absent without divisions. */
  division?: number;
  place: number;
  points: number;
  /** When it reached its round figure, epoch ms (the round's tie rule). */
  reachedAtMs: number;
}

/** A completed round's result (`["season_results", seasonId, round]`), recorded once. */
export interface RoundResult {
  round: number;
  competitionId: string;
  /** The stores that took a place with points, board by board, in place order. */
  entries: RoundEntry[];
  scoredAt: string;
}

/** One board of a round: its division (absent without divisions) and the stores that earned a place, in order. */
export interface RankedBoard {
  division?: number;
  rows: LeaderboardRow[];
}

/**
 * The one place a round's ranking is read from: each of its boards (one per
 * division, or the round's one board) with the stores that earned a place
 * (a counted sale, not disqualified), in leaderboard order (ties to who
 * reached the value first), at most `limit` per board.
 */
export async function roundBoards(
  kv: Deno.Kv,
  competition: Pick<Competition, "id" | "prize" | "prizeSplit" | "divisions">,
  limit: number,
): Promise<RankedBoard[]> {
  const boards: RankedBoard[] = [];
  for (const { division } of boardsOf(competition)) {
    const rows: LeaderboardRow[] = [];
    for await (const entry of kv.list<LeaderboardRow>({ prefix: keys.leaderboard(competition.id, division) })) {
      if (earnsPlace(entry.value)) rows.push(entry.value);
      if (rows.length === limit) break;
    }
    boards.push({ ...(division === undefined ? {} : { division }), rows });
  }
  return boards;
}

/** A round's result from its boards: each board's places in order, with the points they give. */
export function scoreRound(
  round: number,
  competitionId: string,
  boards: readonly RankedBoard[],
  points: readonly number[],
  now: number,
): RoundResult {
  const entries = boards.flatMap((board) =>
    board.rows.slice(0, points.length).map((row, i): RoundEntry => ({
      userId: row.userId,
      participantId: row.id,
      ...(board.division === undefined ? {} : { division: board.division }),
      place: i + 1,
      points: points[i],
      reachedAtMs: Date.parse(row.reachedAt),
    }))
  );
  return { round, competitionId, entries, scoredAt: new Date(now).toISOString() };
}

/** A store's line in a standings table. */
export interface StandingRow {
  /** The table's division; absent without divisions. */
  division?: number;
  /** 1, 2, 3…: ties are broken (more first places, then the earlier reach), so each position is one store's. */
  position: number;
  userId: string;
  /** Its participant in the latest round it scored in (its name). */
  participantId: string;
  points: number;
  /** Rounds it took a place in. */
  rounds: number;
  firsts: number;
  /** When it reached its total: the round, then its reach within that round. */
  reachedRound: number;
  reachedAtMs: number;
}

/** The standings tables, in division order (one table without divisions). */
export type Standings = StandingRow[][];

/** Whether `a` stands above `b`: more points, more first places, the earlier reach, then (to be total) the user id. */
function compareRows(a: StandingRow, b: StandingRow): number {
  return b.points - a.points || b.firsts - a.firsts || a.reachedRound - b.reachedRound ||
    a.reachedAtMs - b.reachedAtMs || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

/**
 * The standings from the rounds' results (any order): one table per
 * division that has entries, in division order, each sorted by the rules.
 */
export function computeStandings(results: readonly RoundResult[]): Standings {
  const tables = new Map<number, Map<string, StandingRow>>();
  for (const result of [...results].sort((a, b) => a.round - b.round)) {
    for (const entry of result.entries) {
      const table = entry.division ?? 0;
      if (!tables.has(table)) tables.set(table, new Map());
      const rows = tables.get(table)!;
      const row = rows.get(entry.userId) ?? {
        ...(entry.division === undefined ? {} : { division: entry.division }),
        position: 0,
        userId: entry.userId,
        participantId: entry.participantId,
        points: 0,
        rounds: 0,
        firsts: 0,
        reachedRound: result.round,
        reachedAtMs: entry.reachedAtMs,
      };
      row.rounds++;
      row.participantId = entry.participantId;
      if (entry.place === 1) row.firsts++;
      if (entry.points > 0) {
        row.points += entry.points;
        row.reachedRound = result.round;
        row.reachedAtMs = entry.reachedAtMs;
      }
      rows.set(entry.userId, row);
    }
  }
  return [...tables.entries()].sort(([a], [b]) => a - b).map(([, rows]) =>
    [...rows.values()].sort(compareRows).map((row, i) => ({ ...row, position: i + 1 }))
  );
}

/** The season prize's places of every table, and what nobody earned in all of them together. */
export function decideSeasonPlaces(
  season: Pick<Season, "seasonPrize" | "seasonPrizeSplit">,
  standings: Standings,
  tables: readonly (number | undefined)[],
): { places: SeasonPlace[]; unearned: Minor } {
  const decided = { places: [] as SeasonPlace[], unearned: 0 };
  if (season.seasonPrize === 0) return decided;
  for (const division of tables) {
    const table = standings.find((rows) => rows[0]?.division === division) ?? [];
    const { places, unearned } = splitPrize(
      season.seasonPrize,
      season.seasonPrizeSplit,
      table.filter((row) => row.points > 0),
    );
    decided.unearned += unearned;
    for (const { place, percent, amount, participant } of places) {
      if (!participant) continue;
      decided.places.push({
        ...(division === undefined ? {} : { division }),
        place,
        userId: participant.userId,
        points: participant.points,
        percent,
        amount,
      });
    }
  }
  return decided;
}

/** Every recorded round result of a season, in round order. */
export async function listRoundResults(kv: Deno.Kv, seasonId: string): Promise<RoundResult[]> {
  const results: RoundResult[] = [];
  for await (const entry of kv.list<RoundResult>({ prefix: keys.seasonResults(seasonId) })) results.push(entry.value);
  return results;
}
