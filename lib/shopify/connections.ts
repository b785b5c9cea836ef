/**
 * A connected shop's Shopify credentials: an expiring offline access token
 * and its refresh token, both AES-256-GCM encrypted at rest (each bound to
 * the shop and its role, so a ciphertext moved elsewhere does not decrypt).
 * One record per shop, shared by every participant of that shop.
 *
 * Refreshing rotates both tokens and the old refresh token dies, so a
 * refresh is single-flight per shop: within the process through a shared
 * promise, across instances through a KV lease (an instance that finds the
 * lease taken waits for the other's new pair instead of spending the dead
 * refresh token). The new pair is stored with an optimistic check.
 *
 * A connection has an owner: the Whop user who completed Shopify's OAuth
 * for the shop (a merchant installing from Shopify signs in with Whop right
 * after, and claims it then). Only the owner may enter the store in further
 * competitions without another OAuth round trip; a new OAuth replaces the
 * owner. `["shops_by_owner", userId, shop]` lists an owner's stores and is
 * written in the same commit as the connection.
 */
import { HttpResponseError, Session } from "@shopify/shopify-api";
import { commit, keys, readMany } from "../core/db.ts";
import { acquireLease } from "../core/leases.ts";
import { decryptSecret, encryptSecret } from "../core/crypto.ts";
import { log } from "../core/log.ts";
import type { ShopifyLibrary } from "./library.ts";
import { type Sleep, withRetries } from "./retry.ts";

/** `["shops", shop]`: a shop's encrypted credentials. */
export interface ShopConnection {
  shop: string;
  /** `v1.<iv>.<ciphertext>` of the access token. */
  accessToken: string;
  /** `v1.<iv>.<ciphertext>` of the refresh token, for expiring offline tokens. */
  refreshToken?: string;
  /** When the access token stops working (app clock), if it expires. */
  expiresAt?: string;
  refreshTokenExpiresAt?: string;
  scope: string;
  connectedAt: string;
  updatedAt: string;
  /** When the webhook subscriptions were last made for this connection. */
  webhooksAt?: string;
  /** The address they deliver to (the app's, at that time). */
  webhooksUrl?: string;
  /** The topics subscribed then (absent on connections from before the risk topic: subscribe again). */
  webhookTopics?: string[];
  /** The Whop user who completed the OAuth (absent until claimed, and on connections from before owners). */
  ownerUserId?: string;
  /** The store's name and currency as Shopify said at the OAuth (absent on connections from before). */
  name?: string;
  currency?: string;
}

/** Who completed a fresh OAuth, and the store as Shopify describes it. */
export interface ShopProfile {
  /** The Whop user who completed it; undefined until someone signs in and claims the store. */
  ownerUserId?: string;
  name: string;
  currency: string;
}

/**
 * Makes `userId` the owner of `shop`'s connection made at `connectedAt` (the
 * OAuth a claim is for); false when the shop has been connected again since,
 * or disconnected.
 */
export async function claimConnection(
  kv: Deno.Kv,
  shop: string,
  connectedAt: string,
  userId: string,
): Promise<boolean> {
  for (;;) {
    const entry = await kv.get<ShopConnection>(keys.shop(shop));
    if (!entry.value || entry.value.connectedAt !== connectedAt) return false;
    const formerOwner = entry.value.ownerUserId;
    const result = await commit(() => {
      const op = kv.atomic().check(entry)
        .set(keys.shop(shop), { ...entry.value!, ownerUserId: userId })
        .set(keys.shopByOwner(userId, shop), true);
      if (formerOwner && formerOwner !== userId) op.delete(keys.shopByOwner(formerOwner, shop));
      return op;
    });
    if (result.ok) return true;
  }
}

/** The connections `userId` owns (their records, tokens still sealed). */
export async function listOwnedConnections(kv: Deno.Kv, userId: string): Promise<ShopConnection[]> {
  const shops: string[] = [];
  for await (const entry of kv.list({ prefix: keys.shopsByOwner(userId) })) shops.push(entry.key[2] as string);
  return (await readMany<ShopConnection>(kv, shops.map(keys.shop)))
    .filter((connection) => connection?.ownerUserId === userId) as ShopConnection[];
}

/** Tokens as the library's session carries them, plaintext, in memory only. */
export interface TokenPair {
  accessToken: string;
  refreshToken?: string;
  /** Seconds the access token lives, if it expires. */
  expiresIn?: number;
  refreshTokenExpiresIn?: number;
  scope: string;
}

/** The merchant has to connect the store again (uninstalled, or the refresh token is dead). */
export class ReconnectRequiredError extends Error {
  override name = "ReconnectRequiredError";
}

