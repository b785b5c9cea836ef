/**
 * A wire-level simulated Shopify for tests and sandbox mode: OAuth with
 * expiring offline tokens, the Admin GraphQL API (orders, shop, webhook
 * subscriptions, cost throttling), signed webhooks, and fault injection.
 */
export { type OrderSnapshot, type ShopifySandbox, type ShopifySandboxOptions, startShopifySandbox } from "./sandbox.ts";
export type { ShopifyFaults } from "./faults.ts";
export type { WebhookDelivery } from "./webhook_dispatcher.ts";
export type { ThrottleStatus } from "./cost_bucket.ts";
export type { TokenLifetimes } from "./tokens.ts";
export { SandboxStateError, STATE_FILE_VERSION, type StateDocument } from "../state_file.ts";
export { SHOPIFY_STATE_KIND, type ShopifySandboxState } from "./persistence.ts";
export {
  type PaymentStatus,
  PRIVACY_TOPICS,
  type PrivacyTopic,
  type RiskRecommendation,
  type SandboxCustomer,
  type SandboxOrder,
  type SandboxShop,
  WEBHOOK_TOPICS,
  type WebhookSubscription,
  type WebhookTopic,
} from "./model.ts";
export {
  type CancelOrderOptions,
  type CreateOrderInput,
  type CreateShopInput,
  SandboxInputError,
  type UpdateOrderPatch,
} from "./shop_store.ts";
