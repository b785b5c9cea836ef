/**
 * Fetching orders from the Admin GraphQL API: the backfill when a store
 * joins (every order created in the window so far) and the periodic sync
 * (orders updated since the participant's cursor, so missed webhooks heal).
 * Both page through `orders(sortKey: UPDATED_AT)` with cursors, record each
 * order with `recordOrder` (idempotent, so overlaps and repeats are
 * harmless), and keep progress on the participant after every page. Each
 * store also has its history read once, after the start: its orders of the
 * 30 days before (the hourly average spikes are measured against, and what
 * places it in a division) and, in a competition ranked by growth, its
 * baseline (the equal window before).
 */
import { getCompetition } from "../competitions/competitions.ts";
import { log } from "../core/log.ts";
import {
  getParticipant,
  type Participant,
  type SyncProgress,
  updateParticipant,
} from "../competitions/participants.ts";
import { countsFor, type OrderDelivery, recordOrder } from "../competitions/revenue.ts";
import { judgeOrder, type SalesHistory } from "../competitions/order_rules.ts";
import { SHOPIFY_ORDER_WINDOW_S } from "../competitions/input.ts";
import { placement } from "../competitions/divisions.ts";
import type { Competition } from "../competitions/competitions.ts";
import type { Minor } from "../core/money.ts";
import { type AdminClient, ShopifyQueryError } from "./admin.ts";
import { ReconnectRequiredError } from "./connections.ts";
import { ORDERS_QUERY } from "./admin_documents.ts";
import { fromGraphqlOrder, type GraphqlOrder, ORDER_NODE_COST } from "./orders.ts";

/** Shopify's ceiling on one query's requested cost. */
export const MAX_QUERY_COST = 1000;

/** The largest page whose cost stays within Shopify's ceiling (199 orders: 997 points). */
export const MAX_PAGE_SIZE = Math.floor((MAX_QUERY_COST - 2) / ORDER_NODE_COST);

/** A sync starts this long before the cursor (late-indexed updates, clock skew). */
export const SYNC_OVERLAP_MS = 60_000;

/**
 * The requested cost of one page: the connection plus, per order, the node
 * and its objects (the money bag and its shop money, the customer, the risk).
 */
export function pageCost(pageSize: number): number {
  return 2 + pageSize * ORDER_NODE_COST;
}

/** `2026-12-01T12:00:00Z` (whole seconds, rounded down), as Shopify's search takes it. */
function searchTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The search for orders created in [start, end) and, with a cursor, updated since it. */
export function orderSearch(startMs: number, endMs: number, updatedSinceMs?: number): string {
  const terms = [`created_at:>='${searchTime(startMs)}'`, `created_at:<'${searchTime(endMs + 999)}'`];
  if (updatedSinceMs !== undefined) terms.push(`updated_at:>='${searchTime(updatedSinceMs)}'`);
  return terms.join(" AND ");
}

type OrdersPage = {
  orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: GraphqlOrder[] };
};

/** How far before the start a store's history is read: the spike measure's 30 days. */
export const HISTORY_MS = 30 * 86_400_000;

/** What a store's orders before the start tell: its hourly average (spikes) and, for growth, its baseline. */
export interface StoreHistory {
  /** Counted revenue and orders over `hours` hours before the start. */
  history: Required<SalesHistory>;
  /** Counted revenue in the equal window just before the start (growth). */
  baseline: Minor;
}

/** Whether an order before the start counts in the store's history: by the race's rule, without decisions or caps. */
function countsInHistory(order: OrderDelivery, competition: Competition): boolean {
  const rules = { countManualOrders: competition.countManualOrders === true, capped: false };
  return countsFor(order, competition.currency) &&
    judgeOrder({ ...order, hasCustomer: false }, rules).kind === "counts";
}

/**
 * A store's history, read once: its counted orders created in the 30 days
 * before the start (less when Shopify's 60-day window of readable orders
 * cuts it short), giving the hourly average spikes are measured against, and
 * the growth baseline (the equal window before the start, at most 30 days).
 */
async function readHistory(
  deps: OrderSyncDeps,
  participant: Participant,
  competition: Competition,
  pageSize: number,
): Promise<StoreHistory> {
  const startMs = Date.parse(competition.startDate);
  const duration = Date.parse(competition.endDate) - startMs;
  // Shopify's read_orders shows the last 60 days; an hour's margin keeps the window inside it.
  const fromMs = Math.max(startMs - HISTORY_MS, deps.now() - SHOPIFY_ORDER_WINDOW_S * 1000 + 3600_000);
  const hours = Math.max(0, Math.floor((startMs - fromMs) / 3600_000));
  const historyFrom = startMs - hours * 3600_000;
  const result: StoreHistory = { history: { revenue: 0, hours, orders: 0 }, baseline: 0 };
  const search = orderSearch(Math.min(historyFrom, startMs - duration), startMs - 1);
  let after: string | null = null;
  for (;;) {
    const data: OrdersPage = await deps.admin.query(
      participant.shop,
      ORDERS_QUERY,
      { first: pageSize, after, query: search },
      pageCost(pageSize),
    );
    for (const node of data.orders.nodes) {
      const order = fromGraphqlOrder(node);
      const createdMs = Date.parse(order.createdAt);
      if (createdMs >= startMs || !countsInHistory(order, competition)) continue;
      if (createdMs >= historyFrom) {
        result.history.revenue += order.amount;
        result.history.orders++;
      }
      if (createdMs >= startMs - duration) result.baseline += order.amount;
    }
    if (!data.orders.pageInfo.hasNextPage || !data.orders.pageInfo.endCursor) return result;
    after = data.orders.pageInfo.endCursor;
  }
}

