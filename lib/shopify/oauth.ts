/**
 * Shopify's OAuth round trip (the authorization code grant), whatever it is
 * for: a store joining a competition (`join.ts`) or a merchant installing the
 * app from Shopify (`install.ts`). One redirect URL is registered with
 * Shopify, so both come back to the same callback and are told apart by
 * what the state was started for.
 *
 * `startOAuth` asks the library for the authorize redirect (scope
 * `read_orders`, offline access). The library's state nonce is also the key
 * of a single-use record in KV (ten minutes) holding the purpose, the shop
 * and the authorize URL (so a page of ours can send the browser on to it).
 *
 * `finishOAuth` (the callback) checks, in order: the shop parameter, the
 * HMAC and its timestamp, the KV state (consumed atomically: one callback
 * wins) and its shop, then lets the library check its signed state cookie
 * and exchange the code for an expiring offline token with its refresh
 * token, and reads the shop's name and currency with it.
 */
import {
  BotActivityDetected,
  CookieNotFound,
  type HttpResponseError,
  InvalidHmacError,
  InvalidOAuthError,
  type Session,
} from "@shopify/shopify-api";
import { commit, keys } from "../core/db.ts";
import { AppError, ForbiddenError, UpstreamError } from "../core/errors.ts";
import { log } from "../core/log.ts";
import type { AdminClient } from "./admin.ts";
import { SHOP_QUERY } from "./admin_documents.ts";
import { type TokenPair, tokensFromSession } from "./connections.ts";
import { CALLBACK_PATH, type ShopifyLibrary } from "./library.ts";
import { isShopDomain } from "./shop_domain.ts";

/** How long an OAuth round trip may take between its start and the callback. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** What a round trip is for: a store joining a competition, or an install from Shopify. */
export type OAuthPurpose =
  | {
    kind: "join";
    userId: string;
    competitionId: string;
    /**
     * `window`: started from a ticket in a window of its own (the app was in
     * Whop's frame), so the browser has no session of ours: the callback
     * lands on `/shopify/connected`, not on the competition page.
     */
    landing?: "window";
  }
  | { kind: "install" };

/** `["shopify_join_states", state]`: a started round trip (records from before `kind` are joins). */
export type ShopifyOAuthState = OAuthPurpose & {
  shop: string;
  createdAt: string;
  /** Shopify's authorize page for this round trip, as the browser is sent to it. */
  authorizeUrl?: string;
};

/** What starting needs. */
export interface OAuthDeps {
  kv: Deno.Kv;
  now: () => number;
  library: ShopifyLibrary;
  admin: AdminClient;
}

/** The redirect to Shopify's install page, the cookies to send with it, and the state it carries. */
export interface OAuthStart {
  authorizeUrl: string;
  setCookies: string[];
  shop: string;
  state: string;
}

/** The browser that started it, as the library needs it (it refuses bots). */
export interface BrowserRequest {
  userAgent: string;
  requestUrl: string;
}

/**
 * Starts a round trip for `shop` (already normalised): stores the state
 * record and returns Shopify's authorize URL and the library's state cookie
 * (made to live as long as the record). Throws `ForbiddenError` when the
 * library takes the browser for a bot.
 */
