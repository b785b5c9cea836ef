/**
 * The leaderboard: ranked reads of the index kept by `recordOrder`, and the
 * places by the ranking rule (the competition's metric descending, then who
 * reached that value first), each with its share of the prize. Everything
 * here works on one board (`divisions.ts`): a division's, or the whole
 * competition's when it has none.
 */
import { keys } from "../core/db.ts";
import type { Competition, Winner } from "./competitions.ts";
import { hasGrowthBase, type LeaderboardRow, metricOfRow, standing } from "./participants.ts";
import { type Minor, toDecimalString } from "../core/money.ts";
import { prizeSplitOf, splitPrize } from "./prize_split.ts";
import { type Board, boardsOf } from "./divisions.ts";
import { plainText } from "../core/text.ts";

/** How many of a store's orders count, are held, and were excluded. */
export interface OrderCounts {
  counted: number;
  held: number;
  excluded: number;
}

/** A row with its rank; equal values share a rank (1, 2, 2, 4). */
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
  /** The metric, formatted: money ("1234.50"), a count ("12") or a growth percentage ("+50%"). */
  value: string;
  /** Decimal string such as "1234.50". */
  revenue: string;
  currency: string;
  orders: number;
  /**
   * The store's orders in the window: those that count, those held out
   * (waiting for payment or for the creator), and those the creator
   * excluded. Never which customers. (Optional in the type for entries
   * built by hand; `toEntries` always sets it.)
   */
  orderCounts?: OrderCounts;
  lastOrderAt: string | null;
  connected: boolean;
  /** The prize of the place this store holds (final once decided, otherwise as things stand), decimal string. */
  prize?: string;
}

function sameStanding(a: LeaderboardRow, b: LeaderboardRow): boolean {
  const [tierA, valueA] = standing(a);
  const [tierB, valueB] = standing(b);
  return tierA === tierB && valueA === valueB;
}

/**
 * Ranks rows already in leaderboard order: an equal value shares the rank of
 * the first of them, and the next distinct value skips (competition ranking).
 */
export function rankRows(rows: LeaderboardRow[], offsetRank = 0, previous?: RankedRow): RankedRow[] {
  const ranked: RankedRow[] = [];
  let last = previous;
  rows.forEach((row, i) => {
    const rank = last && sameStanding(last, row) ? last.rank : offsetRank + i + 1;
    last = { ...row, rank };
    ranked.push(last);
  });
  return ranked;
}

/**
 * Reads the top `limit` rows of a board, ranked: a prefix read of the index,
 * never a scan of every participant. `division` names a division's board
 * (absent: the board of a competition without divisions). Disqualified and
 * not yet placed stores are not in it.
 */
export async function readLeaderboard(
  kv: Deno.Kv,
  competitionId: string,
  limit = 100,
  division?: number,
): Promise<RankedRow[]> {
  const rows: LeaderboardRow[] = [];
  for await (
    const entry of kv.list<LeaderboardRow>({ prefix: keys.leaderboard(competitionId, division) }, { limit })
  ) {
    rows.push(entry.value);
  }
  return rankRows(rows);
}

/** The stores of a competition with divisions not yet placed in one (at most `limit`). */
export async function readUnplaced(kv: Deno.Kv, competitionId: string, limit = 100): Promise<LeaderboardRow[]> {
  const rows: LeaderboardRow[] = [];
  for await (const entry of kv.list<LeaderboardRow>({ prefix: keys.unplacedRows(competitionId) }, { limit })) {
    rows.push(entry.value);
  }
  return rows;
}

/** The stores taken out of the ranking, with their reasons. */
export async function readDisqualified(kv: Deno.Kv, competitionId: string): Promise<LeaderboardRow[]> {
  const rows: LeaderboardRow[] = [];
  for await (const entry of kv.list<LeaderboardRow>({ prefix: keys.disqualifiedRows(competitionId) })) {
    rows.push(entry.value);
  }
  return rows;
}

/**
 * Whether a store can take a paid place: it has a counted order and revenue
 * above zero (a store whose orders were all refunded sold nothing), and it
 * is not disqualified.
 */
export function earnsPlace(row: Pick<LeaderboardRow, "orders" | "revenue" | "disqualified">): boolean {
  return row.orders > 0 && row.revenue > 0 && !row.disqualified;
}

const growthFormat = new Intl.NumberFormat("en-US", {
  style: "percent",
  maximumFractionDigits: 1,
  signDisplay: "exceptZero",
});

