/**
 * Joining a competition with a Shopify store, in each of its three ways:
 *
 * - **connected already**: the store's connection is the user's (they
 *   completed its OAuth) and its token works: the store enters at once, no
 *   OAuth (`joinConnectedStore`);
 * - **the OAuth round trip** (`beginJoin`, then `completeJoin` from the
 *   callback), which also makes the user the connection's owner;
 * - **a ticket** (`join_tickets.ts`) when the browser cannot carry Shopify's
 *   cookie where it is (the app inside Whop's frame): the round trip then
 *   starts in a window of its own.
 *
 * Each checks the same rules first (`checkJoin`): the shop domain, that the
 * competition is open, that neither the user nor the store has joined. The
 * store's currency is checked once Shopify has said it, in the commit that
 * creates the participant.
 */
import { AppError } from "../core/errors.ts";
import { log } from "../core/log.ts";
import { type Competition, getCompetition } from "../competitions/competitions.ts";
import {
  createParticipant,
  type JoinGuard,
  type Participant,
  updateParticipant,
} from "../competitions/participants.ts";
import { assertCanJoin, CannotJoinError, type JoinRefusalCode, joinRefusalCodeOf } from "../competitions/join_rules.ts";
import { keys } from "../core/db.ts";
import { notifyStoreJoined } from "../competitions/creator_notices.ts";
import type { NotificationSender } from "../competitions/notifications.ts";
import { SHOP_QUERY } from "./admin_documents.ts";
import { type ConnectionStore, ReconnectRequiredError, type ShopConnection } from "./connections.ts";
import {
  type BrowserRequest,
  type OAuthDeps,
  type OAuthGrant,
  type OAuthStart,
  type ShopifyOAuthState,
  startOAuth,
} from "./oauth.ts";
import { normalizeShopDomain } from "./shop_domain.ts";
import { recordEntrant } from "../seasons/entrants.ts";
import { HttpResponseError } from "@shopify/shopify-api";
import { ForbiddenError } from "../core/errors.ts";

/** What joining needs. */
export interface JoinDeps extends OAuthDeps {
  connections: ConnectionStore;
  /** Subscribes the app's webhooks on the shop. */
  ensureWebhooks(shop: string): Promise<void>;
  /** Queues the backfill of a new participant. */
  startBackfill(participantId: string): Promise<void>;
  /** Delivers the creator's "a store joined" outside the app too (Whop); in the app only when absent. */
  sendNotification?: NotificationSender;
}

/** Who wants to enter which competition with which store (the shop as typed). */
export interface JoinRequest {
  competitionId: string;
  userId: string;
  shop: unknown;
}

/** A join the rules allow so far: the normalised shop, and the participant to reconnect if it is one. */
export interface CheckedJoin {
  shop: string;
  competition: Competition;
  /** The user's own store, disconnected (uninstalled) earlier, coming back. */
  returning: Participant | null;
}

/**
 * Refuses a second join of the user or of the store, except the user's own
 * store coming back after it was disconnected (uninstalled): returns that
 * participant, to be reconnected.
 */
async function assertNotJoined(
  kv: Deno.Kv,
  competitionId: string,
  userId: string,
  shop: string,
): Promise<Participant | null> {
  const [byUser, byShop] = await kv.getMany<[string, string]>([
    keys.participantByUser(userId, competitionId),
    keys.participantByShop(shop, competitionId),
  ]);
  if (byUser.value) {
    const own = (await kv.get<Participant>(keys.participant(byUser.value))).value;
    if (own && own.shop === shop && own.connection === "disconnected") return own;
    throw new CannotJoinError("already_joined");
  }
  if (byShop.value) throw new CannotJoinError("store_taken", `The store ${shop} is already in this competition.`);
  return null;
}

/**
 * The rules every way of joining checks first. Throws `ValidationError` for
 * a bad shop, `CannotJoinError` when the competition is not open or the user
 * or store already joined, `NotFoundError` for an unknown competition.
 */
export async function checkJoin(deps: Pick<JoinDeps, "kv" | "now">, request: JoinRequest): Promise<CheckedJoin> {
  const shop = normalizeShopDomain(request.shop);
  const competition = await getCompetition(deps.kv, request.competitionId);
  assertCanJoin(competition, deps.now(), { userId: request.userId });
  const returning = await assertNotJoined(deps.kv, competition.id, request.userId, shop);
  return { shop, competition, returning };
}

/**
 * Starts a join's OAuth round trip; `browser` is the caller's (the library
 * refuses bots). `landing: "window"` when it runs in a window of its own
 * (from a ticket). Throws what `checkJoin` throws.
 */
export async function beginJoin(
  deps: JoinDeps,
  request: JoinRequest & BrowserRequest,
  landing?: "window",
): Promise<OAuthStart> {
  const { shop, competition } = await checkJoin(deps, request);
  return startOAuth(
    deps,
    shop,
    { kind: "join", userId: request.userId, competitionId: competition.id, landing },
    request,
  );
}

