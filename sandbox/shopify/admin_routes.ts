/**
 * The Admin GraphQL endpoint, `POST /{shop}/admin/api/{version}/graphql.json`:
 * checks the access token, prices the query against the shop's leaky
 * bucket, runs it, and reports `extensions.cost` as Shopify does.
 */
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  parse,
} from "graphql";
import type { DocumentNode, FragmentDefinitionNode } from "graphql";
import type { Hono } from "hono";
import { mutationRoot, queryRoot } from "./admin_resolvers.ts";
import { adminSchema } from "./admin_schema.ts";
import type { CostBucket } from "./cost_bucket.ts";
import { type ShopifyFaults, takeHttpFault } from "./faults.ts";
import { type GraphqlError, GraphqlFieldError, selectionCost, shopifyValidation } from "./graphql_executor.ts";
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

function pickOperation(document: DocumentNode, name: unknown): OperationDefinitionNode | string {
  const named = typeof name === "string" && name ? name : undefined;
  const operation = getOperationAST(document, named);
  if (operation) return operation;
  if (named) return `Unknown operation named "${named}".`;
  return document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION)
    ? "An operation name is required when the document has several operations."
    : "No operations in query document.";
}

/** graphql-js's syntax error worded as Shopify's parser words it: `Parse error on "}" at [1, 16]`. */
function parseError(error: GraphQLError): GraphqlError {
  const token = /(?:found|Unexpected) (.+)\.$/.exec(error.message)?.[1].replace(/^"(.*)"$/, "$1") ?? "";
  const { line, column } = error.locations?.[0] ?? { line: 1, column: 1 };
  return {
    message: `Parse error on "${token === "<EOF>" ? "end of file" : token}" at [${line}, ${column}]`,
    locations: [{ line, column }],
  };
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
    const schema = await adminSchema();
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return c.json({ errors: [parseError(error)] });
    }
    const invalid = shopifyValidation(schema, document);
    if (invalid.length) return c.json({ errors: invalid });
    const operation = pickOperation(document, request.operationName);
    if (typeof operation === "string") {
      return c.json({ errors: [{ message: operation }] });
    }
    if (operation.operation === "subscription") {
      return c.json({ errors: [{ message: "Subscriptions are not supported" }] });
    }
    const given = (request.variables ?? {}) as Record<string, unknown>;
    const variables = getVariableValues(schema, operation.variableDefinitions ?? [], given);
    if (variables.errors) {
      return c.json({
        errors: variables.errors.map((error) => ({
          message: error.message,
          locations: error.locations,
          extensions: { code: "INVALID_VARIABLE" },
        })),
      });
    }
    const fragments: Record<string, FragmentDefinitionNode> = Object.fromEntries(
      document.definitions.flatMap((definition) =>
        definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : []
      ),
    );
    const costContext = { fragments, variables: variables.coerced };
    const isMutation = operation.operation === "mutation";
    const requested = isMutation
      ? MUTATION_COST * operation.selectionSet.selections.length
      : selectionCost(operation.selectionSet, costContext);
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
    const operationName = operation.name?.value;
    const result = await execute({ schema, document, operationName, rootValue: root, variableValues: given });
    const unanswerable = result.errors?.find((error) => !(error.originalError instanceof GraphqlFieldError));
    if (unanswerable) {
      deps.bucket.refund(shop.domain, requested);
      return c.json({
        errors: [{
          message: `The simulated Shopify cannot answer this: ${unanswerable.message}`,
          path: unanswerable.path,
        }],
      }, 500);
    }
    const data = result.data as Record<string, unknown> | null;
    const errors = (result.errors ?? []).map((error) => error.toJSON());
    const actual = isMutation ? requested : selectionCost(operation.selectionSet, costContext, data);
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
