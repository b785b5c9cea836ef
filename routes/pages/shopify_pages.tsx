/**
 * The pages around Shopify's OAuth round trip (models in
 * `lib/competitions/page_views/shopify_connect.ts`):
 *
 * - `GET /shopify/continue/:state` — "Continuing to Shopify": a refresh to
 *   Shopify's install page (no JavaScript needed) and the same as a link. A
 *   new navigation, not a form's redirect, so the page's `form-action` does
 *   not follow it to Shopify's login on another origin.
 * - `GET /shopify/window/:ticket` — in Whop's frame: the link that opens the
 *   round trip in a new window (Shopify's pages refuse to be framed), for
 *   the ticket's user only.
 * - `GET /shopify/connected` — where that window lands (`?joinError=<code>`
 *   when the store could not join); it needs no session.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "../_env.ts";
import { connectedView, continueView, windowView } from "../../lib/competitions/page_views/shopify_connect.ts";
import { QUERY_TEXT, validQuery } from "../../lib/web/validate.ts";
import { renderAppPage } from "./_shell.tsx";

/** Routes: `GET /shopify/continue/:state`, `GET /shopify/window/:ticket`, `GET /shopify/connected`. */
export function shopifyPageRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get("/shopify/continue/:state", async (c) => {
      const view = await continueView(deps.kv, c.req.param("state"), deps.now());
      return renderAppPage(c, deps, {
        title: "Continuing to Shopify",
        head: <meta http-equiv="refresh" content={`0;url=${view.authorizeUrl}`} />,
        body: (
          <section class="card handoff">
            <h1>Continuing to Shopify</h1>
            <p>
              Shopify asks you to log in to <strong>{view.shop}</strong>{" "}
              if you are not already, then to approve CartBrawl's read-only access to its orders. You come back here
              afterwards.
            </p>
            <p>
              <a class="button" href={view.authorizeUrl}>Continue to Shopify</a>
            </p>
          </section>
        ),
      });
    })
    .get("/shopify/window/:ticket", async (c) => {
      const view = await windowView(deps, c.req.param("ticket"), c.var.userId);
      const competitionPath = `/competitions/${view.competition.id}`;
      return renderAppPage(c, deps, {
        title: "Connect your store",
        body: (
          <section class="card handoff">
            <h1>Connect your store in a new window</h1>
            <p>
              Shopify's pages do not open inside Whop. In the new window, log in to{" "}
              <strong>{view.shop}</strong>, approve CartBrawl's read-only access to its orders, and it joins{" "}
              <strong>{view.competition.title}</strong>.
            </p>
            <p>
              <a class="button" href={view.connectUrl} target="_blank" rel="noopener">
                Continue on Shopify (new window)
              </a>
            </p>
            <p>
              When you are done, <a href={competitionPath}>go back to the competition</a>: your store shows there.
            </p>
          </section>
        ),
      });
    })
    .get("/shopify/connected", validQuery(z.object({ joinError: QUERY_TEXT })), (c) => {
      const { joinError } = connectedView(c.req.valid("query").joinError);
      return renderAppPage(c, deps, {
        title: joinError ? "Your store did not join" : "Your store joined",
        body: (
          <section class="card handoff">
            <h1>{joinError ? "Your store did not join" : "Your store joined the competition"}</h1>
            {joinError && <p class="notice notice-error" role="alert">{joinError}</p>}
            <p>You can close this window and go back to Whop, where the competition is.</p>
          </section>
        ),
      });
    });
}