/** Refresh this long before the access token's expiry. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

const role = (shop: string, kind: "access" | "refresh") => `${shop}#${kind}`;

/** Reads the token pair out of a library session (expiry as seconds from now). */
export function tokensFromSession(session: Session): TokenPair {
  const secondsLeft = (date?: Date) => date ? Math.max(0, Math.round((date.getTime() - Date.now()) / 1000)) : undefined;
  return {
    accessToken: session.accessToken!,
    refreshToken: session.refreshToken,
    expiresIn: secondsLeft(session.expires),
    refreshTokenExpiresIn: secondsLeft(session.refreshTokenExpires),
    scope: session.scope ?? "",
  };
}

/** What the store needs. */
export interface ConnectionStoreDeps {
  kv: Deno.Kv;
  now: () => number;
  library: ShopifyLibrary;
  /** The encryption key (resolved lazily: sandbox mode keeps one in KV). */
  key: () => Promise<CryptoKey>;
  sleep: Sleep;
}

/** How long one instance may hold a shop's refresh lease (a refresh is a single HTTP call, retried briefly). */
const REFRESH_LEASE_MS = 30_000;

/** Encrypted per-shop credentials with refresh. */
export class ConnectionStore {
  #refreshing = new Map<string, Promise<string>>();
  constructor(private deps: ConnectionStoreDeps) {}

