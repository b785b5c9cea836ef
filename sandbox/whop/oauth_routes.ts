/**
 * Whop's OAuth 2.1 + PKCE endpoints for browser sign-in, at the paths Whop
 * documents under `https://api.whop.com/oauth/`: `authorize` (a page to pick
 * a demo user), `token`, `userinfo` and `revoke`. As Whop's OAuth guide
 * says, a request with the `openid` scope must carry a `nonce`; the
 * `id_token` returned with the tokens carries it back.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { html } from "hono/html";
import { setCookie } from "hono/cookie";
import { SignJWT } from "jose";
import { roleLabel } from "./demo_users.ts";
import { page } from "./html_layout.ts";
import { ACCESS_TOKEN_TTL_S, type IssuedTokens, OAuthError, type OAuthGrants } from "./oauth_grants.ts";
import type { WhopState } from "./whop_state.ts";

/** The simulated Whop's own browser session: who last approved a sign-in here (the checkout pre-selects them). */
export const SIGNED_IN_COOKIE = "whop_sandbox_user";

/** The registered OAuth client. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

const AUTHORIZE_PARAMS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
  "nonce",
] as const;

/** Reads form or JSON fields from a token or revoke request. */
async function readFields(c: Context): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  const raw: Record<string, unknown> = type.includes("application/json")
    ? await c.req.json().catch(() => ({}))
    : await c.req.parseBody();
  return Object.fromEntries(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** Client credentials from HTTP Basic auth, if sent. */
function basicCredentials(
  c: Context,
): { id: string; secret: string } | undefined {
  const header = c.req.header("authorization") ?? "";
  if (!header.startsWith("Basic ")) return undefined;
  const decoded = atob(header.slice(6));
  const colon = decoded.indexOf(":");
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/** Routes under `/oauth`. */
export function oauthRoutes(
  deps: {
    state: WhopState;
    grants: OAuthGrants;
    client: OAuthClient;
    origin: () => string;
  },
): Hono {
  const { state, grants, client } = deps;
  const routes = new Hono();

  /** Checks an authorize request; answers with a page or a redirect when it is bad. */
  function checkAuthorize(
    c: Context,
    params: Record<string, string | undefined>,
  ): Response | Promise<Response> | undefined {
    if (params.client_id !== client.clientId) {
      return c.html(
        page("Sign-in error", html`<p>Unknown client_id.</p>`),
        400,
      );
    }
    let redirect: URL;
    try {
      redirect = new URL(params.redirect_uri ?? "");
    } catch {
      return c.html(
        page("Sign-in error", html`<p>Invalid redirect_uri.</p>`),
        400,
      );
    }
    const problem = params.response_type !== "code"
      ? "response_type must be code"
      : !params.code_challenge
      ? "code_challenge is required"
      : params.code_challenge_method !== "S256"
      ? "code_challenge_method must be S256"
      : (params.scope ?? "").split(" ").includes("openid") && !params.nonce
      ? "nonce is required with the openid scope"
      : undefined;
    if (!problem) return undefined;
    redirect.searchParams.set("error", "invalid_request");
    redirect.searchParams.set("error_description", problem);
    if (params.state) redirect.searchParams.set("state", params.state);
    return c.redirect(redirect.href, 302);
  }

  routes.get("/oauth/authorize", (c) => {
    const params = Object.fromEntries(
      AUTHORIZE_PARAMS.map((name) => [name, c.req.query(name)]),
    );
    const refusal = checkAuthorize(c, params);
    if (refusal) return refusal;
    const hidden = AUTHORIZE_PARAMS.filter((name) => params[name] !== undefined)
      .map((name) => html`<input type="hidden" name="${name}" value="${params[name]}">`);
    const choices = [...state.users.values()].map((user) =>
      html`<button class="user" type="submit" name="user_id" value="${user.id}">
  <strong>${user.name}</strong>
  <span class="muted">@${user.username} · ${roleLabel(user)}</span>
</button>`
    );
    return c.html(page(
      "Sign in with Whop",
      html`<div class="card">
  <h1>Sign in with Whop</h1>
  <p class="muted">Choose the demo user to sign in as.</p>
  <form method="post" action="/oauth/authorize">${hidden}${choices}</form>
</div>`,
    ));
  });

  routes.post("/oauth/authorize", async (c) => {
    const form = await readFields(c);
    const refusal = checkAuthorize(c, form);
    if (refusal) return refusal;
    const user = state.requireUser(form.user_id ?? "");
    const code = grants.issueCode({
      clientId: form.client_id,
      redirectUri: form.redirect_uri,
      userId: user.id,
      scope: form.scope ?? "openid",
      codeChallenge: form.code_challenge,
      nonce: form.nonce ?? null,
    });
    const redirect = new URL(form.redirect_uri);
    redirect.searchParams.set("code", code);
    if (form.state) redirect.searchParams.set("state", form.state);
    // Like Whop's own session: this browser is now signed in to Whop as the user who approved.
    setCookie(c, SIGNED_IN_COOKIE, user.id, { path: "/", httpOnly: true, sameSite: "Lax" });
    return c.redirect(redirect.href, 302);
  });

  routes.post("/oauth/token", async (c) => {
    try {
      const fields = await readFields(c);
      const basic = basicCredentials(c);
      const clientId = basic?.id ?? fields.client_id;
      const secret = basic?.secret ?? fields.client_secret;
      if (
        clientId !== client.clientId ||
        (secret !== undefined && secret !== client.clientSecret)
      ) {
        throw new OAuthError("invalid_client", "Unknown client", 401);
      }
      let tokens: IssuedTokens;
      if (fields.grant_type === "authorization_code") {
        if (!fields.code || !fields.redirect_uri || !fields.code_verifier) {
          throw new OAuthError(
            "invalid_request",
            "code, redirect_uri and code_verifier are required",
          );
        }
        tokens = await grants.redeemCode({
          code: fields.code,
          clientId,
          redirectUri: fields.redirect_uri,
          codeVerifier: fields.code_verifier,
        });
      } else if (fields.grant_type === "refresh_token") {
        tokens = grants.refresh(fields.refresh_token ?? "", clientId);
      } else {
        throw new OAuthError(
          "unsupported_grant_type",
          "grant_type must be authorization_code or refresh_token",
        );
      }
      return c.json(
        {
          access_token: tokens.accessToken,
          token_type: "Bearer",
          expires_in: ACCESS_TOKEN_TTL_S,
          refresh_token: tokens.refreshToken,
          scope: tokens.grant.scope,
          id_token: await idToken(tokens, client, deps.origin(), state),
        },
        200,
        { "cache-control": "no-store" },
      );
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return c.json(
        { error: error.code, error_description: error.message },
        error.status,
      );
    }
  });

  routes.get("/oauth/userinfo", (c) => {
    const header = c.req.header("authorization") ?? "";
    const grant = header.startsWith("Bearer ") ? grants.accessGrant(header.slice(7)) : undefined;
    if (!grant) {
      return c.json(
        {
          error: "invalid_token",
          error_description: "Missing or expired access token",
        },
        401,
        { "www-authenticate": 'Bearer error="invalid_token"' },
      );
    }
    const user = state.requireUser(grant.userId);
    return c.json({
      sub: user.id,
      name: user.name,
      preferred_username: user.username,
      email: user.email,
      email_verified: true,
    });
  });

  routes.post("/oauth/revoke", async (c) => {
    const fields = await readFields(c);
    if (fields.token) grants.revoke(fields.token);
    return c.body(null, 200);
  });

  return routes;
}

/** An OIDC id_token, HS256-signed with the client secret (as OIDC allows). */
function idToken(
  tokens: IssuedTokens,
  client: OAuthClient,
  issuer: string,
  state: WhopState,
): Promise<string> {
  const user = state.requireUser(tokens.grant.userId);
  return new SignJWT({
    name: user.name,
    preferred_username: user.username,
    email: user.email,
    ...(tokens.grant.nonce ? { nonce: tokens.grant.nonce } : {}),
  })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(issuer)
    .setSubject(user.id)
    .setAudience(client.clientId)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_S}s`)
    .sign(new TextEncoder().encode(client.clientSecret));
}