/**
 * Keeps a store's history on its participant, its growth baseline once and,
 * in a competition with divisions, its division: placed from that history in
 * the same commit, once (`placement`), its row moving onto its division's board.
 */
function recordHistory(
  kv: Deno.Kv,
  participantId: string,
  competition: Competition,
  read: StoreHistory,
  now: number,
) {
  return updateParticipant(kv, participantId, now, "leaderboard", (current) => {
    const ranking = current.ranking?.metric === "growth" && current.ranking.baseline === null
      ? { ...current.ranking, baseline: read.baseline }
      : current.ranking;
    const history = current.history ?? read.history;
    return { ...current, history, ranking, ...placement(current, competition, history) };
  });
}

/** What one run did. */
export interface SyncRun {
  kind: "backfill" | "sync";
  pages: number;
  orders: number;
  skipped?: "disconnected" | "not_started";
}

/** What the sync needs. */
export interface OrderSyncDeps {
  kv: Deno.Kv;
  now: () => number;
  admin: AdminClient;
  /** Orders per page, default (and at most) `MAX_PAGE_SIZE`. */
  pageSize?: number;
}

/** The sentence kept on the participant (and shown to its owner) when a run fails. */
export function syncErrorSentence(error: unknown): string {
  if (error instanceof ReconnectRequiredError) return error.message;
  if (error instanceof ShopifyQueryError) return `Shopify refused the order query: ${error.message}`;
  return "Shopify did not answer in time; the orders will be fetched at the next sync.";
}

function setSync(kv: Deno.Kv, id: string, now: number, update: (sync: SyncProgress) => SyncProgress) {
  return updateParticipant(kv, id, now, "sync", (current) => ({ ...current, sync: update(current.sync) }));
}

/**
 * Fetches a participant's orders and records them. `backfill` fetches every
 * order created in the window (resuming from the cursor if one is kept);
 * `sync` fetches those updated since the cursor minus `SYNC_OVERLAP_MS`. On
 * failure the participant's sync becomes `failed` with a sentence, and the
 * error is thrown.
 */
export async function runOrderSync(
  deps: OrderSyncDeps,
  participantId: string,
  kind: "backfill" | "sync",
): Promise<SyncRun> {
  const { kv, now } = deps;
  const participant = await getParticipant(kv, participantId);
  if (participant.connection !== "connected") return { kind, pages: 0, orders: 0, skipped: "disconnected" };
  const competition = await getCompetition(kv, participant.competitionId);
  const startMs = Date.parse(competition.startDate);
  const endMs = Date.parse(competition.endDate);
  if (now() < startMs) {
    await setSync(kv, participantId, now(), (sync) => ({
      ...sync,
      state: "done",
      ordersFetched: 0,
      lastSyncedAt: new Date(now()).toISOString(),
      error: undefined,
    }));
    return { kind, pages: 0, orders: 0, skipped: "not_started" };
  }
  const cursorMs = participant.sync.cursor ? Date.parse(participant.sync.cursor) : undefined;
  const since = cursorMs === undefined ? undefined : cursorMs - (kind === "sync" ? SYNC_OVERLAP_MS : 0);
  const search = orderSearch(startMs, endMs, since);
  const pageSize = Math.min(MAX_PAGE_SIZE, deps.pageSize ?? MAX_PAGE_SIZE);
  await setSync(
    kv,
    participantId,
    now(),
    (sync) => ({ ...sync, state: "running", ordersFetched: 0, error: undefined }),
  );
  const run: SyncRun = { kind, pages: 0, orders: 0 };
  try {
    const growthUnread = participant.ranking?.metric === "growth" && participant.ranking.baseline === null;
    if (participant.history === undefined || growthUnread) {
      const read = await readHistory(deps, participant, competition, pageSize);
      await recordHistory(kv, participantId, competition, read, now());
    }
    let after: string | null = null;
    for (;;) {
      const data: { orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: GraphqlOrder[] } } =
        await deps.admin.query(
          participant.shop,
          ORDERS_QUERY,
          { first: pageSize, after, query: search },
          pageCost(pageSize),
        );
      const { nodes, pageInfo } = data.orders;
      let maxUpdated: string | undefined;
      for (const node of nodes) {
        const order = fromGraphqlOrder(node);
        await recordOrder(kv, participantId, order, now());
        if (!maxUpdated || order.updatedAt > maxUpdated) maxUpdated = order.updatedAt;
      }
      run.pages++;
      run.orders += nodes.length;
      await setSync(kv, participantId, now(), (sync) => ({
        ...sync,
        ordersFetched: sync.ordersFetched + nodes.length,
        cursor: maxUpdated && (!sync.cursor || maxUpdated > sync.cursor) ? maxUpdated : sync.cursor,
      }));
      if (!pageInfo.hasNextPage || !pageInfo.endCursor) break;
      after = pageInfo.endCursor;
    }
  } catch (error) {
    const sentence = syncErrorSentence(error);
    log("warn", `shopify ${kind} failed`, {
      participantId,
      shop: participant.shop,
      reason: sentence,
      detail: error instanceof Error ? error.message : String(error),
    });
    await setSync(kv, participantId, now(), (sync) => ({ ...sync, state: "failed", error: sentence }));
    throw error instanceof ReconnectRequiredError || error instanceof ShopifyQueryError
      ? error
      : new Error(sentence, { cause: error });
  }
  await setSync(kv, participantId, now(), (sync) => ({
    ...sync,
    state: "done",
    lastSyncedAt: new Date(now()).toISOString(),
    error: undefined,
  }));
  log("info", `shopify ${kind} done`, { participantId, shop: participant.shop, pages: run.pages, orders: run.orders });
  return run;
}
