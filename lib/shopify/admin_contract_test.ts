/**
 * The app against Shopify's published Admin API contract: every GraphQL
 * document the app can send (`admin_documents.ts`), with the variables it
 * sends, validates against Shopify's own 2026-07 schema, and the simulated
 * Shopify answers only fields of that schema with values of its types.
 */
import { assert, assertEquals } from "../../testing/assert.ts";
import {
  getNamedType,
  getVariableValues,
  type GraphQLObjectType,
  isLeafType,
  isObjectType,
  NoDeprecatedCustomRule,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { prepareAdminOperation, selectionCost, shopifyValidation } from "../../sandbox/shopify/admin_graphql.ts";
import { type AdminRequestContext, mutationRoot, queryRoot } from "../../sandbox/shopify/admin_resolvers.ts";
import {
  ADMIN_SCHEMA_FILE,
  ADMIN_SCHEMA_SHA256,
  ADMIN_SCHEMA_VERSION,
  adminSchema,
} from "../../sandbox/shopify/admin_schema.ts";
import type { GraphqlObject } from "../../sandbox/shopify/graphql_values.ts";
import { ShopStore } from "../../sandbox/shopify/shop_store.ts";
import {
  ADMIN_DOCUMENTS,
  ORDER_QUERY,
  ORDERS_QUERY,
  SHOP_QUERY,
  WEBHOOK_SUBSCRIPTION_MUTATION,
  webhookSubscriptionVariables,
} from "./admin_documents.ts";
import { SHOPIFY_API_VERSION } from "./library.ts";
import { MAX_PAGE_SIZE, orderSearch, pageCost } from "./sync.ts";
import { SUBSCRIBED_TOPICS } from "./webhooks.ts";
import { ORDER_NODE_COST, paymentStateOf, riskOf } from "./orders.ts";
import { topicToEnum, WEBHOOK_TOPICS } from "../../sandbox/shopify/model.ts";
import { isEnumType } from "graphql";

/** Each document with every variable set the app sends with it. */
function sentVariables(): [string, string, Record<string, unknown>[]][] {
  const start = Date.parse("2026-11-01T00:00:00Z");
  const end = Date.parse("2026-11-08T00:00:00Z");
  return [
    ["SHOP_QUERY", SHOP_QUERY, [{}]],
    [
      "WEBHOOK_SUBSCRIPTION_MUTATION",
      WEBHOOK_SUBSCRIPTION_MUTATION,
      SUBSCRIBED_TOPICS.map((topic) =>
        webhookSubscriptionVariables(topic, "https://cartbrawl.example/api/shopify/webhooks")
      ),
    ],
    ["ORDERS_QUERY", ORDERS_QUERY, [
      { first: MAX_PAGE_SIZE, after: null, query: orderSearch(start, end) },
      { first: 10, after: "eyJsYXN0X2lkIjoxfQ==", query: orderSearch(start, end, start + 3_600_000) },
    ]],
    ["ORDER_QUERY", ORDER_QUERY, [{ id: "gid://shopify/Order/5000000000001" }]],
  ];
}

Deno.test("shopify contract - the vendored schema is Shopify's admin 2026-07 file, the version the app asks for", async () => {
  const bytes = await Deno.readFile(ADMIN_SCHEMA_FILE);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  assertEquals([...digest].map((byte) => byte.toString(16).padStart(2, "0")).join(""), ADMIN_SCHEMA_SHA256);
  assertEquals(String(SHOPIFY_API_VERSION), ADMIN_SCHEMA_VERSION);
});

Deno.test("shopify contract - every Admin GraphQL document the app sends validates against admin 2026-07 with the variables it sends", async () => {
  const started = performance.now();
  const schema = await adminSchema();
  const builtMs = performance.now() - started;
  let variableSets = 0;
  const invalid: string[] = [];
  for (const [name, text, variableSets_] of sentVariables()) {
    const document = parse(text);
    const errors = [
      ...shopifyValidation(schema, document),
      ...validate(schema, document, [NoDeprecatedCustomRule]),
    ];
    if (errors.length) invalid.push(`${name}: ${errors.map((error) => error.message).join("; ")}`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    for (const given of variableSets_) {
      variableSets++;
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], given);
      if (coerced.errors) invalid.push(`${name} ${JSON.stringify(given)}: ${coerced.errors[0].message}`);
    }
  }
  assertEquals(invalid, []);
  const names = sentVariables().map(([name]) => name);
  assertEquals(names.sort(), Object.keys(ADMIN_DOCUMENTS).sort(), "every document the app sends is listed here");
  console.log(
    `shopify contract: ${names.length} GraphQL documents (${variableSets} variable sets) valid against admin ${ADMIN_SCHEMA_VERSION}, 0 invalid, none deprecated; schema built in ${
      Math.round(builtMs)
    } ms`,
  );
});

