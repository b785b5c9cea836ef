/**
 * A merchant signing in to the simulated Shopify, the way Shopify does it:
 * the store's admin (the install page, the app launcher) lives on one origin
 * and the login on another (`accounts.shopify.com`), so a browser that is not
 * logged in is sent across origins and back. Here the admin is the sandbox's
 * origin (`127.0.0.1:{port}`) and the login is a second loopback listener on
 * `localhost:{port}` (another host, so the two keep their cookies apart as
 * Shopify's do). The login page posts to its own origin and hands the admin
 * a one-time code, which the admin turns into its own session cookie.
 *
 * Shopify's admin and login pages refuse to be framed (`X-Frame-Options:
 * DENY`, `frame-ancestors 'none'`): so do these, and every other page of the
 * simulated Shopify.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { escapeHtml, layout } from "./pages.ts";

/** The admin origin's session cookie (the browser's signed-in merchant). */
const SESSION_COOKIE = "shopify_sandbox_merchant";
/** How long a login code may wait to be redeemed by the admin origin. */
const CODE_TTL_MS = 60_000;

/** Headers of every page of the simulated Shopify: never in a frame, as Shopify's admin and login. */
export const refuseFraming: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set("X-Frame-Options", "DENY");
  c.res.headers.set("Content-Security-Policy", "frame-ancestors 'none'");
};

/** Signed-in merchants of the admin origin, and the one-time codes that sign them in. */
export class MerchantSessions {
  #codes = new Map<string, { email: string; expiresAt: number }>();
  #sessions = new Map<string, string>();

  /** A one-time code for `email`, redeemed by {@link redeem}. */
  issueCode(email: string): string {
    const code = crypto.randomUUID();
    this.#codes.set(code, { email, expiresAt: Date.now() + CODE_TTL_MS });
    return code;
  }

  /** A session id for the code's merchant, once; undefined for an unknown, used or stale code. */
  redeem(code: string): string | undefined {
    const entry = this.#codes.get(code);
    this.#codes.delete(code);
    if (!entry || entry.expiresAt < Date.now()) return undefined;
    const session = crypto.randomUUID();
    this.#sessions.set(session, entry.email);
    return session;
  }

  /** The email of the merchant whose admin session cookie is `cookie`, if any. */
  merchantOf(cookie: string | undefined): string | undefined {
    return cookie ? this.#sessions.get(cookie) : undefined;
  }
}

/** The signed-in merchant of an admin-origin request, if any. */
export function signedInMerchant(c: Parameters<MiddlewareHandler>[0], sessions: MerchantSessions): string | undefined {
  return sessions.merchantOf(getCookie(c, SESSION_COOKIE));
}

/** The login page's address for a browser that should come back to `returnTo` (an admin-origin URL). */
export function loginUrl(accountsOrigin: string, returnTo: string): string {
  return `${accountsOrigin}/login?${new URLSearchParams({ return_to: returnTo })}`;
}

/**
 * `GET /auth/login?code=&return_to=` on the admin origin: redeems the login
 * origin's code, sets the admin's session cookie and goes back to where the
 * merchant was going (an admin-origin URL only).
 */
export function registerAdminSessionRoute(app: Hono, sessions: MerchantSessions): void {
  app.get("/auth/login", (c) => {
    const returnTo = c.req.query("return_to") ?? "";
    const session = sessions.redeem(c.req.query("code") ?? "");
    const origin = new URL(c.req.url).origin;
    if (!session || !returnTo.startsWith(`${origin}/`)) {
      return c.html(layout("Log in", `<div class="card"><h1>This login link has expired</h1></div>`), 400);
    }
    setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: "Lax", path: "/" });
    return c.redirect(returnTo, 303);
  });
}

/** What the login origin needs. */
export interface AccountsServerOptions {
  hostname: string;
  /** The admin origin: the only place a login returns to. */
  adminOrigin: () => string;
  sessions: MerchantSessions;
  /** The owner's email of a shop, to fill in the form when the merchant is on their way to that shop (a sandbox convenience). */
  emailOf: (shop: string) => string | undefined;
}

/** The running login origin. */
export interface AccountsServer {
  /** `http://localhost:{port}`. */
  origin: string;
  close(): Promise<void>;
}

/** Where a login for `returnTo` may go back to: an address on the admin origin, else undefined. */
function adminReturn(returnTo: string | undefined, adminOrigin: string): string | undefined {
  return returnTo?.startsWith(`${adminOrigin}/`) ? returnTo : undefined;
}

function loginPage(returnTo: string, email: string): string {
  return layout(
    "Log in",
    `<div class="card narrow"><h1>Log in</h1><p class="muted">Continue to Shopify</p>
<form method="post" action="/login">
<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
<p><label for="email">Email</label><br><input id="email" class="wide" type="email" name="email" value="${
      escapeHtml(email)
    }" required></p>
<div class="actions"><button class="primary" type="submit">Log in</button></div>
</form><p class="muted">Sandbox: any email logs in, no password.</p></div>`,
  );
}

/** Starts the login origin on loopback, reached as `localhost` (the admin origin is `127.0.0.1`). */
export function startAccountsServer(options: AccountsServerOptions): AccountsServer {
  const app = new Hono();
  app.use(refuseFraming);
  app.get("/login", (c) => {
    const returnTo = adminReturn(c.req.query("return_to"), options.adminOrigin());
    if (!returnTo) return c.html(layout("Log in", `<div class="card"><h1>Nothing to log in to</h1></div>`), 400);
    const shop = new URL(returnTo).pathname.split("/")[1] ?? "";
    const email = options.emailOf(shop) ?? (/\.myshopify\.com$/.test(shop) ? `owner@${shop}` : "");
    return c.html(loginPage(returnTo, email));
  });
  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const returnTo = adminReturn(String(form.return_to ?? ""), options.adminOrigin());
    const email = String(form.email ?? "").trim();
    if (!returnTo || !email) return c.html(loginPage(returnTo ?? "", email), 400);
    const code = options.sessions.issueCode(email);
    return c.redirect(
      `${options.adminOrigin()}/auth/login?${new URLSearchParams({ code, return_to: returnTo })}`,
      303,
    );
  });
  const abort = new AbortController();
  const server = Deno.serve({ hostname: options.hostname, port: 0, signal: abort.signal, onListen() {} }, app.fetch);
  return {
    origin: `http://localhost:${server.addr.port}`,
    async close() {
      abort.abort();
      await server.finished;
    },
  };
}
