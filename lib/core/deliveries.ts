/**
 * Webhook deliveries already applied, remembered by the platform's delivery
 * id for one repeat window, so a redelivery changes nothing. Both
 * integrations use this one rule; the memory is written in the same atomic
 * commit that applies the delivery, so a crash between the two cannot
 * happen.
 */
import { keys } from "./db.ts";

/**
 * How long a delivery id is remembered: longer than either platform retries
 * (Shopify for 48 hours, Whop for about three days).
 */
export const DELIVERY_MEMORY_MS = 7 * 24 * 3600_000;

/** Where a webhook came from. */
export type DeliverySource = "shopify" | "whop";

/** The key that holds a value while delivery `id` of `source` is remembered as applied. */
export function deliveryKey(source: DeliverySource, id: string): Deno.KvKey {
  return keys.webhookDelivery(source, id);
}

/** Adds "delivery `id` of `source` was applied" to `op`. */
export function rememberDelivery(op: Deno.AtomicOperation, source: DeliverySource, id: string): Deno.AtomicOperation {
  return op.set(deliveryKey(source, id), true, { expireIn: DELIVERY_MEMORY_MS });
}

/** Whether any of the delivery `ids` of `source` (one delivery's ids) was applied within the repeat window. */
export async function isDeliveryKnown(kv: Deno.Kv, source: DeliverySource, ...ids: string[]): Promise<boolean> {
  const entries = await kv.getMany(ids.map((id) => deliveryKey(source, id)));
  return entries.some((entry) => entry.value !== null);
}
