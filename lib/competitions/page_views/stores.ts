/**
 * The "Your stores" model (`GET /stores`), where a merchant who installed
 * CartBrawl from Shopify lands once signed in with Whop: the stores they
 * connected (own), each with the competitions open to join and whether it
 * can join each one with one click (no OAuth again), and the answers to
 * Shopify's customer data requests for the store (for the owner to pass on).
 * A store the browser installed before signing in is claimed here first.
 */
import { listOwnedConnections, type ShopConnection } from "../../shopify/connections.ts";
import { claimStore } from "../../shopify/install.ts";
import { type CustomerDataRecord, listCustomerDataRequests } from "../../shopify/customer_requests.ts";
import { keys } from "../../core/db.ts";
import { type Competition, isOpenForJoining, listPublicCompetitions } from "../competitions.ts";
import { isListedPublicly } from "../privacy.ts";

/** Whether a store can join a competition from the page, and if not, why. */
export type Offer = "open" | "joined" | "entered_with_another" | "other_currency";

/** One competition open to join, for one store. */
export interface StoreOffer {
  competition: Competition;
  offer: Offer;
}

/** One of the user's connected stores and what it may join. */
export interface StoreView {
  connection: ShopConnection;
  offers: StoreOffer[];
  /** Shopify's customer data requests answered for the store, newest first. */
  dataRequests: CustomerDataRecord[];
}

/** What the page shows. */
export interface StoresPageView {
  stores: StoreView[];
  /** The store the browser's install claim just made the user's, if any. */
  claimedShop?: string;
}

/** The competitions anyone may join now: funded, listed publicly, not ended, not the user's own. */
async function openCompetitions(kv: Deno.Kv, now: number, userId: string): Promise<Competition[]> {
  const [active, upcoming] = await Promise.all([
    listPublicCompetitions(kv, 100, "ACTIVE"),
    listPublicCompetitions(kv, 100, "UPCOMING"),
  ]);
  return [...active, ...upcoming].filter((competition) =>
    isListedPublicly(competition) && isOpenForJoining(competition, now) && competition.creatorId !== userId
  );
}

/**
 * The page of `userId`, after spending the browser's install `claim`
 * (the cookie's value, if any).
 */
export async function storesPageView(
  deps: { kv: Deno.Kv; now: () => number },
  userId: string,
  claim?: string,
): Promise<StoresPageView> {
  const claimedShop = await claimStore(deps, claim, userId) ?? undefined;
  const { kv } = deps;
  const [connections, competitions] = await Promise.all([
    listOwnedConnections(kv, userId),
    openCompetitions(kv, deps.now(), userId),
  ]);
  const entered = new Set<string>();
  for await (const entry of kv.list({ prefix: keys.participantsByUser(userId) })) entered.add(entry.key[2] as string);
  const stores = await Promise.all(connections.map(async (connection): Promise<StoreView> => {
    const joined = new Set<string>();
    for await (const entry of kv.list({ prefix: keys.participantsByShop(connection.shop) })) {
      joined.add(entry.key[2] as string);
    }
    const offers = competitions.map((competition): StoreOffer => ({
      competition,
      offer: joined.has(competition.id)
        ? "joined"
        : entered.has(competition.id)
        ? "entered_with_another"
        : connection.currency && connection.currency !== competition.currency
        ? "other_currency"
        : "open",
    }));
    return { connection, offers, dataRequests: await listCustomerDataRequests(kv, connection.shop) };
  }));
  return { stores, claimedShop };
}
