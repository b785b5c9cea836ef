/**
 * Joining a competition with a Shopify store: the OAuth round trip.
 *
 * `beginJoin` checks the shop domain, that the competition is open and that
 * neither the user nor the store has joined, then asks the library for the
 * authorize redirect (scope `read_orders`, offline access). The library's
 * state nonce is also the key of a single-use record in KV (ten minutes),
 * bound to the user, the competition and the shop.
 *
 * `completeJoin` (the callback) checks, in order: the shop parameter, the
 * HMAC and its timestamp, the KV state (consumed atomically: one callback
 * wins) and its shop and user, then lets the library check its signed state
 * cookie and exchange the code for an expiring offline token with its
 * refresh token. It reads the shop's name and currency, creates the
 * participant, stores the tokens encrypted, subscribes the webhooks and
 * queues the backfill.
 */
import {
  BotActivityDetected,
  CookieNotFound,
  HttpResponseError,
  InvalidHmacError,
  InvalidOAuthError,
  type Session,
} from "@shopify/shopify-api";
import { commit, keys } from "../core/db.ts";
import { AppError, ForbiddenError, UpstreamError } from "../core/errors.ts";
import { type Competition, getCompetition } from "../competitions/competitions.ts";
import {
  assertCanJoin,
  CannotJoinError,
  createParticipant,
  type JoinRefusalCode,
  joinRefusalCodeOf,
  type Participant,
  updateParticipant,
} from "../competitions/participants.ts";
import { log } from "../core/log.ts";
import type { AdminClient } from "./admin.ts";
import { SHOP_QUERY } from "./admin_documents.ts";
import { type ConnectionStore, tokensFromSession } from "./connections.ts";
import { CALLBACK_PATH, type ShopifyLibrary } from "./library.ts";
import { isShopDomain, normalizeShopDomain } from "./shop_domain.ts";

/** How long a join may take between the join request and the callback. */
export const JOIN_STATE_TTL_MS = 10 * 60_000;

/** `["shopify_join_states", state]`: who started this join, for which competition and shop. */
export interface JoinState {
  userId: string;
  competitionId: string;
  shop: string;
  createdAt: string;
}

/** What joining needs. */
export interface JoinDeps {
  kv: Deno.Kv;
  now: () => number;
  library: ShopifyLibrary;
  connections: ConnectionStore;
  admin: AdminClient;
  /** Subscribes the app's webhooks on the shop. */
  ensureWebhooks(shop: string): Promise<void>;
  /** Queues the backfill of a new participant. */
  startBackfill(participantId: string): Promise<void>;
}

