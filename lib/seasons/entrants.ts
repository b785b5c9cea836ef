/**
 * A season's entrants: the stores entered in every round from the one they
 * joined on, without joining again. A store becomes one by joining any round
 * of the season (the season's join enters it in the round open now, through
 * the competition's own join: a connected store at once, else Shopify's
 * OAuth), recorded as its participant is created; the season job records
 * any a crash left out from the rounds' participants. One store per user and
 * one entry per store, as in a competition.
 */
import { commit, keys } from "../core/db.ts";
import type { Participant } from "../competitions/participants.ts";

/** `["season_entrants", seasonId, userId]`: a store in a season. */
export interface SeasonEntrant {
  seasonId: string;
  userId: string;
  shop: string;
  displayName: string;
  currency: string;
  joinedAt: string;
}

/**
 * Records the store of `participant` (a participant of one of the season's
 * rounds) as an entrant of `seasonId`, once: a user already in the season
 * keeps the store they entered, and a store already entered by another user
 * is not entered twice. Returns the user's entry, or `null` when the store is
 * another's entrant.
 */
export async function recordEntrant(
  kv: Deno.Kv,
  seasonId: string,
  participant: Pick<Participant, "userId" | "shop" | "displayName" | "currency">,
  now: number,
): Promise<SeasonEntrant | null> {
  const userKey = keys.seasonEntrant(seasonId, participant.userId);
  const shopKey = keys.seasonEntrantByShop(participant.shop, seasonId);
  for (;;) {
    const [byUser, byShop] = await kv.getMany<[SeasonEntrant, string]>([userKey, shopKey]);
    if (byUser.value) return byUser.value;
    if (byShop.value || participant.shop === "") return null;
    const entrant: SeasonEntrant = {
      seasonId,
      userId: participant.userId,
      shop: participant.shop,
      displayName: participant.displayName,
      currency: participant.currency,
      joinedAt: new Date(now).toISOString(),
    };
    const result = await commit(() =>
      kv.atomic().check(byUser, byShop).set(userKey, entrant).set(shopKey, participant.userId)
    );
    if (result.ok) return entrant;
  }
}

/** Every entrant of a season. */
export async function listEntrants(kv: Deno.Kv, seasonId: string): Promise<SeasonEntrant[]> {
  const entrants: SeasonEntrant[] = [];
  for await (const entry of kv.list<SeasonEntrant>({ prefix: keys.seasonEntrants(seasonId) })) {
    entrants.push(entry.value);
  }
  return entrants;
}

/** The entry of `userId` in a season, if any. */
export async function getEntrant(kv: Deno.Kv, seasonId: string, userId: string): Promise<SeasonEntrant | null> {
  return (await kv.get<SeasonEntrant>(keys.seasonEntrant(seasonId, userId))).value;
}

/**
 * Takes an erased store (Shopify's `shop/redact`) out of every season it
 * entered: its entries, which hold its name and domain, are deleted (its
 * rounds' results keep only ids, and its participants are renamed by the
 * erasure itself), so no later round enters it.
 */
export async function eraseShopEntries(kv: Deno.Kv, shop: string): Promise<void> {
  for await (const entry of kv.list<string>({ prefix: keys.seasonEntrantsByShop(shop) })) {
    const seasonId = String(entry.key.at(-1));
    await commit(() => kv.atomic().delete(keys.seasonEntrant(seasonId, entry.value)).delete(entry.key));
  }
}
