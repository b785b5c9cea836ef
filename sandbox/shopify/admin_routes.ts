/**
 * The Admin GraphQL endpoint, `POST /{shop}/admin/api/{version}/graphql.json`:
 * checks the access token, prices the query against the shop's leaky
 * bucket, runs it, and reports `extensions.cost` as Shopify does. The
 * GraphQL engine (`admin_graphql.ts`, graphql-js and Shopify's schema) is
 * loaded on the first request, not when the sandbox starts.
 */
import type { Hono } from "hono";
import type { CostBucket } from "./cost_bucket.ts";
import { type ShopifyFaults, takeHttpFault } from "./faults.ts";
import type { ShopStore } from "./shop_store.ts";
import type { TokenIssuer } from "./tokens.ts";

/** What the Admin API endpoint needs. */
export interface AdminDependencies {
  store: ShopStore;
  tokens: TokenIssuer;
  bucket: CostBucket;
  faults: ShopifyFaults;
  /** The clock, epoch ms: what "the last 60 days of orders" means. */
  now: () => number;
}

/** Shopify's ceiling for one query's requested cost. */
export const MAX_SINGLE_QUERY_COST = 1000;

interface PostedRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

async function readGraphqlRequest(request: Request): Promise<PostedRequest> {
  const type = request.headers.get("content-type") ?? "";
  const text = await request.text();
  if (type.includes("application/graphql")) return { query: text };
  try {
    return JSON.parse(text) as PostedRequest;
  } catch {
    return {};
  }
}

/** Adds the Admin GraphQL route to `app`. */
export function registerAdminRoutes(app: Hono, deps: AdminDependencies): void {
  app.post("/:shop/admin/api/:version/graphql.json", async (c) => {
    const shopDomain = c.req.param("shop").toLowerCase();
    const apiVersion = c.req.param("version");
    const shop = deps.store.findShop(shopDomain);
    if (!shop) return c.json({ errors: "Not Found" }, 404);
    const fault = takeHttpFault(deps.faults, "graphql");
    if (fault) return fault;
    const grant = deps.tokens.verify(
      shop.domain,
      c.req.header("X-Shopify-Access-Token") ?? "",
    );
    if (!grant) {
      return c.json({
        errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
      }, 401);
    }
    c.header("X-Shopify-API-Version", apiVersion);
    c.header("X-Request-Id", crypto.randomUUID());

    const request = await readGraphqlRequest(c.req.raw);
    if (typeof request.query !== "string" || !request.query.trim()) {
      return c.json({ errors: [{ message: "No query string was present" }] });
    }
    const { prepareAdminOperation } = await import("./admin_graphql.ts");
    const prepared = await prepareAdminOperation({ ...request, query: request.query });
    if (prepared.kind === "refused") return c.json({ errors: prepared.errors });
    const requested = prepared.requestedCost;
    const cost = (actual: number | null) => ({
      requestedQueryCost: requested,
      actualQueryCost: actual,
      throttleStatus: deps.bucket.status(shop.domain),
    });
    if (requested > MAX_SINGLE_QUERY_COST) {
      return c.json({
        errors: [{
          message:
            `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`,
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_SINGLE_QUERY_COST },
        }],
        extensions: { cost: cost(null) },
      });
    }
    if (!deps.bucket.take(shop.domain, requested)) {
      return c.json({
        errors: [{
          message: "Throttled",
          extensions: {
            code: "THROTTLED",
            documentation: "https://shopify.dev/api/usage/rate-limits",
          },
        }],
        extensions: { cost: cost(null) },
      });
    }

    const searchWarnings: unknown[] = [];
    const schemaContext = {
      store: deps.store,
      shop,
      scopes: grant.scopes,
      apiVersion,
      searchWarnings,
      now: deps.now(),
    };
    const result = await prepared.run(schemaContext);
    if (result.kind === "unanswerable") {
      deps.bucket.refund(shop.domain, requested);
      return c.json({ errors: [result.error] }, 500);
    }
    const { data, errors, actualCost: actual } = result;
    deps.bucket.refund(shop.domain, requested - actual);
    return c.json({
      data,
      ...(errors.length ? { errors } : {}),
      extensions: {
        cost: cost(actual),
        ...(searchWarnings.length ? { search: searchWarnings } : {}),
      },
    });
  });
}
