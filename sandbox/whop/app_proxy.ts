/**
 * Whop's iframe, simulated. Whop shows an app's experience view in an iframe
 * served from its own apps domain, which forwards every request to the app
 * with the `x-whop-user-token` header of the Whop user looking at it. Here:
 *
 * - `GET /experiences/:experienceId?as=<userId>` on the simulated Whop is the
 *   community's page: a picker of demo users and the iframe;
 * - the iframe's origin is a second loopback listener (the "apps domain"),
 *   which forwards every request path for path to the app with that user's
 *   token (chosen with `?whop_user=`, then remembered in a cookie on the
 *   proxy's own origin) and never passes the browser's cookies on, nor the
 *   app's `Set-Cookie` back: the app must work on the header alone, as
 *   inside Whop, where the frame's origin is Whop's and the app's own cookies
 *   would be third-party ones.
 *
 * - `GET /<company route>?as=<userId>` is the company's store page, where a
 *   non-member joins a community (`POST …/join`, a free membership here) and
 *   comes back to its page, the app in the frame;
 *
 * With Whop's checkout refusing to be framed (`checkout_routes.ts`), a flow
 * that leaves the app for Whop's pages must leave the frame (a new tab) and
 * come back without the app's cookies: the browser tests also run with
 * third-party cookies blocked (`launchBrowser({ blockThirdPartyCookies })`).
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { page } from "./html_layout.ts";
import type { WhopState } from "./whop_state.ts";

/** The cookie (on the proxy's origin) naming the Whop user looking at the app. */
const USER_COOKIE = "whop_sandbox_user";
/** Request headers that belong to the hop to the proxy, not to the app. */
const HOP_HEADERS = ["cookie", "host", "x-whop-user-token", "connection", "content-length"];

/** The running apps-domain proxy. */
export interface AppProxy {
  /** Its origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  close(): Promise<void>;
}

/** What the proxy needs. */
export interface AppProxyOptions {
  /** The app's origin, once known (undefined: the proxy answers 502). */
  appUrl: () => string | undefined;
  /** Signs a user token for `userId` with the simulated Whop's key. */
  sign: (userId: string) => Promise<string>;
  hostname: string;
}

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of header?.split(/;\s*/) ?? []) {
    const [key, ...value] = part.split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

/** Starts the apps-domain proxy on loopback. */
export function startAppProxy(options: AppProxyOptions): AppProxy {
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: options.hostname, port: 0, signal: abort.signal, onListen() {} },
    async (request) => {
      const appUrl = options.appUrl();
      if (!appUrl) return new Response("No app is connected to the simulated Whop.", { status: 502 });
      const url = new URL(request.url);
      const chosen = url.searchParams.get("whop_user");
      url.searchParams.delete("whop_user");
      const userId = chosen ?? cookieValue(request.headers.get("cookie"), USER_COOKIE);
      const headers = new Headers(request.headers);
      for (const name of HOP_HEADERS) headers.delete(name);
      if (userId) headers.set("x-whop-user-token", await options.sign(userId));
      const upstream = await fetch(new URL(url.pathname + url.search, appUrl), {
        method: request.method,
        headers,
        body: request.body,
        redirect: "manual",
      });
      const answer = new Headers(upstream.headers);
      // fetch has decoded the body; the browser's going away cancels it (and so the app's stream).
      for (const name of ["set-cookie", "content-encoding", "content-length"]) answer.delete(name);
      const location = answer.get("location");
      if (location?.startsWith(appUrl)) answer.set("location", location.replace(appUrl, url.origin));
      if (chosen) answer.append("set-cookie", `${USER_COOKIE}=${encodeURIComponent(chosen)}; Path=/; HttpOnly`);
      return new Response(upstream.body, { status: upstream.status, headers: answer });
    },
  );
  return {
    origin: `http://${options.hostname}:${server.addr.port}`,
    async close() {
      abort.abort();
      await server.finished;
    },
  };
}

/**
 * `GET /experiences/:experienceId?as=<userId>`: the community's page with the app in its iframe; `GET /<company
 * route>?as=<userId>`, the company's store page, and `POST /<company route>/join` (`experience`, `as`).
 */
export function experienceRoutes(state: WhopState, proxyOrigin: () => string): Hono {
  const store = `/${state.company.route}`;
  return new Hono().get(store, (c) => {
    const as = c.req.query("as") ?? "";
    const user = state.users.get(as);
    const offers = state.experiences.list().map((experience) => {
      const member = experience.members[as] !== undefined;
      return html`<div class="card"><h2>${experience.name}</h2>${
        member
          ? html`<p>You are a member. <a href="/experiences/${experience.id}?as=${
            encodeURIComponent(as)
          }">Open it</a></p>`
          : html`<form method="post" action="${store}/join"><input type="hidden" name="experience" value="${experience.id}">
            <input type="hidden" name="as" value="${as}"><button type="submit">Join ${experience.name} (free)</button></form>`
      }</div>`;
    });
    const picker = [...state.users.values()].map((candidate) =>
      html`<a href="?as=${encodeURIComponent(candidate.id)}">Continue as ${candidate.name}</a><br>`
    );
    return c.html(page(
      state.company.title,
      user ? html`<p class="muted">Signed in as ${user.name}.</p>${offers}` : html`
        <div class="card">
          <p class="muted">Who is joining?</p>
          <p>${picker}</p>
        </div>
      `,
    ));
  }).post(`${store}/join`, async (c) => {
    const form = await c.req.parseBody();
    const experienceId = String(form.experience ?? "");
    const as = String(form.as ?? "");
    state.requireUser(as);
    if (!state.experiences.require(experienceId).members[as]) state.experiences.setMember(experienceId, as, "customer");
    return c.redirect(`/experiences/${experienceId}?as=${encodeURIComponent(as)}`, 303);
  }).get("/experiences/:experienceId", (c) => {
    const experience = state.experiences.require(c.req.param("experienceId"));
    const as = c.req.query("as");
    const users = [...state.users.values()];
    const level = (userId: string) => experience.members[userId] ?? "not a member";
    const src = as && `${proxyOrigin()}/experiences/${experience.id}?whop_user=${encodeURIComponent(as)}`;
    const frame = src
      ? html`<iframe class="app" title="CartBrawl" src="${src}" width="100%" height="720"></iframe>`
      : html`<p class="muted">Choose who is looking to open the app as them.</p>`;
    return c.html(page(
      experience.name,
      html`
        <div class="card">
          <h2>${experience.name}</h2>
          <p class="muted">Look at the community's CartBrawl app as:</p>
          <p>${users.map((user) =>
            html`<a href="?as=${encodeURIComponent(user.id)}">${user.name}</a> <span class="muted">(${
              level(user.id)
            })</span><br>`
          )}</p>
        </div>
        ${frame}
      `,
    ));
  });
}
