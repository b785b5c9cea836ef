/**
 * What the simulated Admin API answers, as resolver objects over the shop
 * store for graphql-js to run against Shopify's schema (`admin_schema.ts`):
 * `shop`, `orders`, `order`, `webhookSubscriptions`, `currentAppInstallation`,
 * and the webhook subscription mutations. Every field here exists on its
 * type in the schema (the contract test checks it); a field the schema has
 * and the sandbox does not answer is null.
 */
import { paginate } from "./connection.ts";
import { type FieldArguments, GraphqlFieldError, type GraphqlObject } from "./graphql_values.ts";
import { formatGraphqlDecimal } from "./money.ts";
import {
  currentTotalMinor,
  financialStatus,
  RISK_LEVELS,
  type SandboxOrder,
  type SandboxShop,
  subtotalMinor,
  topicFromEnum,
  topicToEnum,
  WEBHOOK_TOPICS,
  type WebhookSubscription,
  type WebhookTopic,
} from "./model.ts";
import { OrderSearchError, parseOrderSearch } from "./order_search.ts";
import type { ShopStore } from "./shop_store.ts";
import { formatOffset, graphqlDateTime } from "./time.ts";

/** Who is asking: the shop, the scopes of the token, the API version of the URL. */
export interface AdminRequestContext {
  store: ShopStore;
  shop: SandboxShop;
  scopes: string[];
  apiVersion: string;
  /** Search warnings to report in `extensions.search`. */
  searchWarnings: unknown[];
  /** When the request is answered, epoch ms. */
  now: number;
}

/** How far back `read_orders` reads: Shopify shows orders of the last 60 days unless `read_all_orders` is granted. */
export const READ_ORDERS_WINDOW_MS = 60 * 86_400_000;

/** The shop's orders this token may read: the last 60 days, or all of them with `read_all_orders`. */
function readableOrders(context: AdminRequestContext): SandboxOrder[] {
  const orders = context.store.orders(context.shop.domain);
  if (context.scopes.includes("read_all_orders")) return orders;
  return orders.filter((order) => order.createdAt >= context.now - READ_ORDERS_WINDOW_MS);
}

const ORDER_SORT_KEYS: Record<string, (order: SandboxOrder) => number> = {
  ID: (order) => order.id,
  CREATED_AT: (order) => order.createdAt,
  PROCESSED_AT: (order) => order.createdAt,
  UPDATED_AT: (order) => order.updatedAt,
};

const ORDER_TOPICS = new Set<WebhookTopic>(
  WEBHOOK_TOPICS.filter((topic) => topic !== "app/uninstalled"),
);

function requireScope(context: AdminRequestContext, field: string, scope: string) {
  const [, resource] = scope.split("_");
  if (
    context.scopes.includes(scope) || context.scopes.includes(`write_${resource}`)
  ) return;
  throw new GraphqlFieldError(
    `Access denied for ${field} field. Required access: \`${scope}\` access scope.`,
    {
      code: "ACCESS_DENIED",
      documentation: "https://shopify.dev/api/usage/access-scopes",
      requiredAccess: `\`${scope}\` access scope.`,
    },
  );
}

function gidNumber(gid: unknown, type: string): number | undefined {
  const match = new RegExp(`^gid://shopify/${type}/(\\d+)$`).exec(String(gid));
  return match ? Number(match[1]) : undefined;
}

function moneyBag(minor: number, currency: string): GraphqlObject {
  const money = {
    __typename: "MoneyV2",
    amount: formatGraphqlDecimal(minor, currency),
    currencyCode: currency,
  };
  return { __typename: "MoneyBag", shopMoney: money, presentmentMoney: money };
}

/** How the sandbox's single risk fact leans, by recommendation (`RiskFactSentiment`). */
const RISK_SENTIMENT: Record<SandboxOrder["risk"], "POSITIVE" | "NEUTRAL" | "NEGATIVE"> = {
  ACCEPT: "POSITIVE",
  NONE: "NEUTRAL",
  INVESTIGATE: "NEGATIVE",
  CANCEL: "NEGATIVE",
};

