/**
 * Resolves who is calling: a Whop user token header (embedded app and API
 * clients) or a browser session cookie. Sets `userId` when either is valid;
 * a present but invalid token is refused with 401.
 */
import { getCookie } from "hono/cookie";
import type { MiddlewareHandler } from "hono";
import { getSession, sessionCookieName } from "../../core/sessions.ts";
import type { UserTokenVerifier } from "../../whop/user_token.ts";
import { UnauthorizedError } from "../../core/errors.ts";

/** Options of the caller middleware. */
export interface CallerOptions {
  kv: Deno.Kv;
  appUrl: string;
  verifyUserToken: UserTokenVerifier;
  now: () => number;
}

/** Variables the caller middleware sets. */
export type CallerVariables = { userId?: string };

/** Sets `c.var.userId` from `x-whop-user-token` or the session cookie. */
export function caller(options: CallerOptions): MiddlewareHandler<{ Variables: CallerVariables }> {
  const cookieName = sessionCookieName(options.appUrl);
  return async (c, next) => {
    const token = c.req.header("x-whop-user-token");
    if (token) {
      c.set("userId", await options.verifyUserToken(token));
    } else {
      const sessionId = getCookie(c, cookieName);
      const session = sessionId ? await getSession(options.kv, sessionId, options.now()) : null;
      if (session) c.set("userId", session.userId);
    }
    await next();
  };
}

/** The caller's user id, or a 401 with a sentence asking them to sign in. */
export function requireUserId(c: { var: CallerVariables }): string {
  if (!c.var.userId) throw new UnauthorizedError("Sign in with Whop to do that.");
  return c.var.userId;
}