Deno.test("shopify contract - no module of the app writes a GraphQL document outside admin_documents.ts", async () => {
  const operation = /\b(query|mutation)\s+\w*\s*(\([^)]*\))?\s*\{/;
  const found: string[] = [];
  for (const folder of ["lib", "routes", "cron"]) {
    const walk = async (dir: string): Promise<void> => {
      for await (const entry of Deno.readDir(dir)) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory) await walk(path);
        else if (
          /\.tsx?$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name) && !path.endsWith("admin_documents.ts")
        ) {
          if (operation.test(await Deno.readTextFile(path))) found.push(path);
        }
      }
    };
    await walk(new URL(`../../${folder}`, import.meta.url).pathname.replace(/\/$/, ""));
  }
  assertEquals(found, []);
  const operationNames = Object.values(ADMIN_DOCUMENTS).map((text) =>
    (parse(text).definitions[0] as OperationDefinitionNode).name?.value
  );
  assertEquals(new Set(operationNames).size, operationNames.length, "each document has its own operation name");
});

Deno.test("shopify contract - invalid documents fail validation: unknown field, wrong argument, wrong enum, wrong variable, deprecated input", async () => {
  const schema = await adminSchema();
  const codes = (text: string) => shopifyValidation(schema, parse(text)).map((error) => error.extensions?.code);
  assertEquals(codes(ORDERS_QUERY.replace("currencyCode", "currency")), ["undefinedField"]);
  assertEquals(codes(ORDERS_QUERY.replace("sortKey: UPDATED_AT", "sortBy: UPDATED_AT")), ["argumentNotAccepted"]);
  assertEquals(codes(ORDERS_QUERY.replace("sortKey: UPDATED_AT", "sortKey: UPDATED")), [
    "argumentLiteralsIncompatible",
  ]);
  assertEquals(codes(ORDERS_QUERY.replace("$first: Int!", "$first: String!")), ["variableMismatch"]);
  assertEquals(codes(SHOP_QUERY.replace("currencyCode", "currencyCode { code }")), ["selectionMismatch"]);
  const deprecated = WEBHOOK_SUBSCRIPTION_MUTATION.replace("{ uri: $uri", "{ callbackUrl: $uri");
  assertEquals(codes(deprecated), ["variableMismatch"], "callbackUrl is a URL, not a String");
  const deprecatedUse = validate(schema, parse(deprecated.replace("$uri: String!", "$uri: URL!")), [
    ...specifiedRules,
    NoDeprecatedCustomRule,
  ]);
  assertEquals(deprecatedUse.map((error) => error.message), [
    "The input field WebhookSubscriptionInput.callbackUrl is deprecated. Use `uri` instead.",
  ]);
  const operation = parse(WEBHOOK_SUBSCRIPTION_MUTATION).definitions[0] as OperationDefinitionNode;
  const badTopic = getVariableValues(schema, operation.variableDefinitions ?? [], {
    topic: "ORDERS_DELETED_FOREVER",
    uri: "https://x.test",
  });
  assert(badTopic.errors?.length === 1);
});

