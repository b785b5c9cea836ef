/**
 * What the simulated Shopify keeps in its state file (`statePath`), and the
 * one snapshot/restore pair that moves it between the live objects and JSON.
 *
 * Kept: shops (with install status and scopes), their orders (line items,
 * refunds, cancellation, payment, source, gateway, customer, risk,
 * order-number sequence), customers, webhook subscriptions, the shared id
 * sequence, and every authorization code, access token and refresh token
 * with its expiry. Files written before payments, customers and risk were
 * simulated load with Shopify's defaults for them (a paid web order of a
 * guest, risk ACCEPT). Not kept: webhook deliveries (sent or in flight),
 * held deliveries, faults and the cost buckets; they start afresh.
 */
import * as z from "zod/mini";
import { WEBHOOK_TOPICS } from "./model.ts";
import type { ShopStore, ShopStoreSnapshot } from "./shop_store.ts";
import type { TokenIssuer, TokenIssuerSnapshot } from "./tokens.ts";

/** The `kind` of the simulated Shopify's state document. */
export const SHOPIFY_STATE_KIND = "shopify-sandbox";

/** The `state` of the simulated Shopify's state document (version 1). */
export interface ShopifySandboxState {
  store: ShopStoreSnapshot;
  tokens: TokenIssuerSnapshot;
}

const id = z.int().check(z.nonnegative());
const epochMs = z.int();

const orderSchema = z.object({
  id,
  shop: z.string(),
  number: z.int(),
  name: z.string(),
  createdAt: epochMs,
  updatedAt: epochMs,
  cancelledAt: z.nullable(epochMs),
  cancelReason: z.nullable(z.string()),
  test: z.boolean(),
  currency: z.string(),
  totalMinor: z.int(),
  lineItems: z.array(z.object({
    id,
    title: z.string(),
    quantity: z.int(),
    priceMinor: z.int(),
  })),
  refunds: z.array(z.object({
    id,
    createdAt: epochMs,
    amountMinor: z.int(),
    note: z.nullable(z.string()),
  })),
  note: z.nullable(z.string()),
  tags: z.array(z.string()),
  paymentStatus: z._default(z.enum(["pending", "authorized", "paid", "voided"]), "paid"),
  sourceName: z._default(z.string(), "web"),
  gateways: z._default(z.array(z.string()), ["shopify_payments"]),
  customerId: z._default(z.nullable(id), null),
  risk: z._default(z.enum(["ACCEPT", "CANCEL", "INVESTIGATE", "NONE"]), "ACCEPT"),
});

const subscriptionSchema = z.object({
  id,
  shop: z.string(),
  topic: z.enum(WEBHOOK_TOPICS),
  callbackUrl: z.string(),
  format: z.literal("JSON"),
  apiVersion: z.string(),
  includeFields: z.array(z.string()),
  metafieldNamespaces: z.array(z.string()),
  createdAt: epochMs,
  updatedAt: epochMs,
});

const shopSchema = z.object({
  domain: z.string(),
  id,
  name: z.string(),
  currency: z.string(),
  email: z.string(),
  utcOffsetMinutes: z.int(),
  installed: z.boolean(),
  scopes: z.array(z.string()),
  nextOrderNumber: z.int(),
  orders: z.array(orderSchema),
  subscriptions: z.array(subscriptionSchema),
  customers: z._default(z.array(z.object({ id, email: z.string(), createdAt: epochMs })), []),
});

const grantFields = { shop: z.string(), scopes: z.array(z.string()) };

/** Checks a loaded `state` and types it. */
export const shopifyStateSchema: z.ZodMiniType<ShopifySandboxState> = z.object({
  store: z.object({ nextId: id, shops: z.array(shopSchema) }),
  tokens: z.object({
    codes: z.array(z.object({ code: z.string(), ...grantFields, online: z.boolean(), expiresAt: epochMs })),
    access: z.array(z.object({ token: z.string(), ...grantFields, expiresAt: z.nullable(epochMs) })),
    refresh: z.array(z.object({ token: z.string(), ...grantFields, expiresAt: epochMs })),
  }),
});

/** The simulated Shopify's durable state, detached from the live objects. */
export function snapshotShopify(store: ShopStore, tokens: TokenIssuer): ShopifySandboxState {
  return { store: store.snapshot(), tokens: tokens.snapshot() };
}

/** Puts a saved state back into fresh live objects. */
export function restoreShopify(
  store: ShopStore,
  tokens: TokenIssuer,
  state: ShopifySandboxState,
): void {
  store.restore(state.store);
  tokens.restore(state.tokens);
}
