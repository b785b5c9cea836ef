/**
 * Admin GraphQL calls through the library's client, with the waiting done
 * here (the client would read `Retry-After` as milliseconds, and it does not
 * pace by query cost):
 *
 * - before a query, if the shop's cost bucket (as last reported in
 *   `extensions.cost.throttleStatus`, refilled at `restoreRate` since) holds
 *   less than the query's expected cost, wait until it does;
 * - `THROTTLED` (HTTP 200) waits for the missing points at `restoreRate`;
 * - 429 waits `Retry-After` seconds; 5xx and network errors back off;
 * - 401 refreshes the token once and tries again;
 * - waits Shopify asks for (429, `THROTTLED`) are bounded by the time they
 *   add up to (`RETRY.rateWaitBudgetMs`), so a storm of 429s is ridden out;
 *   failures (5xx, network) by their number (`RETRY.attempts`).
 */
import { GraphqlQueryError, HttpResponseError, Session } from "@shopify/shopify-api";
import type { ConnectionStore } from "./connections.ts";
import type { ShopifyLibrary } from "./library.ts";
import { backoff, RETRY, retryDelay, type Sleep } from "./retry.ts";

/** `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface CostExtension {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: ThrottleStatus;
}

/** A GraphQL error that retrying will not fix (bad query, access denied). */
export class ShopifyQueryError extends Error {
  override name = "ShopifyQueryError";
}

/** Counters for measurements and tests. */
export interface AdminStats {
  requests: number;
  throttledWaits: number;
  rateLimited: number;
  serverErrors: number;
  refreshedAfter401: number;
  waitedMs: number;
}

/** What the client needs. */
export interface AdminClientDeps {
  library: ShopifyLibrary;
  connections: ConnectionStore;
  sleep: Sleep;
  now: () => number;
}

/** Admin GraphQL for connected shops. */
export class AdminClient {
  #buckets = new Map<string, { status: ThrottleStatus; at: number }>();
  readonly stats: AdminStats = {
    requests: 0,
    throttledWaits: 0,
    rateLimited: 0,
    serverErrors: 0,
    refreshedAfter401: 0,
    waitedMs: 0,
  };

  constructor(private deps: AdminClientDeps) {}

  async #wait(ms: number) {
    if (ms <= 0) return;
    this.stats.waitedMs += ms;
    await this.deps.sleep(ms);
  }

  /** Milliseconds until the shop's bucket holds `cost` points, by its last report. */
  #bucketWait(shop: string, cost: number): number {
    const known = this.#buckets.get(shop);
    if (!known) return 0;
    const { status, at } = known;
    const need = Math.min(cost, status.maximumAvailable);
    const available = Math.min(
      status.maximumAvailable,
      status.currentlyAvailable + (this.deps.now() - at) / 1000 * status.restoreRate,
    );
    if (available >= need || status.restoreRate <= 0) return 0;
    return Math.ceil((need - available) / status.restoreRate * 1000);
  }

  #remember(shop: string, cost: CostExtension | undefined) {
    if (cost?.throttleStatus) this.#buckets.set(shop, { status: cost.throttleStatus, at: this.deps.now() });
  }

  /**
   * Runs one query for `shop`; `expectedCost` is the query's requested cost
   * (for pacing); `accessToken` is for a token not stored yet (the join's
   * first query). Returns `data`.
   */
  async query<T>(
    shop: string,
    document: string,
    variables: Record<string, unknown>,
    expectedCost = 10,
    accessToken?: string,
  ): Promise<T> {
    let forceRefresh = false;
    let refreshed = false;
    let failures = 0;
    let rateWaitedMs = 0;
    const waitForRate = async (ms: number, error: unknown) => {
      if (rateWaitedMs + ms > RETRY.rateWaitBudgetMs) throw error;
      rateWaitedMs += ms;
      await this.#wait(ms);
    };
    for (let attempt = 1;; attempt++) {
      await this.#wait(this.#bucketWait(shop, expectedCost));
      const token = accessToken ?? await this.deps.connections.accessToken(shop, { force: forceRefresh });
      forceRefresh = false;
      const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: token });
      this.stats.requests++;
      try {
        const response = await this.deps.library.run(() => {
          const client = new this.deps.library.api.clients.Graphql({ session });
          return client.request(document, { variables, retries: 0 });
        });
        this.#remember(shop, response.extensions?.cost as CostExtension | undefined);
        return response.data as T;
      } catch (error) {
        if (error instanceof GraphqlQueryError) {
          const body = error.body as
            | {
              errors?: { graphQLErrors?: { message?: string; extensions?: { code?: string } }[] };
              extensions?: { cost?: CostExtension };
            }
            | undefined;
          const cost = body?.extensions?.cost;
          this.#remember(shop, cost);
          const throttled = body?.errors?.graphQLErrors?.some((e) => e.extensions?.code === "THROTTLED");
          if (!throttled) throw new ShopifyQueryError(error.message);
          this.stats.throttledWaits++;
          const wait = this.#bucketWait(shop, cost?.requestedQueryCost ?? expectedCost);
          await waitForRate(wait > 0 ? wait : backoff(attempt), error);
          continue;
        }
        if (error instanceof HttpResponseError && error.response.code === 401 && !refreshed && !accessToken) {
          this.stats.refreshedAfter401++;
          refreshed = true;
          forceRefresh = true;
          continue;
        }
        if (error instanceof HttpResponseError && error.response.code === 429) {
          this.stats.rateLimited++;
          await waitForRate(retryDelay(error, attempt)!, error);
          continue;
        }
        const delay = retryDelay(error, ++failures);
        if (delay === undefined || failures >= RETRY.attempts) throw error;
        this.stats.serverErrors++;
        await this.#wait(delay);
      }
    }
  }
}