export async function startOAuth(
  deps: OAuthDeps,
  shop: string,
  purpose: OAuthPurpose,
  browser: BrowserRequest,
): Promise<OAuthStart> {
  const response = await deps.library.run(() =>
    deps.library.api.auth.begin({
      shop,
      callbackPath: CALLBACK_PATH,
      isOnline: false,
      rawRequest: new Request(browser.requestUrl, { headers: { "User-Agent": browser.userAgent } }),
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
  const authorizeUrl = deps.library.browserUrl(location);
  const record: ShopifyOAuthState = { ...purpose, shop, createdAt: new Date(deps.now()).toISOString(), authorizeUrl };
  await commit(() => deps.kv.atomic().set(keys.shopifyJoinState(state), record, { expireIn: OAUTH_STATE_TTL_MS }));
  // The library's state cookie lives 60 s; give the merchant as long as the KV state.
  const setCookies = response.headers.getSetCookie().map((cookie) =>
    cookie.replace(/;\s*expires=[^;]*/i, `; Max-Age=${OAUTH_STATE_TTL_MS / 1000}`)
  );
  return { authorizeUrl, setCookies, shop, state };
}

/** The record of a started round trip, unspent and unexpired, or null. */
export async function readOAuthState(kv: Deno.Kv, state: string, now: number): Promise<ShopifyOAuthState | null> {
  if (!state || state.length > 200) return null;
  const record = (await kv.get<ShopifyOAuthState>(keys.shopifyJoinState(state))).value;
  return record && Date.parse(record.createdAt) + OAUTH_STATE_TTL_MS > now ? record : null;
}

/** A callback that cannot be tied to a round trip (bad signature, unknown state): answered 400. */
export class CallbackError extends AppError {
  override name = "CallbackError";
  constructor(message: string) {
    super(400, message);
  }
}

/** Why a round trip failed after its state was consumed (each a join refusal code too). */
export type OAuthFailure = "shop_mismatch" | "cookie_lost" | "browser_required" | "shopify_failed" | "currency_unknown";

/** A round trip that failed after its state was consumed: the caller decides where the browser goes. */
export class OAuthFailed extends Error {
  override name = "OAuthFailed";
  constructor(readonly state: ShopifyOAuthState, readonly code: OAuthFailure, message: string = code) {
    super(message);
  }
}

/** A completed round trip: what it was for, the tokens, the store, and the cookies the library set or cleared. */
export interface OAuthGrant {
  state: ShopifyOAuthState;
  shop: string;
  tokens: TokenPair;
  info: { name: string; currencyCode: string };
  headers: Headers;
}

async function consumeState(kv: Deno.Kv, state: string | null, now: number): Promise<ShopifyOAuthState> {
  if (!state || state.length > 200) throw new CallbackError("This Shopify link is incomplete. Start again.");
  const key = keys.shopifyJoinState(state);
  const entry = await kv.get<ShopifyOAuthState>(key);
  if (!entry.value) throw new CallbackError("This Shopify link has expired or was already used. Start again.");
  const taken = await commit(() => kv.atomic().check(entry).delete(key));
  if (!taken.ok) throw new CallbackError("This Shopify link was already used. Start again.");
  if (Date.parse(entry.value.createdAt) + OAUTH_STATE_TTL_MS <= now) {
    throw new CallbackError("This connection took longer than 10 minutes and expired. Start again.");
  }
  return { ...entry.value, kind: entry.value.kind ?? "join" } as ShopifyOAuthState;
}

/**
 * Completes a round trip from Shopify's redirect. Throws `CallbackError`
 * (400) when the request cannot be tied to one, and `OAuthFailed` (with the
 * consumed state) for every failure after that.
 */
export async function finishOAuth(deps: OAuthDeps, request: Request): Promise<OAuthGrant> {
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
    throw new CallbackError("This Shopify link has expired or is not signed. Start again.");
  }
  if (!signed) throw new CallbackError("This Shopify link is not signed by Shopify. Start again.");
  const state = await consumeState(deps.kv, query.get("state"), deps.now());
  const fail = (code: OAuthFailure, message?: string): never => {
    throw new OAuthFailed(state, code, message);
  };
  if (state.shop !== shop) {
    fail("shop_mismatch", `Shopify answered for ${shop}, but the connection was for ${state.shop}.`);
  }

  let session: Session;
  let headers: Headers;
  try {
    const result = await deps.library.run(() =>
      deps.library.api.auth.callback<Headers>({ rawRequest: request, expiring: true })
    );
    session = result.session;
    headers = new Headers(result.headers as HeadersInit | undefined);
  } catch (error) {
    if (error instanceof CookieNotFound || error instanceof InvalidOAuthError) fail("cookie_lost");
    if (error instanceof BotActivityDetected) fail("browser_required");
    log("warn", "shopify code exchange failed", { shop, status: (error as HttpResponseError).response?.code, error });
    return fail("shopify_failed");
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
    return fail("currency_unknown");
  }
  return { state, shop, tokens, info: info.shop, headers };
}
