/**
 * Resolves who is calling: a Whop user token header (embedded app and API
 * clients) or a browser session cookie. Sets `userId` when either is valid;
 * a present but invalid token is refused with 401, counted against the
 * client address's failed authentications (429 past the limit). Whether the
 * caller is one of the operators (`ADMIN_USER_IDS`) is decided here too, so
 * every route asks `c.var.isOperator` instead of restating the rule.
 */
import { getCookie } from "hono/cookie";
import type { MiddlewareHandler } from "hono";
import { getSession, type SealedAccess, sessionCookieName } from "../../core/sessions.ts";
import type { UserTokenVerifier } from "../../whop/user_token.ts";
import { ForbiddenError, UnauthorizedError } from "../../core/errors.ts";
import { RateLimiter } from "../rate_limit.ts";
import type { ClientAddressVariables } from "./client_address.ts";

/** Options of the caller middleware. */
export interface CallerOptions {
  kv: Deno.Kv;
  appUrl: string;
  verifyUserToken: UserTokenVerifier;
  now: () => number;
  /** The operators' Whop user ids. */
  operatorIds: readonly string[];
}

/**
 * Variables the caller middleware sets: who is calling, and for a browser
 * session the user's own sealed Whop access (`lib/whop/balance.ts`).
 */
export type CallerVariables = { userId?: string; whopAccess?: SealedAccess; isOperator?: boolean };

/** Sets `c.var.userId` from `x-whop-user-token` or the session cookie. */
export function caller(
  options: CallerOptions,
): MiddlewareHandler<{ Variables: CallerVariables & ClientAddressVariables }> {
  const cookieName = sessionCookieName(options.appUrl);
  const limiter = new RateLimiter(options.kv, options.now);
  return async (c, next) => {
    const token = c.req.header("x-whop-user-token");
    if (token) {
      try {
        c.set("userId", await options.verifyUserToken(token));
      } catch (error) {
        if (!(error instanceof UnauthorizedError)) throw error;
        await limiter.refuseAuthentication(c.var.clientAddress, error.message);
      }
    } else {
      const sessionId = getCookie(c, cookieName);
      const session = sessionId ? await getSession(options.kv, sessionId, options.now()) : null;
      if (session) {
        c.set("userId", session.userId);
        c.set("whopAccess", session.whopAccess);
      }
    }
    const userId = c.var.userId;
    c.set("isOperator", userId !== undefined && options.operatorIds.includes(userId));
    await next();
  };
}

/**
 * Refuses a signed-out caller (401) before the rest of the route runs, its
 * body's validation included: `app.post(path, signedIn, validJson(schema), handler)`.
 */
export const signedIn: MiddlewareHandler<{ Variables: CallerVariables }> = async (c, next) => {
  requireUserId(c);
  await next();
};

/** The caller's user id, or a 401 with a sentence asking them to sign in. */
export function requireUserId(c: { var: CallerVariables }): string {
  if (!c.var.userId) throw new UnauthorizedError("Sign in with Whop to do that.");
  return c.var.userId;
}

/** The caller's user id when they are an operator; 401 signed out, 403 with `refusal` for anyone else. */
export function requireOperator(c: { var: CallerVariables }, refusal: string): string {
  const userId = requireUserId(c);
  if (!c.var.isOperator) throw new ForbiddenError(refusal);
  return userId;
}
