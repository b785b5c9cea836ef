/**
 * Browser sessions after Whop sign-in, kept in KV with an expiry. The cookie
 * holds a random id; KV holds only its SHA-256, so a copy of the KV file (or
 * a backup) gives no one a session to replay.
 */
import { randomHex, sha256Hex } from "./crypto.ts";
import { keys } from "./db.ts";

/** How long a browser session lasts. */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

/** A signed-in browser. */
export interface Session {
  userId: string;
  createdAt: string;
  expiresAt: string;
  /**
   * The user's own Whop access token from this sign-in, sealed with
   * `ENCRYPTION_KEY` (`crypto.ts`), until it expires: what Whop lets only the
   * user read (their balance) is read with it.
   */
  whopAccess?: SealedAccess;
}

/** An access token sealed for its user, and when it expires (ISO 8601). */
export interface SealedAccess {
  sealed: string;
  expiresAt: string;
}

/** The cookie name: `__Host-` prefixed when the app is served over https. */
export function sessionCookieName(appUrl: string): string {
  return appUrl.startsWith("https:") ? "__Host-cartbrawl_session" : "cartbrawl_session";
}

/** Starts a session for `userId` (with its sealed Whop access, when given) and returns its id (the cookie value). */
export async function createSession(
  kv: Deno.Kv,
  userId: string,
  now: number,
  whopAccess?: SealedAccess,
): Promise<string> {
  const id = randomHex(32);
  const session: Session = {
    userId,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + SESSION_TTL_MS).toISOString(),
    ...(whopAccess ? { whopAccess } : {}),
  };
  await kv.set(keys.session(sha256Hex(id)), session, { expireIn: SESSION_TTL_MS });
  return id;
}

/** The live session with this id, or `null` (unknown or expired). */
export async function getSession(kv: Deno.Kv, id: string, now: number): Promise<Session | null> {
  if (!/^[0-9a-f]{64}$/.test(id)) return null;
  const { value } = await kv.get<Session>(keys.session(sha256Hex(id)));
  return value && Date.parse(value.expiresAt) > now ? value : null;
}

/** Ends a session. */
export async function deleteSession(kv: Deno.Kv, id: string): Promise<void> {
  if (/^[0-9a-f]{64}$/.test(id)) await kv.delete(keys.session(sha256Hex(id)));
}
