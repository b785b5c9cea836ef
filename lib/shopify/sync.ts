/**
 * Fetching orders from the Admin GraphQL API: the backfill when a store
 * joins (every order created in the window so far) and the periodic sync
 * (orders updated since the participant's cursor, so missed webhooks heal).
 * Both page through `orders(sortKey: UPDATED_AT)` with cursors, record each
 * order with `recordOrder` (idempotent, so overlaps and repeats are
 * harmless), and keep progress on the participant after every page. A store
 * in a competition ranked by growth also has its baseline read once, from
 * its orders in the equal window just before the start.
 */
import { getCompetition } from "../competitions/competitions.ts";
import { log } from "../core/log.ts";
import {
  getParticipant,
  type Participant,
  setGrowthBaseline,
  type SyncProgress,
  updateParticipant,
} from "../competitions/participants.ts";
import { countsFor, recordOrder } from "../competitions/revenue.ts";
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

/**
 * A growth store's baseline: the revenue of its counted orders created in
 * the equal window just before the start (`[start − duration, start)`), by
 * the same counting rule as the race.
 */
async function readBaseline(
  deps: OrderSyncDeps,
  participant: Participant,
  competition: Competition,
  pageSize: number,
): Promise<Minor> {
  const startMs = Date.parse(competition.startDate);
  const duration = Date.parse(competition.endDate) - startMs;
  const search = orderSearch(startMs - duration, startMs - 1);
  let baseline = 0;
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
      if (createdMs >= startMs - duration && createdMs < startMs && countsFor(order, competition.currency)) {
        baseline += order.amount;
      }
    }
    if (!data.orders.pageInfo.hasNextPage || !data.orders.pageInfo.endCursor) return baseline;
    after = data.orders.pageInfo.endCursor;
  }
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
    if (participant.ranking?.metric === "growth" && participant.ranking.baseline === null) {
      await setGrowthBaseline(kv, participantId, await readBaseline(deps, participant, competition, pageSize), now());
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