Deno.test("shopify contract - the app's page cost is what Shopify's calculator charges for ORDERS_QUERY", () => {
  const document = parse(ORDERS_QUERY);
  const operation = document.definitions[0] as OperationDefinitionNode;
  for (const first of [1, 50, MAX_PAGE_SIZE]) {
    assertEquals(selectionCost(operation.selectionSet, { fragments: {}, variables: { first } }), pageCost(first));
  }
  const one = parse(ORDER_QUERY).definitions[0] as OperationDefinitionNode;
  assertEquals(
    selectionCost(one.selectionSet, { fragments: {}, variables: { id: "gid://shopify/Order/1" } }),
    ORDER_NODE_COST,
  );
});

/** Arguments the walk passes to the simulator's resolver fields. */
const WALK_ARGUMENTS: Record<string, Record<string, unknown>> = {
  orders: { first: 5, sortKey: "ID" },
  lineItems: { first: 5 },
  webhookSubscriptions: { first: 5 },
  webhookSubscriptionCreate: {
    topic: "ORDERS_CREATE",
    webhookSubscription: { uri: "https://app.test/hooks", format: "JSON" },
  },
};

function argumentText(args: Record<string, unknown> | undefined): string {
  if (!args) return "";
  const value = (v: unknown): string =>
    typeof v === "string" && /^[A-Z_]+$/.test(v)
      ? v
      : v && typeof v === "object"
      ? `{ ${Object.entries(v).map(([k, inner]) => `${k}: ${value(inner)}`).join(", ")} }`
      : JSON.stringify(v);
  return `(${Object.entries(args).map(([name, v]) => `${name}: ${value(v)}`).join(", ")})`;
}

Deno.test("shopify contract - the simulator answers only fields of admin 2026-07, each with a value of its schema type", async () => {
  const schema = await adminSchema();
  const now = Date.parse("2026-11-20T12:00:00Z");
  const store = new ShopStore(() => now);
  const shop = store.createShop({ shop: "contract.myshopify.com", currency: "EUR", email: "owner@contract.test" });
  store.createOrder(shop.domain, {
    lineItems: [{ title: "Mug", quantity: 2, price: "12.50" }],
    note: "gift",
    createdAt: now - 86_400_000,
    customerId: store.createCustomer(shop.domain).id,
    risk: "INVESTIGATE",
  });
  const [order] = store.orders(shop.domain);
  store.refundOrder(shop.domain, order.id, "5.00");
  store.cancelOrder(shop.domain, order.id, { reason: "customer" });
  store.updateOrder(shop.domain, order.id, { tags: ["vip"] });
  const context: AdminRequestContext = {
    store,
    shop,
    scopes: ["read_orders"],
    apiVersion: ADMIN_SCHEMA_VERSION,
    searchWarnings: [],
    now,
  };
  const unknown: string[] = [];
  let fields = 0;
  const subscription = () => `gid://shopify/WebhookSubscription/${store.subscriptions(shop.domain)[0]?.id}`;
  const argumentsOf = (field: string): Record<string, unknown> | undefined => {
    if (field === "order") return { id: `gid://shopify/Order/${order.id}` };
    if (field === "webhookSubscriptionUpdate") {
      return { id: subscription(), webhookSubscription: { uri: "https://app.test/moved" } };
    }
    if (field === "webhookSubscriptionDelete") return { id: subscription() };
    return WALK_ARGUMENTS[field];
  };
  /** The selection of every field `value` offers, each checked against its schema type. */
  const selectAll = (value: GraphqlObject): string => {
    const type = schema.getType(value.__typename);
    if (!isObjectType(type)) {
      unknown.push(`type ${value.__typename}`);
      return "{ __typename }";
    }
    const parts = Object.entries(value).filter(([key]) => key !== "__typename").map(([key, raw]) => {
      const field = (type as GraphQLObjectType).getFields()[key];
      if (!field) {
        unknown.push(`${type.name}.${key}`);
        return "";
      }
      fields++;
      const fieldArgs = typeof raw === "function" ? argumentsOf(key) : undefined;
      const resolved = typeof raw === "function" ? raw(fieldArgs ?? {}) : raw;
      const sample = Array.isArray(resolved) ? resolved[0] : resolved;
      const head = `${key}${argumentText(fieldArgs)}`;
      const named = getNamedType(field.type);
      if (isLeafType(named)) return head;
      if (!sample || typeof sample !== "object") return `${head} { __typename }`;
      const inner = selectAll(sample as GraphqlObject);
      return isObjectType(named)
        ? `${head} ${inner}`
        : `${head} { ... on ${(sample as GraphqlObject).__typename} ${inner} }`;
    });
    return `{ __typename ${parts.join(" ")} }`;
  };
  const query = `query Everything ${selectAll(queryRoot(context))}`;
  const mutation = `mutation Everything ${selectAll(mutationRoot(context))}`;
  assertEquals(unknown, [], "fields the simulator offers that admin 2026-07 does not have");
  for (const text of [query, mutation]) {
    const prepared = await prepareAdminOperation({ query: text });
    assert(prepared.kind === "prepared", JSON.stringify(prepared));
    const result = await prepared.run(context);
    assert(result.kind === "answered", JSON.stringify(result));
    assertEquals(result.errors, [], "every value serializes as its schema type (enums, non-null, scalars)");
  }
  assert(fields > 60, `walked ${fields} field selections`);
  console.log(
    `shopify contract: the simulator answered ${fields} field selections, all fields of admin ${ADMIN_SCHEMA_VERSION}`,
  );
});