/** A join refused after its state was consumed: the browser goes back with the code. */
export class JoinRefused extends Error {
  override name = "JoinRefused";
  constructor(
    readonly competitionId: string,
    readonly code: JoinRefusalCode,
    message: string = code,
    /** Where the round trip runs: in a window of its own (from a ticket), or on the site. */
    readonly landing?: "window",
  ) {
    super(message);
  }
}

/** The store as Shopify describes it. */
interface ShopInfo {
  name: string;
  currencyCode: string;
}

/**
 * Enters the store in the competition (or reconnects the user's own store
 * that was disconnected) and tells the creator of a new one, then subscribes its webhooks when they are not
 * current and queues its backfill. The currency and every rule are checked
 * again in the participant's commit, with `guard`. Throws `CannotJoinError`
 * (or another `AppError`) when refused.
 */
async function enterCompetition(
  deps: JoinDeps,
  join: { competitionId: string; userId: string; shop: string; info: ShopInfo },
  guard?: JoinGuard,
): Promise<Participant> {
  const { shop, userId, info } = join;
  const competition = await getCompetition(deps.kv, join.competitionId);
  assertCanJoin(competition, deps.now(), { userId, currency: info.currencyCode });
  const returning = await assertNotJoined(deps.kv, competition.id, userId, shop);
  const participant = returning
    ? await updateParticipant(
      deps.kv,
      returning.id,
      deps.now(),
      "join",
      (current) =>
        current.connection === "disconnected"
          ? {
            ...current,
            connection: "connected",
            disconnectedAt: undefined,
            sync: { ...current.sync, state: "pending", error: undefined },
          }
          : null,
      guard,
    )
    : await createParticipant(
      deps.kv,
      competition.id,
      {
        userId,
        shop,
        displayName: info.name || shop,
        currency: info.currencyCode,
      },
      deps.now(),
      guard,
    );
  // A round's store is its season's: entered in every later round without joining again.
  if (competition.seasonId) await recordEntrant(deps.kv, competition.seasonId, participant, deps.now());
  log("info", "store joined", { competitionId: competition.id, participantId: participant.id, shop });
  if (!returning) await notifyStoreJoined(deps.kv, participant, deps.now(), deps.sendNotification);
  return participant;
}

/** Subscribes the shop's webhooks and queues the participant's backfill (the backfill subscribes again if this fails). */
async function startFollowing(deps: JoinDeps, participant: Participant): Promise<void> {
  try {
    await deps.ensureWebhooks(participant.shop);
  } catch (error) {
    log("warn", "shopify webhook subscription failed", { shop: participant.shop, error });
  }
  await deps.startBackfill(participant.id);
}

/**
 * Completes a join from its OAuth grant (the callback). Throws
 * `ForbiddenError` when another user is signed in (on the site), and
 * `JoinRefused` for every refusal.
 */
export async function completeJoin(
  deps: JoinDeps,
  grant: OAuthGrant & { state: Extract<ShopifyOAuthState, { kind: "join" }> },
  signedInUserId?: string,
): Promise<Participant> {
  const { state, shop } = grant;
  if (state.landing !== "window" && signedInUserId && signedInUserId !== state.userId) {
    throw new ForbiddenError("This join was started by another account. Sign in as that account or start again.");
  }
  let participant: Participant;
  try {
    participant = await enterCompetition(deps, { ...state, shop, info: grant.info });
  } catch (error) {
    if (error instanceof AppError) {
      throw new JoinRefused(state.competitionId, joinRefusalCodeOf(error), error.message, state.landing);
    }
    throw error;
  }
  await deps.connections.save(shop, grant.tokens, {
    ownerUserId: state.userId,
    name: grant.info.name,
    currency: grant.info.currencyCode,
  });
  await startFollowing(deps, participant);
  return participant;
}

/**
 * Enters a store the user already connected (they own its connection and
 * its token still works) at once, without OAuth. Returns null when it is not
 * such a store (not connected, another's, or Shopify no longer accepts the
 * token): the caller goes through OAuth instead. Throws what `checkJoin`
 * throws, and `CannotJoinError` when the store's currency differs.
 */
export async function joinConnectedStore(deps: JoinDeps, request: JoinRequest): Promise<Participant | null> {
  const { shop } = await checkJoin(deps, request);
  const connection = await deps.connections.get(shop);
  if (!connection || connection.ownerUserId !== request.userId) return null;
  let info: { shop: ShopInfo };
  try {
    info = await deps.admin.query(shop, SHOP_QUERY, {});
  } catch (error) {
    const refused = error instanceof ReconnectRequiredError ||
      (error instanceof HttpResponseError && (error.response.code === 401 || error.response.code === 403));
    if (refused) return null;
    throw error;
  }
  // The connection must still be the user's when the participant is written.
  const stillOwned: JoinGuard = {
    key: keys.shop(shop),
    assert(value) {
      if ((value as ShopConnection | null)?.ownerUserId !== request.userId) {
        throw new CannotJoinError("store_reconnect");
      }
    },
  };
  const participant = await enterCompetition(deps, { ...request, shop, info: info.shop }, stillOwned);
  // Its webhooks exist since its OAuth; the backfill subscribes again only if they are not current.
  await deps.startBackfill(participant.id);
  return participant;
}
