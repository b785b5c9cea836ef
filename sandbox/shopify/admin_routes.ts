/**
 * The Admin GraphQL endpoint, `POST /{shop}/admin/api/{version}/graphql.json`:
 * checks the access token, prices the query against the shop's leaky
 * bucket, runs it, and reports `extensions.cost` as Shopify does.
 */
import type { Hono } from "hono";
import { mutationRoot, queryRoot } from "./admin_schema.ts";
import type { CostBucket } from "./cost_bucket.ts";
import { type ShopifyFaults, takeHttpFault } from "./faults.ts";
import {
  collectFields,
  execute,
  type ExecutionContext,
  type GraphqlError,
  GraphqlValidationError,
  selectionCost,
} from "./graphql_executor.ts";
import {
  type DocumentNode,
  GraphqlSyntaxError,
  type GraphqlValue,
  type OperationNode,
  parseGraphql,
  resolveValue,
} from "./graphql_parser.ts";
import type { ShopStore } from "./shop_store.ts";
import type { TokenIssuer } from "./tokens.ts";

/** What the Admin API endpoint needs. */
export interface AdminDependencies {
  store: ShopStore;
  tokens: TokenIssuer;
  bucket: CostBucket;
  faults: ShopifyFaults;
}

/** Shopify's ceiling for one query's requested cost. */
export const MAX_SINGLE_QUERY_COST = 1000;

const MUTATION_COST = 10;

interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

async function readGraphqlRequest(request: Request): Promise<GraphqlRequest> {
  const type = request.headers.get("content-type") ?? "";
  const text = await request.text();
  if (type.includes("application/graphql")) return { query: text };
  try {
    return JSON.parse(text) as GraphqlRequest;
  } catch {
    return {};
  }
}

function pickOperation(
  document: DocumentNode,
  name: unknown,
): OperationNode | string {
  if (typeof name === "string" && name) {
    return document.operations.find((op) => op.name === name) ??
      `Unknown operation named "${name}".`;
  }
  if (document.operations.length === 1) return document.operations[0];
  return document.operations.length === 0
    ? "No operations in query document."
    : "An operation name is required when the document has several operations.";
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
    let document: DocumentNode;
    try {
      document = parseGraphql(request.query);
    } catch (error) {
      if (!(error instanceof GraphqlSyntaxError)) throw error;
      return c.json({
        errors: [{
          message: error.message,
          locations: [{ line: error.line, column: error.column }],
        }],
      });
    }
    const operation = pickOperation(document, request.operationName);
    if (typeof operation === "string") {
      return c.json({ errors: [{ message: operation }] });
    }
    if (operation.operation === "subscription") {
      return c.json({ errors: [{ message: "Subscriptions are not supported" }] });
    }
    const given = (request.variables ?? {}) as Record<string, GraphqlValue>;
    const variables: Record<string, GraphqlValue> = { ...given };
    for (const definition of operation.variables) {
      if (!(definition.name in variables) && definition.defaultValue) {
        variables[definition.name] = resolveValue(definition.defaultValue, {});
      }
    }
    const context: ExecutionContext = { variables, fragments: document.fragments };
    const isMutation = operation.operation === "mutation";

    let requested: number;
    try {
      requested = isMutation
        ? MUTATION_COST * collectFields(operation.selections, context).length
        : selectionCost(operation.selections, context);
    } catch (error) {
      if (!(error instanceof GraphqlValidationError)) throw error;
      return c.json({ errors: [error.error] });
    }
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
    };
    const root = isMutation ? mutationRoot(schemaContext) : queryRoot(schemaContext);
    let data: Record<string, unknown>;
    let errors: GraphqlError[];
    try {
      ({ data, errors } = execute(operation.selections, root, context));
    } catch (error) {
      if (!(error instanceof GraphqlValidationError)) throw error;
      deps.bucket.refund(shop.domain, requested);
      return c.json({ errors: [error.error], extensions: { cost: cost(0) } });
    }
    const actual = isMutation ? requested : selectionCost(operation.selections, context, data);
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
