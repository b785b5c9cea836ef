/**
 * Browser sign-in with Whop: OAuth 2.1 authorization code flow with PKCE
 * (S256). The state is random, single use, kept in KV for ten minutes with
 * the PKCE verifier and a same-origin `returnTo`, and deleted atomically by
 * the callback that uses it.
 */
import type { Config } from "../../config.ts";
import { commit, keys } from "../core/db.ts";
import { AppError, UpstreamError } from "../core/errors.ts";
import { log } from "../core/log.ts";

/** How long a sign-in may take between `/login` and the callback. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** Where a signed-in user lands when no `returnTo` was given. */
export const DEFAULT_RETURN_TO = "/dashboard";

/** The value of `["oauth_states", state]`. */
export interface OAuthState {
  verifier: string;
  returnTo: string;
  createdAt: string;
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

/** The PKCE S256 challenge of a verifier. */
export async function pkceChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

/**
 * A same-origin path to return to, or the default: absolute URLs to other
 * origins, protocol-relative `//host` and backslash tricks are refused.
 */
export function safeReturnTo(value: string | undefined | null, appUrl: string): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return DEFAULT_RETURN_TO;
  try {
    const base = new URL(appUrl);
    const url = new URL(value, base);
    if (url.origin !== base.origin) return DEFAULT_RETURN_TO;
    return url.pathname + url.search + url.hash;
  } catch {
    return DEFAULT_RETURN_TO;
  }
}

/** The OAuth callback URL registered with Whop. */
export function callbackUrl(config: Config): string {
  return `${config.appUrl}/auth/callback`;
}

function requireClient(config: Config): { clientId: string; clientSecret?: string } {
  if (!config.whop.clientId) throw new AppError(503, "Sign-in with Whop is not configured on this server.");
  return { clientId: config.whop.clientId, clientSecret: config.whop.clientSecret };
}

/**
 * Starts a sign-in: stores a fresh state and returns Whop's authorize URL.
 *
 * @example
 * const url = await beginSignIn({ kv, config, now }, "/competitions/new");
 */
export async function beginSignIn(
  deps: { kv: Deno.Kv; config: Config; now: () => number },
  returnTo?: string | null,
): Promise<URL> {
  const { clientId } = requireClient(deps.config);
  const state = randomToken(32);
  const verifier = randomToken(48);
  const record: OAuthState = {
    verifier,
    returnTo: safeReturnTo(returnTo, deps.config.appUrl),
    createdAt: new Date(deps.now()).toISOString(),
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
  }).toString();
  return url;
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
 * throws `SignInError` when it is unknown, used or expired.
 */
export async function consumeOAuthState(kv: Deno.Kv, state: string | undefined, now: number): Promise<OAuthState> {
  if (!state || state.length > 200) {
    throw new SignInError("This sign-in link is incomplete. Start again from Sign in.");
  }
  const key = keys.oauthState(state);
  const entry = await kv.get<OAuthState>(key);
  if (!entry.value) {
    throw new SignInError("This sign-in link has expired or was already used. Start again from Sign in.");
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

/** What Whop sent back to the callback. */
export interface CallbackParams {
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
}

/**
 * Completes a sign-in: consumes the state, exchanges the code (with the
 * PKCE verifier) and reads the user from userinfo.
 */
export async function completeSignIn(
  deps: { kv: Deno.Kv; config: Config; now: () => number; fetch?: typeof fetch },
  params: CallbackParams,
): Promise<{ identity: WhopIdentity; returnTo: string }> {
  const client = requireClient(deps.config);
  const stored = await consumeOAuthState(deps.kv, params.state, deps.now());
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
  const tokens = await tokenResponse.json().catch(() => ({})) as { access_token?: unknown; error?: unknown };
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
  const username = typeof info.preferred_username === "string" ? info.preferred_username : undefined;
  const name = typeof info.name === "string" && info.name.trim() ? info.name.trim() : username ?? info.sub;
  return { identity: { id: info.sub, name, username }, returnTo: stored.returnTo };
}
