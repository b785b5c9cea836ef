/**
 * Every GraphQL document the app sends to Shopify's Admin API, and the
 * variables it sends with them, in one place: the contract test
 * (`lib/shopify/admin_contract_test.ts`) validates each against Shopify's own
 * schema for the API version the app asks for, and checks that no other
 * module writes a document of its own.
 */
import { ORDER_FIELDS } from "./orders.ts";

/** The store's name and currency, asked once when a store joins. */
export const SHOP_QUERY = "query CartBrawlShop { shop { name currencyCode } }";

/** Subscribes one webhook topic to the app's address (variables: {@link webhookSubscriptionVariables}). */
export const WEBHOOK_SUBSCRIPTION_MUTATION =
  `mutation CartBrawlWebhook($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    userErrors { field message }
  }
}`;

/** One page of orders by update time, filtered by Shopify's search syntax (see `orderSearch` in `sync.ts`). */
export const ORDERS_QUERY = `query CartBrawlOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ${ORDER_FIELDS} }
  }
}`;

/**
 * One order by its id: what `orders/risk_assessment_changed` makes the app
 * read, since that webhook does not carry the recommendation.
 */
export const ORDER_QUERY = `query CartBrawlOrder($id: ID!) {
  order(id: $id) { ${ORDER_FIELDS} }
}`;

/** Every document above, by name. */
export const ADMIN_DOCUMENTS = { SHOP_QUERY, WEBHOOK_SUBSCRIPTION_MUTATION, ORDERS_QUERY, ORDER_QUERY } as const;

/** The variables of {@link WEBHOOK_SUBSCRIPTION_MUTATION}: `orders/create` → `ORDERS_CREATE`. */
export function webhookSubscriptionVariables(topic: string, uri: string): { topic: string; uri: string } {
  return { topic: topic.replace("/", "_").toUpperCase(), uri };
}
