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

/** Adds "delivery `id` of `source` was applied" to `op`. */
export function rememberDelivery(op: Deno.AtomicOperation, source: DeliverySource, id: string): Deno.AtomicOperation {
  return op.set(keys.webhookDelivery(source, id), true, { expireIn: DELIVERY_MEMORY_MS });
}

/** Whether any of the delivery `ids` of `source` (one delivery's ids) was applied within the repeat window. */
export async function isDeliveryKnown(kv: Deno.Kv, source: DeliverySource, ...ids: string[]): Promise<boolean> {
  const entries = await kv.getMany(ids.map((id) => keys.webhookDelivery(source, id)));
  return entries.some((entry) => entry.value !== null);
}
