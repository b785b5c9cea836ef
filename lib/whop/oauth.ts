/**
 * Browser sign-in with Whop: OAuth 2.1 authorization code flow with PKCE
 * (S256) and an OpenID Connect `nonce`. The state is random, single use,
 * kept in KV for ten minutes with the PKCE verifier, the nonce, a
 * same-origin `returnTo` and the hash of a browser binder, and deleted
 * atomically by the callback that uses it.
 *
 * The binder is a random value set in a short-lived HttpOnly cookie by
 * `GET /login`; the callback proceeds only when the browser presents it. A
 * state that someone else started (an attacker who stopped before the
 * callback and sends the victim the link) therefore signs no one in.
 */
import { decodeJwt } from "jose";
import { commit, keys } from "../core/db.ts";
import { AppError, UpstreamError } from "../core/errors.ts";
import { log } from "../core/log.ts";
import { safeReturnPath } from "../web/return_path.ts";
import type { WhopSettings } from "./client.ts";

/** How long a sign-in may take between `/login` and the callback. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** The value of `["oauth_states", state]`. */
export interface OAuthState {
  verifier: string;
  returnTo: string;
  createdAt: string;
  /** SHA-256 (base64url) of the binder cookie set in the browser that started the sign-in. */
  binderHash: string;
  /** The OpenID Connect nonce sent to Whop; an `id_token` must carry it back. */
  nonce: string;
}

/** The cookie holding the sign-in binder: `__Host-` prefixed when the app is served over https. */
export function signInCookieName(appUrl: string): string {
  return appUrl.startsWith("https:") ? "__Host-cartbrawl_signin" : "cartbrawl_signin";
}

/** A Whop user as userinfo describes them. */
export interface WhopIdentity {
  id: string;
  name: string;
  username?: string;
}

/** `bytes` random bytes, base64url without padding. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The PKCE S256 challenge of a verifier (also how a binder is hashed for KV). */
export async function pkceChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

/** The settings sign-in reads: where the app and Whop are, and the OAuth client. */
export interface SignInSettings {
  appUrl: string;
  whop: Pick<WhopSettings["whop"], "origin" | "clientId" | "clientSecret">;
}

/** The OAuth callback URL registered with Whop. */
export function callbackUrl(config: Pick<SignInSettings, "appUrl">): string {
  return `${config.appUrl}/auth/callback`;
}

function requireClient(config: SignInSettings): { clientId: string; clientSecret?: string } {
  if (!config.whop.clientId) throw new AppError(503, "Sign-in with Whop is not configured on this server.");
  return { clientId: config.whop.clientId, clientSecret: config.whop.clientSecret };
}

/** A started sign-in: Whop's authorize URL, and the binder to set as the browser's cookie. */
export interface SignInStart {
  url: URL;
  binder: string;
}

/**
 * Starts a sign-in: stores a fresh state and returns Whop's authorize URL
 * and the binder the browser must keep (`signInCookieName`) until the callback.
 *
 * @example
 * const { url, binder } = await beginSignIn({ kv, config, now }, "/competitions/new");
 */