function orderNode(order: SandboxOrder): GraphqlObject {
  const time = (ms: number | null) => ms === null ? null : graphqlDateTime(ms);
  return {
    __typename: "Order",
    id: `gid://shopify/Order/${order.id}`,
    legacyResourceId: String(order.id),
    name: order.name,
    createdAt: time(order.createdAt),
    updatedAt: time(order.updatedAt),
    processedAt: time(order.createdAt),
    cancelledAt: time(order.cancelledAt),
    cancelReason: order.cancelReason?.toUpperCase() ?? null,
    closed: false,
    test: order.test,
    note: order.note,
    tags: order.tags,
    currencyCode: order.currency,
    presentmentCurrencyCode: order.currency,
    displayFinancialStatus: financialStatus(order).toUpperCase(),
    sourceName: order.sourceName,
    paymentGatewayNames: [...order.gateways],
    customer: order.customerId === null ? null : {
      __typename: "Customer",
      id: `gid://shopify/Customer/${order.customerId}`,
      legacyResourceId: String(order.customerId),
    },
    risk: {
      __typename: "OrderRiskSummary",
      recommendation: order.risk,
      assessments: [{
        __typename: "OrderRiskAssessment",
        riskLevel: RISK_LEVELS[order.risk],
        provider: null,
        facts: [{
          __typename: "RiskFact",
          description: "Shopify's fraud analysis",
          sentiment: RISK_SENTIMENT[order.risk],
        }],
      }],
    },
    totalPriceSet: moneyBag(order.totalMinor, order.currency),
    currentTotalPriceSet: moneyBag(currentTotalMinor(order), order.currency),
    subtotalPriceSet: moneyBag(subtotalMinor(order), order.currency),
    currentSubtotalPriceSet: moneyBag(subtotalMinor(order), order.currency),
    totalRefundedSet: moneyBag(
      order.totalMinor - currentTotalMinor(order),
      order.currency,
    ),
    lineItems: (args: FieldArguments) =>
      paginate(order.lineItems, {
        typename: "LineItem",
        sortKey: "ID",
        sortValue: (item) => item.id,
        id: (item) => item.id,
        toNode: (item) => ({
          __typename: "LineItem",
          id: `gid://shopify/LineItem/${item.id}`,
          title: item.title,
          name: item.title,
          quantity: item.quantity,
          originalUnitPriceSet: moneyBag(item.priceMinor, order.currency),
        }),
      }, args),
  };
}

function subscriptionNode(subscription: WebhookSubscription): GraphqlObject {
  return {
    __typename: "WebhookSubscription",
    id: `gid://shopify/WebhookSubscription/${subscription.id}`,
    topic: topicToEnum(subscription.topic),
    format: subscription.format,
    callbackUrl: subscription.callbackUrl,
    uri: subscription.callbackUrl,
    includeFields: subscription.includeFields,
    metafieldNamespaces: subscription.metafieldNamespaces,
    apiVersion: {
      __typename: "ApiVersion",
      handle: subscription.apiVersion,
      displayName: subscription.apiVersion,
      supported: true,
    },
    endpoint: {
      __typename: "WebhookHttpEndpoint",
      callbackUrl: subscription.callbackUrl,
    },
    createdAt: graphqlDateTime(subscription.createdAt),
    updatedAt: graphqlDateTime(subscription.updatedAt),
  };
}

function shopNode(shop: SandboxShop): GraphqlObject {
  return {
    __typename: "Shop",
    id: `gid://shopify/Shop/${shop.id}`,
    name: shop.name,
    email: shop.email,
    currencyCode: shop.currency,
    myshopifyDomain: shop.domain,
    url: `https://${shop.domain}`,
    timezoneOffset: formatOffset(shop.utcOffsetMinutes).replace(":", ""),
    timezoneOffsetMinutes: shop.utcOffsetMinutes,
  };
}

/** The `QueryRoot` object for one request. */
export function queryRoot(context: AdminRequestContext): GraphqlObject {
  const { store, shop } = context;
  return {
    __typename: "QueryRoot",
    shop: shopNode(shop),
    currentAppInstallation: {
      __typename: "AppInstallation",
      id: `gid://shopify/AppInstallation/${shop.id}`,
      accessScopes: context.scopes.map((handle) => ({
        __typename: "AccessScope",
        handle,
      })),
    },
    order: (args: FieldArguments) => {
      requireScope(context, "order", "read_orders");
      const id = gidNumber(args.id, "Order");
      const order = readableOrders(context).find((candidate) => candidate.id === id);
      return order ? orderNode(order) : null;
    },
    orders: (args: FieldArguments) => {
      requireScope(context, "orders", "read_orders");
      const sortKey = String(args.sortKey);
      const sortValue = ORDER_SORT_KEYS[sortKey];
      if (!sortValue) {
        throw new GraphqlFieldError(
          `The sandbox sorts orders by ${Object.keys(ORDER_SORT_KEYS).join(", ")}, not ${sortKey}.`,
          { code: "BAD_REQUEST" },
        );
      }
      let orders = readableOrders(context);
      if (typeof args.query === "string" && args.query.trim()) {
        try {
          const search = parseOrderSearch(args.query, shop.utcOffsetMinutes);
          orders = orders.filter(search.matches);
          if (search.warnings.length) {
            context.searchWarnings.push({
              path: ["orders"],
              query: args.query,
              warnings: search.warnings,
            });
          }
        } catch (error) {
          if (!(error instanceof OrderSearchError)) throw error;
          throw new GraphqlFieldError(error.message, { code: "BAD_REQUEST" });
        }
      }
      return paginate(orders, {
        typename: "Order",
        sortKey,
        sortValue,
        id: (order) => order.id,
        toNode: orderNode,
      }, args);
    },
    webhookSubscriptions: (args: FieldArguments) => {
      const topics = Array.isArray(args.topics) ? args.topics.map(String) : [];
      const subscriptions = store.subscriptions(shop.domain).filter((sub) =>
        topics.length === 0 || topics.includes(topicToEnum(sub.topic))
      );
      return paginate(subscriptions, {
        typename: "WebhookSubscription",
        sortKey: "ID",
        sortValue: (sub) => sub.id,
        id: (sub) => sub.id,
        toNode: subscriptionNode,
      }, args);
    },
  };
}