/** A row's metric, formatted: money, a count, or growth over its baseline ("+50%", "below baseline"). */
export function formatValue(row: LeaderboardRow, currency: string): string {
  const metric = metricOfRow(row);
  if (metric === "orders") return String(row.orders);
  if (metric === "growth") {
    return hasGrowthBase(row.ranking) ? growthFormat.format(standing(row)[1] - 1) : "below baseline";
  }
  return toDecimalString(row.revenue, currency);
}

/** What a board's prizes are read from: the currency, the board's prize and split, and its places once decided. */
export interface BoardPrizes {
  currency: string;
  prize: Minor;
  prizeSplit?: number[];
  /** The board's decided places, once decided. */
  places?: Winner[];
}

/** The amount each row would win if the ranking stood as it is: settled places when decided. */
function prizesByParticipant(rows: RankedRow[], board: BoardPrizes): Map<string, Minor> {
  if (board.places) return new Map(board.places.map((place) => [place.participantId, place.amount ?? 0]));
  const { places } = splitPrize(board.prize, prizeSplitOf(board), rows.filter(earnsPlace));
  return new Map(places.flatMap((place) => place.participant ? [[place.participant.id, place.amount]] : []));
}

/**
 * Converts a board's ranked rows to the public entry shape: the formatted
 * metric, decimal revenue and the place's prize (a competition without
 * divisions is its own board).
 */
export function toEntries(rows: RankedRow[], board: BoardPrizes): LeaderboardEntry[] {
  const { currency } = board;
  const prizes = prizesByParticipant(rows, board);
  return rows.map((row) => {
    const prize = prizes.get(row.id);
    return {
      rank: row.rank,
      participantId: row.id,
      userId: row.userId,
      // Names stored before joining cleaned them may still hold control or direction characters.
      displayName: plainText(row.displayName),
      shop: row.shop,
      value: formatValue(row, currency),
      revenue: toDecimalString(row.revenue, currency),
      currency,
      orders: row.orders,
      orderCounts: { counted: row.orders, held: row.held ?? 0, excluded: row.excluded ?? 0 },
      lastOrderAt: row.lastOrderAt ?? null,
      connected: row.connection === "connected",
      ...(prize !== undefined ? { prize: toDecimalString(prize, currency) } : {}),
    };
  });
}

/** The places decided at settlement, and what goes back to the creator. */
export interface DecidedPlaces {
  /** Paid places in order; `places[0]` is the winner. */
  places: Winner[];
  unearned: Minor;
}

/**
 * The paid places of one board by the ranking rule: the stores with a
 * counted order, in leaderboard order (ties to who reached the value first),
 * split by the board's `prizeSplit`; places nobody earned are `unearned`.
 */
export async function decideBoardPlaces(
  kv: Deno.Kv,
  competition: Pick<Competition, "id" | "currency">,
  board: Board,
  now: number,
): Promise<DecidedPlaces> {
  const eligible: LeaderboardRow[] = [];
  const split = board.prizeSplit;
  for await (const entry of kv.list<LeaderboardRow>({ prefix: keys.leaderboard(competition.id, board.division) })) {
    if (earnsPlace(entry.value)) eligible.push(entry.value);
    if (eligible.length === split.length) break;
  }
  const { places, unearned } = splitPrize(board.prize, split, eligible);
  const decidedAt = new Date(now).toISOString();
  return {
    places: places.flatMap(({ place, percent, amount, participant }) =>
      participant
        ? [{
          participantId: participant.id,
          userId: participant.userId,
          displayName: participant.displayName,
          shop: participant.shop,
          revenue: participant.revenue,
          value: formatValue(participant, competition.currency),
          reachedAt: participant.reachedAt,
          decidedAt,
          place,
          percent,
          amount,
          ...(board.division === undefined ? {} : { division: board.division }),
        }]
        : []
    ),
    unearned,
  };
}

/**
 * The paid places of every board of a competition (`boardsOf`: each
 * division's in turn, or the one board), and what nobody earned in all of
 * them together.
 */
export async function decidePlaces(kv: Deno.Kv, competition: Competition, now: number): Promise<DecidedPlaces> {
  const decided: DecidedPlaces = { places: [], unearned: 0 };
  for (const board of boardsOf(competition)) {
    const { places, unearned } = await decideBoardPlaces(kv, competition, board, now);
    decided.places.push(...places);
    decided.unearned += unearned;
  }
  return decided;
}