Deno.test("shopify contract - the risk is Order.risk.recommendation, its topic and values are Shopify's, and every status maps", async () => {
  const schema = await adminSchema();
  const enumValues = (name: string) => {
    const type = schema.getType(name);
    assert(isEnumType(type), name);
    return type.getValues().map((value) => value.name);
  };
  const order = schema.getType("Order") as GraphQLObjectType;
  const risk = order.getFields().risk;
  assert(risk && !risk.deprecationReason, "Order.risk exists and is not deprecated");
  assertEquals(String(risk.type), "OrderRiskSummary!");
  const summary = schema.getType("OrderRiskSummary") as GraphQLObjectType;
  assertEquals(String(summary.getFields().recommendation.type), "OrderRiskRecommendationResult!");
  for (const value of enumValues("OrderRiskRecommendationResult")) {
    assert(riskOf(value) !== undefined, `the app reads the recommendation ${value}`);
  }
  for (const deprecated of ["riskLevel", "risks"]) {
    assert(
      order.getFields()[deprecated]?.deprecationReason,
      `Order.${deprecated} is deprecated: the app does not use it`,
    );
  }
  for (const value of enumValues("OrderDisplayFinancialStatus")) {
    assert(paymentStateOf(value) !== undefined, `the app maps the financial status ${value}`);
  }
  assertEquals(paymentStateOf("PAID"), "paid");
  assertEquals(paymentStateOf("PARTIALLY_REFUNDED"), "paid");
  assertEquals(paymentStateOf("AUTHORIZED"), "pending");
  assertEquals(paymentStateOf("EXPIRED"), "voided");
  const topics = schema.getType("WebhookSubscriptionTopic");
  assert(isEnumType(topics));
  const topic = topics.getValue("ORDERS_RISK_ASSESSMENT_CHANGED");
  assert(topic, "orders/risk_assessment_changed is a topic of admin 2026-07");
  assert(
    /Does not include the risk recommendation/.test(topic.description ?? ""),
    "the topic does not carry the recommendation, so the app reads it from the Admin API",
  );
  const known = new Set(topics.getValues().map((value) => value.name));
  for (const subscribed of SUBSCRIBED_TOPICS) {
    assert(known.has(webhookSubscriptionVariables(subscribed, "https://x.test").topic), subscribed);
  }
  for (const fired of WEBHOOK_TOPICS) assert(known.has(topicToEnum(fired)), `the simulator fires ${fired}`);
});
