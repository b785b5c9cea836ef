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
import { z } from "zod";
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

const id = z.number().int().nonnegative();
const epochMs = z.number().int();

const orderSchema = z.object({
  id,
  shop: z.string(),
  number: z.number().int(),
  name: z.string(),
  createdAt: epochMs,
  updatedAt: epochMs,
  cancelledAt: epochMs.nullable(),
  cancelReason: z.string().nullable(),
  test: z.boolean(),
  currency: z.string(),
  totalMinor: z.number().int(),
  lineItems: z.array(z.object({
    id,
    title: z.string(),
    quantity: z.number().int(),
    priceMinor: z.number().int(),
  })),
  refunds: z.array(z.object({
    id,
    createdAt: epochMs,
    amountMinor: z.number().int(),
    note: z.string().nullable(),
  })),
  note: z.string().nullable(),
  tags: z.array(z.string()),
  paymentStatus: z.enum(["pending", "authorized", "paid", "voided"]).default("paid"),
  sourceName: z.string().default("web"),
  gateways: z.array(z.string()).default(["shopify_payments"]),
  customerId: id.nullable().default(null),
  risk: z.enum(["ACCEPT", "CANCEL", "INVESTIGATE", "NONE"]).default("ACCEPT"),
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
  utcOffsetMinutes: z.number().int(),
  installed: z.boolean(),
  scopes: z.array(z.string()),
  nextOrderNumber: z.number().int(),
  orders: z.array(orderSchema),
  subscriptions: z.array(subscriptionSchema),
  customers: z.array(z.object({ id, email: z.string(), createdAt: epochMs })).default([]),
});

const grantFields = { shop: z.string(), scopes: z.array(z.string()) };

/** Checks a loaded `state` and types it. */
export const shopifyStateSchema: z.ZodType<ShopifySandboxState> = z.object({
  store: z.object({ nextId: id, shops: z.array(shopSchema) }),
  tokens: z.object({
    codes: z.array(z.object({ code: z.string(), ...grantFields, online: z.boolean(), expiresAt: epochMs })),
    access: z.array(z.object({ token: z.string(), ...grantFields, expiresAt: epochMs.nullable() })),
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
