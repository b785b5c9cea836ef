/**
 * A shop's memberships: every competition it joined (its data requests read
 * them all), and the ones open to its orders, which its order webhooks read
 * so that a store's deliveries cost the same in a season's fiftieth round as
 * in its first. A membership opens when the store joins (`createParticipant`
 * writes both) and closes when a delivery meets its competition completed or
 * cancelled (`lib/shopify/webhooks.ts`); erasing the shop removes both.
 */
import { commit, keys } from "../core/db.ts";

/** A shop's store in one competition. */
export interface ShopMembership {
  participantId: string;
  competitionId: string;
}

/** The memberships under `prefix` (`[index, shop]`; each row `[index, shop, competitionId]` → participant id). */
async function membershipsUnder(kv: Deno.Kv, prefix: Deno.KvKey): Promise<ShopMembership[]> {
  const memberships: ShopMembership[] = [];
  for await (const entry of kv.list<string>({ prefix })) {
    memberships.push({ participantId: entry.value, competitionId: entry.key[2] as string });
  }
  return memberships;
}

/**
 * Every competition a shop joined, from the index alone (no participant
 * record read); its order webhooks read only the open ones
 * (`listOpenShopMemberships`).
 */
export function listShopMemberships(kv: Deno.Kv, shop: string): Promise<ShopMembership[]> {
  return membershipsUnder(kv, keys.participantsByShop(shop));
}

/**
 * The memberships of `shop` whose competition may still take its orders:
 * every one it joined, less those its webhooks found final
 * (`closeShopMemberships`). An order delivery reads these, so a store's
 * webhooks cost the same in a season's fiftieth round as in its first.
 */
export function listOpenShopMemberships(kv: Deno.Kv, shop: string): Promise<ShopMembership[]> {
  return membershipsUnder(kv, keys.openMembershipsOfShop(shop));
}

/** Whether `shop` ever joined a competition (and was not erased). */
export async function hasShopMembership(kv: Deno.Kv, shop: string): Promise<boolean> {
  for await (const _ of kv.list({ prefix: keys.participantsByShop(shop) }, { limit: 1 })) return true;
  return false;
}

/**
 * Takes the memberships of `shop` in `competitionIds` (completed or
 * cancelled: none takes an order again) off its open memberships. The
 * memberships themselves stay (`listShopMemberships`).
 */
export async function closeShopMemberships(
  kv: Deno.Kv,
  shop: string,
  competitionIds: readonly string[],
): Promise<void> {
  for (let i = 0; i < competitionIds.length; i += 100) {
    const batch = competitionIds.slice(i, i + 100);
    await commit(() => {
      const op = kv.atomic();
      for (const id of batch) op.delete(keys.openMembershipOfShop(shop, id));
      return op;
    });
  }
}