type SubscriptionInput = {
  callbackUrl?: string;
  uri?: string;
  includeFields?: string[];
  metafieldNamespaces?: string[];
};

function callbackUrlError(url: string | undefined) {
  try {
    if (url && ["http:", "https:"].includes(new URL(url).protocol)) {
      return undefined;
    }
  } catch {
    // reported below
  }
  const field = ["webhookSubscription", "callbackUrl"];
  return { field, message: "Address is invalid" };
}

/** The `Mutation` object for one request. */
export function mutationRoot(context: AdminRequestContext): GraphqlObject {
  const { store, shop } = context;
  const subscriptionId = (args: FieldArguments) => gidNumber(args.id, "WebhookSubscription");
  const notFound = {
    field: ["id"],
    message: "Webhook subscription does not exist",
  };
  return {
    __typename: "Mutation",
    webhookSubscriptionCreate: (args: FieldArguments) => {
      const topic = topicFromEnum(String(args.topic));
      if (!topic) {
        throw new GraphqlFieldError(
          `The sandbox fires ${WEBHOOK_TOPICS.map(topicToEnum).join(", ")}, not ${args.topic}.`,
          { code: "BAD_REQUEST" },
        );
      }
      const input = (args.webhookSubscription ?? {}) as SubscriptionInput;
      const callbackUrl = input.uri ?? input.callbackUrl;
      const payload = (userErrors: unknown[], sub?: WebhookSubscription) => ({
        __typename: "WebhookSubscriptionCreatePayload",
        webhookSubscription: sub ? subscriptionNode(sub) : null,
        userErrors: userErrors.map((error) => ({ __typename: "UserError", ...error as object })),
      });
      const urlError = callbackUrlError(callbackUrl);
      if (urlError) return payload([urlError]);
      const readsOrders = context.scopes.some((scope) => scope === "read_orders" || scope === "write_orders");
      if (ORDER_TOPICS.has(topic) && !readsOrders) {
        return payload([{
          field: ["topic"],
          message:
            `You do not have permission to create or update webhooks with ${topic} topic. This topic requires the read_orders access scope.`,
        }]);
      }
      const subscription = store.subscribe(shop.domain, {
        topic,
        callbackUrl: callbackUrl!,
        apiVersion: context.apiVersion,
        includeFields: input.includeFields ?? [],
        metafieldNamespaces: input.metafieldNamespaces ?? [],
      });
      return payload([], subscription);
    },
    webhookSubscriptionUpdate: (args: FieldArguments) => {
      const id = subscriptionId(args);
      const subscription = store.subscriptions(shop.domain)
        .find((sub) => sub.id === id);
      const input = (args.webhookSubscription ?? {}) as SubscriptionInput;
      const url = input.uri ?? input.callbackUrl;
      const urlError = url === undefined ? undefined : callbackUrlError(url);
      const errors = !subscription ? [notFound] : urlError ? [urlError] : [];
      if (subscription && errors.length === 0) {
        if (url !== undefined) subscription.callbackUrl = url;
        if (input.includeFields) subscription.includeFields = input.includeFields;
        if (input.metafieldNamespaces) {
          subscription.metafieldNamespaces = input.metafieldNamespaces;
        }
      }
      return {
        __typename: "WebhookSubscriptionUpdatePayload",
        webhookSubscription: subscription && errors.length === 0 ? subscriptionNode(subscription) : null,
        userErrors: errors.map((error) => ({ __typename: "UserError", ...error })),
      };
    },
    webhookSubscriptionDelete: (args: FieldArguments) => {
      const id = subscriptionId(args);
      const deleted = id !== undefined && store.unsubscribe(shop.domain, id);
      return {
        __typename: "WebhookSubscriptionDeletePayload",
        deletedWebhookSubscriptionId: deleted ? String(args.id) : null,
        userErrors: deleted ? [] : [{ __typename: "UserError", ...notFound }],
      };
    },
  };
}