/** The redirect to Shopify's install page, and the cookies to send with it. */
export interface JoinStart {
  authorizeUrl: string;
  setCookies: string[];
  shop: string;
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
 * Starts a join; `userAgent` is the caller's (the library refuses bots).
 * Throws `ValidationError` for a bad shop, `ConflictError` when the
 * competition is not open or the user or store already joined.
 */
export async function beginJoin(
  deps: JoinDeps,
  input: { competitionId: string; userId: string; shop: unknown; userAgent: string; requestUrl: string },
): Promise<JoinStart> {
  const shop = normalizeShopDomain(input.shop);
  const competition = await getCompetition(deps.kv, input.competitionId);
  assertCanJoin(competition, deps.now(), { userId: input.userId });
  await assertNotJoined(deps.kv, competition.id, input.userId, shop);
  const response = await deps.library.run(() =>
    deps.library.api.auth.begin({
      shop,
      callbackPath: CALLBACK_PATH,
      isOnline: false,
      rawRequest: new Request(input.requestUrl, { headers: { "User-Agent": input.userAgent } }),
    }) as Promise<Response>
  );
  if (response.status === 410) {
    throw new ForbiddenError(
      "Shopify did not recognise this browser (it looks like an automated client), so the connection was not started. " +
        "Open this page in an everyday browser such as Chrome, Firefox or Safari and connect your store from there.",
    );
  }
  const location = response.headers.get("Location");
  const state = location ? new URL(location).searchParams.get("state") : null;
  if (response.status !== 302 || !location || !state) {
    throw new UpstreamError("The Shopify connection could not be started; please try again.");
  }
  const record: JoinState = {
    userId: input.userId,
    competitionId: competition.id,
    shop,
    createdAt: new Date(deps.now()).toISOString(),
  };
  await commit(() => deps.kv.atomic().set(keys.shopifyJoinState(state), record, { expireIn: JOIN_STATE_TTL_MS }));
  // The library's state cookie lives 60 s; give the merchant as long as the KV state.
  const setCookies = response.headers.getSetCookie().map((cookie) =>
    cookie.replace(/;\s*expires=[^;]*/i, `; Max-Age=${JOIN_STATE_TTL_MS / 1000}`)
  );
  return { authorizeUrl: deps.library.browserUrl(location), setCookies, shop };
}

/** A callback that cannot be tied to a join (bad signature, unknown state): answered 400. */
export class CallbackError extends AppError {
  override name = "CallbackError";
  constructor(message: string) {
    super(400, message);
  }
}

/** A join refused after its state was consumed: the browser goes back to the competition with the code. */
export class JoinRefused extends Error {
  override name = "JoinRefused";
  constructor(readonly competitionId: string, readonly code: JoinRefusalCode, message: string = code) {
    super(message);
  }
}

/** What a successful callback did. */
export interface JoinResult {
  competitionId: string;
  participant: Participant;
  /** Cookies the library set or cleared. */
  headers: Headers;
}

async function consumeState(kv: Deno.Kv, state: string | null, now: number): Promise<JoinState> {
  if (!state || state.length > 200) throw new CallbackError("This Shopify link is incomplete. Start again from Join.");
  const key = keys.shopifyJoinState(state);
  const entry = await kv.get<JoinState>(key);
  if (!entry.value) {
    throw new CallbackError("This Shopify link has expired or was already used. Start again from Join.");
  }
  const taken = await commit(() => kv.atomic().check(entry).delete(key));
  if (!taken.ok) throw new CallbackError("This Shopify link was already used. Start again from Join.");
  if (Date.parse(entry.value.createdAt) + JOIN_STATE_TTL_MS <= now) {
    throw new CallbackError("This join took longer than 10 minutes and expired. Start again from Join.");
  }
  return entry.value;
}

/**
 * Completes a join from Shopify's redirect. Throws `CallbackError` (400)
 * when the request cannot be tied to a join, `ForbiddenError` when another
 * user is signed in, and `JoinRefused` (with the competition id) for every
 * refusal after that.
 */
export async function completeJoin(deps: JoinDeps, request: Request, signedInUserId?: string): Promise<JoinResult> {
  const query = new URL(request.url).searchParams;
  const shop = query.get("shop");
  if (!isShopDomain(shop)) throw new CallbackError("This link does not come from a Shopify store.");
  let signed: boolean;
  try {
    signed = await deps.library.run(() =>
      deps.library.api.utils.validateHmac(Object.fromEntries(query) as Record<string, string>)
    );
  } catch (error) {
    if (!(error instanceof InvalidHmacError)) throw error;
    throw new CallbackError("This Shopify link has expired or is not signed. Start again from Join.");
  }
  if (!signed) throw new CallbackError("This Shopify link is not signed by Shopify. Start again from Join.");
  const state = await consumeState(deps.kv, query.get("state"), deps.now());
  if (state.shop !== shop) {
    throw new JoinRefused(
      state.competitionId,
      "shop_mismatch",
      `Shopify answered for ${shop}, but the join was for ${state.shop}.`,
    );
  }
  if (signedInUserId && signedInUserId !== state.userId) {
    throw new ForbiddenError("This join was started by another account. Sign in as that account or start again.");
  }
  const refuse = (code: JoinRefusalCode, message?: string): never => {
    throw new JoinRefused(state.competitionId, code, message);
  };

  let session: Session;
  let headers: Headers;
  try {
    const result = await deps.library.run(() =>
      deps.library.api.auth.callback<Headers>({ rawRequest: request, expiring: true })
    );
    session = result.session;
    headers = new Headers(result.headers as HeadersInit | undefined);
  } catch (error) {
    if (error instanceof CookieNotFound || error instanceof InvalidOAuthError) {
      refuse("cookie_lost");
    }
    if (error instanceof BotActivityDetected) refuse("browser_required");
    log("warn", "shopify code exchange failed", { shop, status: (error as HttpResponseError).response?.code, error });
    return refuse("shopify_failed");
  }
  const tokens = tokensFromSession(session);
  if (!tokens.refreshToken || tokens.expiresIn === undefined) {
    log("warn", "shopify gave a non-expiring token", { shop });
  }

  let info: { shop: { name: string; currencyCode: string } };
  try {
    info = await deps.admin.query(shop, SHOP_QUERY, {}, 1, tokens.accessToken);
  } catch (error) {
    log("warn", "shopify shop query failed", { shop, error });
    return refuse("currency_unknown");
  }

  let participant: Participant;
  let competition: Competition;
  try {
    competition = await getCompetition(deps.kv, state.competitionId);
    assertCanJoin(competition, deps.now(), { userId: state.userId, currency: info.shop.currencyCode });
    const returning = await assertNotJoined(deps.kv, competition.id, state.userId, shop);
    participant = returning
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
      )
      : await createParticipant(deps.kv, state.competitionId, {
        userId: state.userId,
        shop,
        displayName: info.shop.name || shop,
        currency: info.shop.currencyCode,
      }, deps.now());
  } catch (error) {
    if (error instanceof AppError) refuse(joinRefusalCodeOf(error), error.message);
    throw error;
  }
  await deps.connections.save(shop, tokens);
  log("info", "store joined", { competitionId: competition.id, participantId: participant.id, shop });
  try {
    await deps.ensureWebhooks(shop);
  } catch (error) {
    // The backfill job subscribes again before fetching.
    log("warn", "shopify webhook subscription failed", { shop, error });
  }
  await deps.startBackfill(participant.id);
  return { competitionId: competition.id, participant, headers };
}
