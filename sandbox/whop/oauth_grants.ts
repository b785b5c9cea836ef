/**
 * OAuth 2.1 grants of the simulated Whop: single-use, short-lived
 * authorization codes bound to a PKCE S256 challenge, and the access and
 * refresh tokens they are exchanged for.
 */
import { newSecret } from "./ids.ts";

/** Authorization codes live five minutes, access tokens one hour (as Whop documents). */
export const CODE_TTL_MS = 5 * 60_000;
/** Access token lifetime. */
export const ACCESS_TOKEN_TTL_S = 3600;

/** An OAuth error with its RFC 6749 `error` code. */
export class OAuthError extends Error {
  /** `invalid_request`, `invalid_grant`, `invalid_client`, … */
  readonly code: string;
  /** HTTP status for the token endpoint. */
  readonly status: 400 | 401;

  constructor(code: string, description: string, status: 400 | 401 = 400) {
    super(description);
    this.code = code;
    this.status = status;
  }
}

/** What the user approved at the authorize step. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  codeChallenge: string;
  nonce: string | null;
}

/** An access token's grant. */
export interface TokenGrant {
  userId: string;
  clientId: string;
  scope: string;
  nonce: string | null;
}

/** Tokens returned by the token endpoint. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  grant: TokenGrant;
}

/** The base64url SHA-256 of a PKCE verifier (the S256 challenge). */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(verifier),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Every code and token of {@link OAuthGrants}, as plain JSON-ready data. */
export interface OAuthGrantsSnapshot {
  /** Codes not yet redeemed, with their expiry (epoch ms). */
  codes: { code: string; request: AuthorizationRequest; expiresAt: number }[];
  /** Redeemed codes and the access token each bought (revoked if the code is replayed). */
  redeemedCodes: { code: string; accessToken: string }[];
  accessTokens: { token: string; grant: TokenGrant; expiresAt: number }[];
  refreshTokens: { token: string; grant: TokenGrant }[];
}

/** Codes, access tokens and refresh tokens in memory. */
export class OAuthGrants {
  readonly #now: () => number;
  readonly #codes = new Map<
    string,
    { request: AuthorizationRequest; expiresAt: number }
  >();
  readonly #redeemedCodes = new Map<string, string>();
  readonly #accessTokens = new Map<
    string,
    { grant: TokenGrant; expiresAt: number }
  >();
  readonly #refreshTokens = new Map<string, TokenGrant>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** A detached copy of every code and token. */
  snapshot(): OAuthGrantsSnapshot {
    return structuredClone({
      codes: [...this.#codes].map(([code, entry]) => ({ code, ...entry })),
      redeemedCodes: [...this.#redeemedCodes].map(([code, accessToken]) => ({ code, accessToken })),
      accessTokens: [...this.#accessTokens].map(([token, entry]) => ({ token, ...entry })),
      refreshTokens: [...this.#refreshTokens].map(([token, grant]) => ({ token, grant })),
    });
  }

  /** Replaces every code and token with a snapshot's. */
  restore(snapshot: OAuthGrantsSnapshot): void {
    const saved = structuredClone(snapshot);
    this.#codes.clear();
    this.#redeemedCodes.clear();
    this.#accessTokens.clear();
    this.#refreshTokens.clear();
    for (const { code, request, expiresAt } of saved.codes) {
      this.#codes.set(code, { request, expiresAt });
    }
    for (const { code, accessToken } of saved.redeemedCodes) {
      this.#redeemedCodes.set(code, accessToken);
    }
    for (const { token, grant, expiresAt } of saved.accessTokens) {
      this.#accessTokens.set(token, { grant, expiresAt });
    }
    for (const { token, grant } of saved.refreshTokens) {
      this.#refreshTokens.set(token, grant);
    }
  }

  /** A fresh authorization code for an approved request. */
  issueCode(request: AuthorizationRequest): string {
    const code = newSecret();
    this.#codes.set(code, {
      request,
      expiresAt: this.#now() + CODE_TTL_MS,
    });
    return code;
  }

  /**
   * Exchanges a code. The code is spent by the first attempt, right or wrong;
   * presenting it again also revokes the access token it bought.
   */
  async redeemCode(
    input: {
      code: string;
      clientId: string;
      redirectUri: string;
      codeVerifier: string;
    },
  ): Promise<IssuedTokens> {
    const entry = this.#codes.get(input.code);
    if (!entry) {
      const bought = this.#redeemedCodes.get(input.code);
      if (bought) this.#accessTokens.delete(bought);
      throw new OAuthError("invalid_grant", "Unknown or already used code");
    }
    this.#codes.delete(input.code);
    const { request, expiresAt } = entry;
    if (this.#now() > expiresAt) {
      throw new OAuthError("invalid_grant", "Authorization code expired");
    }
    if (request.clientId !== input.clientId) {
      throw new OAuthError("invalid_grant", "Code was issued to another client");
    }
    if (request.redirectUri !== input.redirectUri) {
      throw new OAuthError("invalid_grant", "redirect_uri does not match");
    }
    if (await pkceChallenge(input.codeVerifier) !== request.codeChallenge) {
      throw new OAuthError("invalid_grant", "code_verifier does not match");
    }
    const tokens = this.#issueTokens({
      userId: request.userId,
      clientId: request.clientId,
      scope: request.scope,
      nonce: request.nonce,
    });
    this.#redeemedCodes.set(input.code, tokens.accessToken);
    return tokens;
  }

  /** Exchanges a refresh token for new tokens; the old refresh token is spent. */
  refresh(refreshToken: string, clientId: string): IssuedTokens {
    const grant = this.#refreshTokens.get(refreshToken);
    if (!grant || grant.clientId !== clientId) {
      throw new OAuthError("invalid_grant", "Unknown refresh token");
    }
    this.#refreshTokens.delete(refreshToken);
    return this.#issueTokens({ ...grant, nonce: null });
  }

  /** Forgets a refresh or access token. */
  revoke(token: string): void {
    this.#refreshTokens.delete(token);
    this.#accessTokens.delete(token);
  }

  /** The grant behind a live access token, or undefined. */
  accessGrant(accessToken: string): TokenGrant | undefined {
    const entry = this.#accessTokens.get(accessToken);
    if (!entry || this.#now() > entry.expiresAt) return undefined;
    return entry.grant;
  }

  #issueTokens(grant: TokenGrant): IssuedTokens {
    const accessToken = newSecret();
    const refreshToken = newSecret();
    this.#accessTokens.set(accessToken, {
      grant,
      expiresAt: this.#now() + ACCESS_TOKEN_TTL_S * 1000,
    });
    this.#refreshTokens.set(refreshToken, grant);
    return { accessToken, refreshToken, grant };
  }
}
