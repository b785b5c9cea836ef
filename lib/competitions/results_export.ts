/**
 * What the results export holds (`GET /api/competitions/:id/results.csv`
 * and `…/orders.csv`): the whole board, each store with its counts, when it
 * reached its total (ties go to the earlier), its place, prize and payout;
 * and every order each store took in the window with what it adds and why,
 * so a creator can answer "why did they win" from a spreadsheet. For the
 * creator and the operators only: to anyone else the competition does not
 * exist here (404), whatever its privacy. Rendered as CSV by
 * `components/results_csv.ts`.
 */
import { toDecimalString } from "../core/money.ts";
import { listPayouts, type Payout } from "../whop/payouts.ts";
import type { Competition } from "./competitions.ts";
import { formatValue, readDisqualified, readLeaderboard, toEntries } from "./leaderboard.ts";
import type { LeaderboardRow } from "./participants.ts";
import { listOwnOrders } from "./revenue.ts";
import type { OwnOrder } from "./stored_order.ts";
import { paidPlaces } from "./settlement.ts";

/** The most orders one store's export lists (a store takes far fewer in a competition's at most 56 days). */
export const MAX_EXPORTED_ORDERS = 100_000;

/** One store on the exported board. */
export interface BoardLine {
  /** Its rank; absent for a disqualified store (out of the ranking). */
  rank?: number;
  /** The paid place it won, once decided. */
  place?: number;
  participantId: string;
  displayName: string;
  shop: string;
  /** The metric, as the board shows it. */
  value: string;
  /** Decimal string. */
  revenue: string;
  counted: number;
  held: number;
  excluded: number;
  /** When it reached its total (ISO): of two equal totals, the earlier ranks first. */
  reachedAt: string;
  lastOrderAt?: string;
  /** Its prize, decimal string: decided once final, else as the board stands. */
  prize?: string;
  /** The payout of its place, once requested. */
  payout?: Pick<Payout, "state" | "transferId">;
  /** Why the creator disqualified it. */
  disqualified?: string;
}

/** One store's orders for the export. */
export interface StoreOrders {
  displayName: string;
  shop: string;
  /** Oldest first. */
  orders: OwnOrder[];
}

/** A store's line from its board row, before its rank, place and payout. */
function lineOf(row: LeaderboardRow, currency: string): BoardLine {
  return {
    participantId: row.id,
    displayName: row.displayName,
    shop: row.shop,
    value: formatValue(row, currency),
    revenue: toDecimalString(row.revenue, currency),
    counted: row.orders,
    held: row.held ?? 0,
    excluded: row.excluded ?? 0,
    reachedAt: row.reachedAt,
    lastOrderAt: row.lastOrderAt,
  };
}

/** The whole board of `competition`: ranked stores, then disqualified ones. */
export async function exportedBoard(kv: Deno.Kv, competition: Competition): Promise<BoardLine[]> {
  const [rows, out, payouts] = await Promise.all([
    readLeaderboard(kv, competition.id, Math.max(1, competition.participantCount)),
    readDisqualified(kv, competition.id),
    listPayouts(kv, competition.id),
  ]);
  const places = new Map(paidPlaces(competition).map((winner) => [winner.participantId, winner.place ?? 1]));
  const payoutOf = (place: number | undefined) =>
    payouts.find((payout) => place !== undefined && (payout.place ?? 1) === place);
  const entries = toEntries(rows, competition);
  const ranked = rows.map((row, i): BoardLine => {
    const entry = entries[i];
    const place = places.get(row.id);
    const payout = payoutOf(place);
    return {
      ...lineOf(row, competition.currency),
      rank: entry.rank,
      place,
      prize: entry.prize,
      payout: payout && { state: payout.state, transferId: payout.transferId },
    };
  });
  const disqualified = out.map((row) => ({
    ...lineOf(row, competition.currency),
    disqualified: row.disqualified?.reason ?? "",
  }));
  return [...ranked, ...disqualified];
}

/** Every store's orders in the window, oldest first, stores in the board's order. */
export async function exportedOrders(kv: Deno.Kv, competition: Competition): Promise<StoreOrders[]> {
  const stores: StoreOrders[] = [];
  for (const line of await exportedBoard(kv, competition)) {
    const orders = await listOwnOrders(kv, line.participantId, MAX_EXPORTED_ORDERS);
    stores.push({ displayName: line.displayName, shop: line.shop, orders: orders.reverse() });
  }
  return stores;
}
