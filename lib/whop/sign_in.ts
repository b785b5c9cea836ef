/**
 * Signing in with Whop, as one use-case the callback route calls: Whop's
 * OAuth completed (`oauth.ts`), the user's record saved, and a fresh
 * session (with the user's own sealed Whop access, `balance.ts`) in place
 * of whatever session the browser held before. The route keeps only the
 * HTTP: cookies, the log line and the redirect.
 */
import { createSession, deleteSession } from "../core/sessions.ts";
import { saveUser } from "../core/users.ts";
import { type CallbackParams, completeSignIn, type SignInSettings } from "./oauth.ts";
import { type BalanceDeps, sealWhopAccess } from "./balance.ts";

/** What a completed sign-in gives the route: who signed in, the new session's id, and where they were going. */
export interface SignedIn {
  userId: string;
  /** The new session's id: the cookie's value. */
  sessionId: string;
  /** The same-origin path the sign-in started from ("" when none). */
  returnTo: string;
}

/**
 * Completes a sign-in from Whop's callback and opens the user's session.
 * The browser's previous session (`previousSessionId`, when it sent one) is
 * ended, so a signed-in browser never holds two.
 */
export async function signInWithWhop(
  deps: BalanceDeps & { config: SignInSettings; fetch?: typeof fetch },
  params: CallbackParams & { previousSessionId?: string },
): Promise<SignedIn> {
  const { identity, returnTo, access } = await completeSignIn(deps, params);
  const now = deps.now();
  await saveUser(deps.kv, identity, now);
  if (params.previousSessionId) await deleteSession(deps.kv, params.previousSessionId);
  const sessionId = await createSession(deps.kv, identity.id, now, await sealWhopAccess(deps, identity.id, access));
  return { userId: identity.id, sessionId, returnTo };
}
