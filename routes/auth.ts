/**
 * Browser sign-in with Whop: `GET /login` (to Whop's authorize page, with
 * the sign-in binder cookie; limited per client address), `GET
 * /auth/callback` (binder checked and cleared, code exchanged, user saved,
 * session cookie set) and `POST /logout`.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppDeps, AppEnv } from "./_env.ts";
import { deleteSession, SESSION_TTL_MS, sessionCookieName } from "../lib/core/sessions.ts";
import { beginSignIn, OAUTH_STATE_TTL_MS, signInCookieName } from "../lib/whop/oauth.ts";
import { signInWithWhop } from "../lib/whop/sign_in.ts";
import { log } from "../lib/core/log.ts";
import { RATE_LIMITS, RateLimiter } from "../lib/web/rate_limit.ts";
import { QUERY_TEXT, validQuery } from "../lib/web/validate.ts";
import { landingPageOf } from "../lib/competitions/views.ts";

/** What Whop's authorize page sends back: the code and state, or the error. */
const CALLBACK_QUERY = z.object({
  code: QUERY_TEXT,
  state: QUERY_TEXT,
  error: QUERY_TEXT,
  error_description: QUERY_TEXT,
});

function cookieOptions(appUrl: string) {
  return { httpOnly: true, sameSite: "Lax", path: "/", secure: appUrl.startsWith("https:") } as const;
}

/** Whether the client asked for JSON rather than a page. */
function wantsJson(c: { req: { header: (name: string) => string | undefined } }): boolean {
  const accept = c.req.header("accept") ?? "";
  const type = c.req.header("content-type") ?? "";
  return type.includes("application/json") || (accept.includes("application/json") && !accept.includes("text/html"));
}

/** Routes: `GET /login`, `GET /auth/callback`, `POST /logout`. */
export function authRoutes(deps: AppDeps): Hono<AppEnv> {
  const cookieName = sessionCookieName(deps.config.appUrl);
  const binderCookie = signInCookieName(deps.config.appUrl);
  const limiter = new RateLimiter(deps.kv, deps.now);
  return new Hono<AppEnv>()
    .get("/login", validQuery(z.object({ returnTo: QUERY_TEXT })), async (c) => {
      await limiter.consume(RATE_LIMITS.signInStarts, c.var.clientAddress);
      const { url, binder } = await beginSignIn(deps, c.req.valid("query").returnTo);
      setCookie(c, binderCookie, binder, { ...cookieOptions(deps.config.appUrl), maxAge: OAUTH_STATE_TTL_MS / 1000 });
      c.header("cache-control", "no-store");
      return c.redirect(url.href, 302);
    })
    .get("/auth/callback", validQuery(CALLBACK_QUERY), async (c) => {
      const binder = getCookie(c, binderCookie);
      // Spent whatever happens next: a sign-in binder is good for one callback.
      deleteCookie(c, binderCookie, cookieOptions(deps.config.appUrl));
      const query = c.req.valid("query");
      const { userId, sessionId, returnTo } = await signInWithWhop(deps, {
        code: query.code,
        state: query.state,
        error: query.error,
        errorDescription: query.error_description,
        binder,
        previousSessionId: getCookie(c, cookieName),
      });
      setCookie(c, cookieName, sessionId, { ...cookieOptions(deps.config.appUrl), maxAge: SESSION_TTL_MS / 1000 });
      log("info", "signed in", { userId, requestId: c.var.requestId });
      c.header("cache-control", "no-store");
      return c.redirect(returnTo || await landingPageOf(deps.kv, userId), 303);
    })
    .post("/logout", async (c) => {
      const sessionId = getCookie(c, cookieName);
      if (sessionId) await deleteSession(deps.kv, sessionId);
      deleteCookie(c, cookieName, cookieOptions(deps.config.appUrl));
      if (wantsJson(c)) return c.json({ ok: true });
      return c.redirect("/", 303);
    });
}
