/**
 * Installing the app from Shopify (the admin, the App Store): Shopify sends
 * the merchant to the App URL, `GET /shopify`, with `shop`, `host`,
 * `timestamp` and `hmac`, and expects the OAuth round trip to start at once.
 *
 * `beginInstall` verifies the query with the library's own check
 * (`utils.validateHmac`: HMAC-SHA256, hex, of the sorted query without
 * `hmac`, keyed by the app's secret, and a `timestamp` within 90 seconds of
 * now) and only then starts the round trip for that shop. `completeInstall`
 * (the callback) stores the connection: its owner is the Whop user signed in
 * at that moment, or, when nobody is, whoever signs in next in that browser
 * and claims it (a single-use claim, thirty minutes, bound to the browser by
 * a cookie and kept in KV only as its hash). The owner then enters the store
 * in competitions without another round trip (`joinConnectedStore`).
 */
import { InvalidHmacError } from "@shopify/shopify-api";
import { commit, keys } from "../core/db.ts";
import { randomHex, sha256Hex } from "../core/crypto.ts";
import { AppError } from "../core/errors.ts";
import { log } from "../core/log.ts";
import type { JoinDeps } from "./join.ts";
import { claimConnection } from "./connections.ts";
import {
  type BrowserRequest,
  type OAuthDeps,
  type OAuthFailure,
  type OAuthGrant,
  type OAuthStart,
  startOAuth,
} from "./oauth.ts";
import { isShopDomain } from "./shop_domain.ts";

/** How long a connected store waits for its merchant to sign in with Whop and claim it. */
export const CLAIM_TTL_MS = 30 * 60_000;

/** `["shopify_claims", sha256(claim)]`: a store connected by a browser that was not signed in. */
export interface InstallClaim {
  shop: string;
  /** The connection it claims (`ShopConnection.connectedAt`): a later OAuth is not claimed by it. */
  connectedAt: string;
  createdAt: string;
}

/** The cookie binding an install's claim to the browser: `__Host-` prefixed when the app is served over https. */
export function claimCookieName(appUrl: string): string {
  return appUrl.startsWith("https:") ? "__Host-cartbrawl_shop_claim" : "cartbrawl_shop_claim";
}

/** The App URL's query is not Shopify's: answered 401, nothing started. */
export class InstallLinkRefused extends AppError {
  override name = "InstallLinkRefused";
  constructor(message: string) {
    super(401, message);
  }
}

/** What went wrong after Shopify's install page, in a sentence for the merchant (`OAuthFailed`'s codes). */
const INSTALL_FAILURES: Record<OAuthFailure, { status: 400 | 502; message: string }> = {
  shop_mismatch: { status: 400, message: "Shopify answered for another store than the one being installed." },
  cookie_lost: { status: 400, message: "Your browser did not keep the connection's cookie, or it expired." },
  browser_required: { status: 400, message: "Shopify took this browser for an automated client." },
  shopify_failed: { status: 502, message: "Shopify did not complete the connection." },
  currency_unknown: { status: 502, message: "Shopify did not describe the store." },
};

/** An install that failed after Shopify's install page: the error page says why and what to do. */
export class InstallFailed extends AppError {
  override name = "InstallFailed";
  constructor(code: OAuthFailure) {
    const { status, message } = INSTALL_FAILURES[code];
    super(status, `${message} Open CartBrawl from your Shopify admin again.`);
  }
}

/**
 * Verifies Shopify's signed App URL query and starts the install's round
 * trip for its shop. Throws `InstallLinkRefused` for a query Shopify did not
 * sign just now (a missing, stale or forged `hmac` or `timestamp`, or no shop
 * domain), before anything is stored.
 */
export async function beginInstall(
  deps: OAuthDeps,
  query: Record<string, string>,
  browser: BrowserRequest,
): Promise<OAuthStart> {
  const shop = query.shop;
  if (!isShopDomain(shop)) throw new InstallLinkRefused("This link does not name a Shopify store.");
  let signed: boolean;
  try {
    signed = await deps.library.run(() => deps.library.api.utils.validateHmac(query));
  } catch (error) {
    if (!(error instanceof InvalidHmacError)) throw error;
    signed = false;
  }
  if (!signed) {
    throw new InstallLinkRefused(
      "This link is not signed by Shopify, or it has expired. Open CartBrawl from your Shopify admin again.",
    );
  }
  return startOAuth(deps, shop, { kind: "install" }, browser);
}

/** What an install's callback did: the store, and the claim to give the browser when nobody was signed in. */
export interface InstallResult {
  shop: string;
  claim?: string;
}

/**
 * Stores the installed store's connection (owned by `signedInUserId`, or by
 * nobody until claimed) and subscribes its webhooks.
 */
export async function completeInstall(
  deps: JoinDeps,
  grant: OAuthGrant,
  signedInUserId?: string,
): Promise<InstallResult> {
  const { shop } = grant;
  const connection = await deps.connections.save(shop, grant.tokens, {
    ownerUserId: signedInUserId,
    name: grant.info.name,
    currency: grant.info.currencyCode,
  });
  log("info", "store installed", { shop, claimed: Boolean(signedInUserId) });
  try {
    await deps.ensureWebhooks(shop);
  } catch (error) {
    // The first backfill of a competition this store joins subscribes again.
    log("warn", "shopify webhook subscription failed", { shop, error });
  }
  if (signedInUserId) return { shop };
  const claim = randomHex(32);
  const record: InstallClaim = { shop, connectedAt: connection.connectedAt, createdAt: connection.connectedAt };
  const key = keys.shopifyClaim(sha256Hex(claim));
  await commit(() => deps.kv.atomic().set(key, record, { expireIn: CLAIM_TTL_MS }));
  return { shop, claim };
}

/** A claim is 64 hex digits; anything else names none. */
const CLAIM = /^[0-9a-f]{64}$/;

/**
 * Makes `userId` the owner of the store the browser's claim names (once:
 * the claim is spent), unless the store was connected again since. Returns
 * the store's shop domain, or null when the claim is unknown, spent,
 * expired or stale.
 */
export async function claimStore(
  deps: { kv: Deno.Kv; now: () => number },
  claim: string | undefined,
  userId: string,
): Promise<string | null> {
  if (!claim || !CLAIM.test(claim)) return null;
  const key = keys.shopifyClaim(sha256Hex(claim));
  const entry = await deps.kv.get<InstallClaim>(key);
  const record = entry.value;
  if (!record || Date.parse(record.createdAt) + CLAIM_TTL_MS <= deps.now()) return null;
  const spent = await commit(() => deps.kv.atomic().check(entry).delete(key));
  if (!spent.ok) return null;
  const claimed = await claimConnection(deps.kv, record.shop, record.connectedAt, userId);
  if (claimed) log("info", "store claimed", { shop: record.shop, userId });
  return claimed ? record.shop : null;
}