export async function beginSignIn(
  deps: { kv: Deno.Kv; config: SignInSettings; now: () => number },
  returnTo?: string | null,
): Promise<SignInStart> {
  const { clientId } = requireClient(deps.config);
  const state = randomToken(32);
  const verifier = randomToken(48);
  const binder = randomToken(32);
  const nonce = randomToken(24);
  const record: OAuthState = {
    verifier,
    // Empty when there is no page to go back to: the callback then picks the user's own landing page.
    returnTo: safeReturnPath(returnTo, ""),
    createdAt: new Date(deps.now()).toISOString(),
    binderHash: await pkceChallenge(binder),
    nonce,
  };
  await deps.kv.set(keys.oauthState(state), record, { expireIn: OAUTH_STATE_TTL_MS });
  const url = new URL(`${deps.config.whop.origin}/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: callbackUrl(deps.config),
    scope: "openid profile email",
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: "S256",
    nonce,
  }).toString();
  return { url, binder };
}

/** A sign-in that cannot continue; the message says what to do. */
export class SignInError extends AppError {
  override name = "SignInError";
  constructor(message: string) {
    super(400, message);
  }
}

/**
 * Takes a state out of KV (atomically: one callback wins) and returns it;
 * throws `SignInError` when it is unknown, used or expired, or when
 * `binder` (the browser's cookie) is not the one the state was started with.
 * A state presented by the wrong browser is left in place for the right one.
 */
export async function consumeOAuthState(
  kv: Deno.Kv,
  state: string | undefined,
  binder: string | undefined,
  now: number,
): Promise<OAuthState> {
  if (!state || state.length > 200) {
    throw new SignInError("This sign-in link is incomplete. Start again from Sign in.");
  }
  const key = keys.oauthState(state);
  const entry = await kv.get<OAuthState>(key);
  if (!entry.value) {
    throw new SignInError("This sign-in link has expired or was already used. Start again from Sign in.");
  }
  if (!binder || binder.length > 200 || (await pkceChallenge(binder)) !== entry.value.binderHash) {
    throw new SignInError(
      "This sign-in was not started in this browser. Start again from Sign in (cookies must be enabled).",
    );
  }
  const taken = await commit(() => kv.atomic().check(entry).delete(key));
  if (!taken.ok) {
    throw new SignInError("This sign-in link was already used. Start again from Sign in.");
  }
  if (Date.parse(entry.value.createdAt) + OAUTH_STATE_TTL_MS <= now) {
    throw new SignInError("This sign-in took longer than 10 minutes and expired. Start again from Sign in.");
  }
  return entry.value;
}

/** What Whop sent back to the callback, and the browser's binder cookie. */
export interface CallbackParams {
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
  binder?: string;
}

/** The user's own Whop access token from a sign-in, and when it expires (epoch ms). */
export interface WhopAccess {
  token: string;
  expiresAt: number;
}

/** How long an access token is taken to last when Whop does not say (`expires_in`). */
const DEFAULT_ACCESS_TTL_S = 3600;

/**
 * Completes a sign-in: consumes the state, exchanges the code (with the
 * PKCE verifier) and reads the user from userinfo. `access` is the user's
 * own access token, for what Whop lets only the user read (their balance).
 */
export async function completeSignIn(
  deps: { kv: Deno.Kv; config: SignInSettings; now: () => number; fetch?: typeof fetch },
  params: CallbackParams,
): Promise<{ identity: WhopIdentity; returnTo: string; access: WhopAccess }> {
  const client = requireClient(deps.config);
  const stored = await consumeOAuthState(deps.kv, params.state, params.binder, deps.now());
  if (params.error) {
    throw new SignInError(
      params.error === "access_denied"
        ? "Sign-in was cancelled on Whop. Start again from Sign in when you are ready."
        : `Whop could not sign you in (${params.error}). Start again from Sign in.`,
    );
  }
  if (!params.code) throw new SignInError("Whop sent no sign-in code. Start again from Sign in.");
  const doFetch = deps.fetch ?? fetch;
  const origin = deps.config.whop.origin;

  const form = new URLSearchParams({
    grant_type: "authorization_code",
    code: params.code,
    redirect_uri: callbackUrl(deps.config),
    client_id: client.clientId,
    code_verifier: stored.verifier,
  });
  if (client.clientSecret) form.set("client_secret", client.clientSecret);
  let tokenResponse: Response;
  try {
    tokenResponse = await doFetch(`${origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new UpstreamError("Whop could not be reached to finish signing in; please try again.", error);
  }
  const tokens = await tokenResponse.json().catch(() => ({})) as {
    access_token?: unknown;
    expires_in?: unknown;
    id_token?: unknown;
    error?: unknown;
  };
  if (!tokenResponse.ok || typeof tokens.access_token !== "string") {
    log("warn", "whop token exchange refused", { status: tokenResponse.status, error: String(tokens.error ?? "") });
    if (tokenResponse.status === 400 && tokens.error === "invalid_grant") {
      throw new SignInError("This sign-in code has expired or was already used. Start again from Sign in.");
    }
    throw new UpstreamError("Whop did not accept the sign-in; please try again.");
  }

  let infoResponse: Response;
  try {
    infoResponse = await doFetch(`${origin}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, accept: "application/json" },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new UpstreamError("Whop could not be reached to finish signing in; please try again.", error);
  }
  const info = await infoResponse.json().catch(() => ({})) as Record<string, unknown>;
  if (!infoResponse.ok || typeof info.sub !== "string" || info.sub === "") {
    throw new UpstreamError("Whop did not say who signed in; please try again.");
  }
  if (tokens.id_token !== undefined) {
    checkIdToken(tokens.id_token, { nonce: stored.nonce, clientId: client.clientId, sub: info.sub });
  }
  const username = typeof info.preferred_username === "string" ? info.preferred_username : undefined;
  const name = typeof info.name === "string" && info.name.trim() ? info.name.trim() : username ?? info.sub;
  const ttlS = typeof tokens.expires_in === "number" && tokens.expires_in > 0
    ? tokens.expires_in
    : DEFAULT_ACCESS_TTL_S;
  const access = { token: tokens.access_token, expiresAt: deps.now() + ttlS * 1000 };
  return { identity: { id: info.sub, name, username }, returnTo: stored.returnTo, access };
}

/**
 * Checks the `id_token` Whop returned with the tokens: it must carry the
 * nonce this sign-in sent, be addressed to this client and name the user
 * userinfo named. Its signature is not checked: it came straight from Whop's
 * token endpoint over TLS, which OpenID Connect Core 3.1.3.7 accepts in
 * place of the signature.
 */
function checkIdToken(idToken: unknown, expected: { nonce: string; clientId: string; sub: string }): void {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(String(idToken));
  } catch {
    throw new UpstreamError("Whop returned an unreadable id_token; please try again.");
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.nonce !== expected.nonce || !audiences.includes(expected.clientId) || claims.sub !== expected.sub) {
    log("warn", "whop id_token refused", {
      nonceMatches: claims.nonce === expected.nonce,
      subMatches: claims.sub === expected.sub,
    });
    throw new SignInError(
      "This sign-in could not be verified (the answer from Whop was not for it). Start again from Sign in.",
    );
  }
}
