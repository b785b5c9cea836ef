/**
 * Authorization codes, access tokens and refresh tokens of the simulated
 * Shopify, all judged against the sandbox clock.
 */

/** Lifetimes, in seconds. */
export interface TokenLifetimes {
  /** Expiring offline access token; Shopify uses one hour. */
  accessTokenSeconds: number;
  /** Refresh token; Shopify uses 90 days. */
  refreshTokenSeconds: number;
  /** Online (per-user) access token; Shopify uses about a day. */
  onlineTokenSeconds: number;
}

/** Shopify's lifetimes. */
export const SHOPIFY_TOKEN_LIFETIMES: TokenLifetimes = {
  accessTokenSeconds: 3600,
  refreshTokenSeconds: 90 * 24 * 3600,
  onlineTokenSeconds: 86_399,
};

/** The JSON body of `POST /admin/oauth/access_token` on success. */
export interface TokenResponse {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  associated_user_scope?: string;
  associated_user?: Record<string, unknown>;
}

/** An OAuth error: HTTP status and Shopify's body. */
export interface TokenError {
  status: number;
  body: { error: string; error_description: string };
}

/** What an access token grants. */
export interface AccessGrant {
  shop: string;
  scopes: string[];
  /** Epoch ms, or null for a non-expiring offline token. */
  expiresAt: number | null;
}

/** An authorization code not yet exchanged. */
export interface PendingCode {
  shop: string;
  scopes: string[];
  online: boolean;
  expiresAt: number;
}

/** What a refresh token can be traded for, until when. */
export interface RefreshGrant {
  shop: string;
  scopes: string[];
  expiresAt: number;
}

/** Every live code and token of a {@link TokenIssuer}, as plain JSON-ready data. */
export interface TokenIssuerSnapshot {
  codes: ({ code: string } & PendingCode)[];
  access: ({ token: string } & AccessGrant)[];
  refresh: ({ token: string } & RefreshGrant)[];
}

const CODE_LIFETIME_MS = 10 * 60_000;

function secret(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return prefix +
    Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function oauthError(status: number, error: string, description: string): TokenError {
  return { status, body: { error, error_description: description } };
}

/** Issues and checks codes and tokens. */
export class TokenIssuer {
  #codes = new Map<string, PendingCode>();
  #access = new Map<string, AccessGrant>();
  #refresh = new Map<string, RefreshGrant>();
  #now: () => number;
  #lifetimes: TokenLifetimes;

  constructor(now: () => number, lifetimes: TokenLifetimes) {
    this.#now = now;
    this.#lifetimes = lifetimes;
  }

  /** A detached copy of every code, access token and refresh token with its grant and expiry. */
  snapshot(): TokenIssuerSnapshot {
    return {
      codes: [...this.#codes].map(([code, pending]) => ({ code, ...pending, scopes: [...pending.scopes] })),
      access: [...this.#access].map(([token, grant]) => ({ token, ...grant, scopes: [...grant.scopes] })),
      refresh: [...this.#refresh].map(([token, grant]) => ({ token, ...grant, scopes: [...grant.scopes] })),
    };
  }

  /** Replaces every code and token with a snapshot's. */
  restore(snapshot: TokenIssuerSnapshot): void {
    this.#codes = new Map(
      snapshot.codes.map(({ code, shop, scopes, online, expiresAt }) => [code, {
        shop,
        scopes: [...scopes],
        online,
        expiresAt,
      }]),
    );
    this.#access = new Map(
      snapshot.access.map(({ token, shop, scopes, expiresAt }) => [token, { shop, scopes: [...scopes], expiresAt }]),
    );
    this.#refresh = new Map(
      snapshot.refresh.map(({ token, shop, scopes, expiresAt }) => [token, { shop, scopes: [...scopes], expiresAt }]),
    );
  }

  /** A single-use code for an approved install, valid ten minutes. */
  issueCode(shop: string, scopes: string[], online: boolean): string {
    const code = secret("");
    this.#codes.set(code, {
      shop,
      scopes,
      online,
      expiresAt: this.#now() + CODE_LIFETIME_MS,
    });
    return code;
  }

  /**
   * Trades a code for a token: expiring offline (with a refresh token) when
   * `expiring`, online when the install asked `per-user`, else a permanent offline token.
   */
  exchangeCode(
    shop: string,
    code: string,
    expiring: boolean,
  ): TokenResponse | TokenError {
    const pending = this.#codes.get(code);
    this.#codes.delete(code);
    if (!pending || pending.shop !== shop || pending.expiresAt <= this.#now()) {
      return oauthError(
        400,
        "invalid_request",
        "The authorization code was not found or was already used",
      );
    }
    const scope = pending.scopes.join(",");
    if (pending.online) {
      const seconds = this.#lifetimes.onlineTokenSeconds;
      return {
        access_token: this.#grant("shpua_", shop, pending.scopes, seconds),
        scope,
        expires_in: seconds,
        associated_user_scope: scope,
        associated_user: {
          id: 902541635,
          first_name: "Sandbox",
          last_name: "Owner",
          email: `owner@${shop}`,
          email_verified: true,
          account_owner: true,
          locale: "en",
          collaborator: false,
        },
      };
    }
    if (!expiring) {
      return {
        access_token: this.#grant("shpat_", shop, pending.scopes, null),
        scope,
      };
    }
    return this.#expiringOffline(shop, pending.scopes);
  }

  /** Rotates an expiring offline token: a new pair, and the old refresh token stops working. */
  refresh(shop: string, refreshToken: string): TokenResponse | TokenError {
    const grant = this.#refresh.get(refreshToken);
    this.#refresh.delete(refreshToken);
    if (!grant || grant.shop !== shop || grant.expiresAt <= this.#now()) {
      return oauthError(
        400,
        "invalid_grant",
        "The refresh token is invalid, expired or already used",
      );
    }
    return this.#expiringOffline(shop, grant.scopes);
  }

  /** What `accessToken` grants on `shop` now, or `undefined` if nothing. */
  verify(shop: string, accessToken: string): AccessGrant | undefined {
    const grant = this.#access.get(accessToken);
    if (!grant || grant.shop !== shop) return undefined;
    if (grant.expiresAt !== null && grant.expiresAt <= this.#now()) {
      return undefined;
    }
    return grant;
  }

  /** Revokes every code and token of the shop (an uninstall). */
  revokeShop(shop: string): void {
    for (const store of [this.#codes, this.#access, this.#refresh]) {
      for (const [key, value] of store) {
        if (value.shop === shop) store.delete(key);
      }
    }
  }

  #expiringOffline(shop: string, scopes: string[]): TokenResponse {
    const { accessTokenSeconds, refreshTokenSeconds } = this.#lifetimes;
    const refreshToken = secret("shprt_");
    this.#refresh.set(refreshToken, {
      shop,
      scopes,
      expiresAt: this.#now() + refreshTokenSeconds * 1000,
    });
    return {
      access_token: this.#grant("shpat_", shop, scopes, accessTokenSeconds),
      scope: scopes.join(","),
      expires_in: accessTokenSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: refreshTokenSeconds,
    };
  }

  #grant(
    prefix: string,
    shop: string,
    scopes: string[],
    seconds: number | null,
  ): string {
    const token = secret(prefix);
    this.#access.set(token, {
      shop,
      scopes,
      expiresAt: seconds === null ? null : this.#now() + seconds * 1000,
    });
    return token;
  }
}