  async #seal(shop: string, tokens: TokenPair, previous?: ShopConnection): Promise<ShopConnection> {
    const key = await this.deps.key();
    const now = this.deps.now();
    const at = (seconds?: number) => seconds === undefined ? undefined : new Date(now + seconds * 1000).toISOString();
    return {
      shop,
      accessToken: await encryptSecret(key, tokens.accessToken, role(shop, "access")),
      refreshToken: tokens.refreshToken
        ? await encryptSecret(key, tokens.refreshToken, role(shop, "refresh"))
        : undefined,
      expiresAt: at(tokens.expiresIn),
      refreshTokenExpiresAt: at(tokens.refreshTokenExpiresIn),
      scope: tokens.scope,
      connectedAt: previous?.connectedAt ?? new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      webhooksAt: previous?.webhooksAt,
      webhooksUrl: previous?.webhooksUrl,
      webhookTopics: previous?.webhookTopics,
      ownerUserId: previous?.ownerUserId,
      name: previous?.name,
      currency: previous?.currency,
    };
  }

  /**
   * Stores a fresh OAuth's tokens, owner and store profile, replacing any
   * earlier connection of the shop (its owner too: the store is now the new
   * owner's, or nobody's until claimed).
   */
  async save(shop: string, tokens: TokenPair, profile: ShopProfile): Promise<ShopConnection> {
    const sealed = await this.#seal(shop, tokens);
    const connection: ShopConnection = { ...sealed, ...profile };
    for (;;) {
      const previous = await this.deps.kv.get<ShopConnection>(keys.shop(shop));
      const result = await commit(() => {
        const op = this.deps.kv.atomic().check(previous).set(keys.shop(shop), connection);
        const formerOwner = previous.value?.ownerUserId;
        if (formerOwner && formerOwner !== profile.ownerUserId) op.delete(keys.shopByOwner(formerOwner, shop));
        if (profile.ownerUserId) op.set(keys.shopByOwner(profile.ownerUserId, shop), true);
        return op;
      });
      if (result.ok) return connection;
    }
  }

  /** The stored record (still encrypted), or null. */
  async get(shop: string): Promise<ShopConnection | null> {
    return (await this.deps.kv.get<ShopConnection>(keys.shop(shop))).value;
  }

  /** Forgets the shop's tokens and owner (uninstall, shop/redact). */
  async delete(shop: string): Promise<void> {
    for (;;) {
      const entry = await this.deps.kv.get<ShopConnection>(keys.shop(shop));
      if (!entry.value) return;
      const owner = entry.value.ownerUserId;
      const result = await commit(() => {
        const op = this.deps.kv.atomic().check(entry).delete(keys.shop(shop));
        return owner ? op.delete(keys.shopByOwner(owner, shop)) : op;
      });
      if (result.ok) return;
    }
  }

  /** Notes that the webhook subscriptions to `topics` exist and deliver to `url`. */
  async markWebhooks(shop: string, url: string, topics: readonly string[]): Promise<void> {
    for (;;) {
      const entry = await this.deps.kv.get<ShopConnection>(keys.shop(shop));
      if (!entry.value) return;
      const next = {
        ...entry.value,
        webhooksAt: new Date(this.deps.now()).toISOString(),
        webhooksUrl: url,
        webhookTopics: [...topics],
      };
      const result = await commit(() => this.deps.kv.atomic().check(entry).set(keys.shop(shop), next));
      if (result.ok) return;
    }
  }

  /**
   * A usable access token for the shop: the stored one, or a refreshed one
   * when it expires within `REFRESH_MARGIN_MS` (or `force`, after a 401).
   * Throws `ReconnectRequiredError` when there is none to be had.
   */
  async accessToken(shop: string, { force = false } = {}): Promise<string> {
    const entry = await this.deps.kv.get<ShopConnection>(keys.shop(shop));
    const connection = entry.value;
    if (!connection) throw new ReconnectRequiredError(`The store ${shop} is not connected; connect it again.`);
    const key = await this.deps.key();
    const expiring = connection.expiresAt !== undefined &&
      Date.parse(connection.expiresAt) - REFRESH_MARGIN_MS <= this.deps.now();
    if (!force && !expiring) return decryptSecret(key, connection.accessToken, role(shop, "access"));
    if (!connection.refreshToken) {
      if (!expiring) return decryptSecret(key, connection.accessToken, role(shop, "access"));
      throw new ReconnectRequiredError(`The access to ${shop} has expired; connect the store again.`);
    }
    const running = this.#refreshing.get(shop);
    if (running) return running;
    const refresh = this.#refresh(entry).finally(() => this.#refreshing.delete(shop));
    this.#refreshing.set(shop, refresh);
    return refresh;
  }

  async #refresh(entry: Deno.KvEntryMaybe<ShopConnection>): Promise<string> {
    const shop = entry.value!.shop;
    const lease = `shopify_refresh:${shop}`;
    for (const deadline = performance.now() + REFRESH_LEASE_MS;;) {
      const release = await acquireLease(this.deps.kv, lease, this.deps.now(), REFRESH_LEASE_MS);
      if (release) {
        try {
          // The pair may have been rotated while we waited for the lease.
          const current = await this.deps.kv.get<ShopConnection>(keys.shop(shop));
          if (current.value && current.versionstamp !== entry.versionstamp) {
            return decryptSecret(await this.deps.key(), current.value.accessToken, role(shop, "access"));
          }
          return await this.#rotate(entry);
        } finally {
          await release();
        }
      }
      // Another instance is refreshing: its new pair will replace this record.
      const current = await this.deps.kv.get<ShopConnection>(keys.shop(shop));
      if (!current.value) throw new ReconnectRequiredError(`The store ${shop} was disconnected.`);
      if (current.versionstamp !== entry.versionstamp) {
        return decryptSecret(await this.deps.key(), current.value.accessToken, role(shop, "access"));
      }
      if (performance.now() > deadline) {
        throw new Error(`The access token of ${shop} is being refreshed elsewhere; try again shortly.`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #rotate(entry: Deno.KvEntryMaybe<ShopConnection>): Promise<string> {
    const connection = entry.value!;
    const shop = connection.shop;
    const key = await this.deps.key();
    const refreshToken = await decryptSecret(key, connection.refreshToken!, role(shop, "refresh"));
    let session: Session;
    try {
      ({ session } = await withRetries(
        () => this.deps.library.run(() => this.deps.library.api.auth.refreshToken({ shop, refreshToken })),
        this.deps.sleep,
      ));
    } catch (error) {
      // Another instance may have rotated the pair while we tried.
      const now = await this.deps.kv.get<ShopConnection>(keys.shop(shop));
      if (now.value && now.versionstamp !== entry.versionstamp) {
        return decryptSecret(key, now.value.accessToken, role(shop, "access"));
      }
      if (error instanceof HttpResponseError && error.response.code >= 400 && error.response.code < 500) {
        log("warn", "shopify token refresh refused", { shop, status: error.response.code });
        throw new ReconnectRequiredError(
          `Shopify no longer accepts the connection to ${shop}; connect the store again.`,
        );
      }
      throw error;
    }
    const tokens = tokensFromSession(session);
    // Store the rotated pair unless the record now holds another pair (a new
    // install, or another instance's rotation), which is just as valid. A
    // change that kept our old refresh token (e.g. the webhooks note) must
    // not survive: that token is dead now.
    for (let current = entry;;) {
      if (!current.value) throw new ReconnectRequiredError(`The store ${shop} was disconnected.`);
      if (current.value.refreshToken !== connection.refreshToken) break;
      const next = await this.#seal(shop, tokens, current.value);
      const result = await commit(() => this.deps.kv.atomic().check(current).set(keys.shop(shop), next));
      if (result.ok) break;
      current = await this.deps.kv.get<ShopConnection>(keys.shop(shop));
    }
    log("info", "shopify token refreshed", { shop });
    return tokens.accessToken;
  }
}

/**
 * Whether `key` opens the stored tokens (`deno task doctor`): tries the
 * access tokens of up to `limit` connected shops; `unreadable` names the
 * first it cannot decrypt (stored under another `ENCRYPTION_KEY`).
 */
export async function probeStoredTokens(
  kv: Deno.Kv,
  key: () => Promise<CryptoKey>,
  limit = 5,
): Promise<{ opened: number; unreadable?: string }> {
  let opened = 0;
  for await (const entry of kv.list<ShopConnection>({ prefix: ["shops"] }, { limit })) {
    const { shop, accessToken } = entry.value;
    try {
      await decryptSecret(await key(), accessToken, role(shop, "access"));
    } catch {
      return { opened, unreadable: shop };
    }
    opened++;
  }
  return { opened };
}
