/**
 * Shopify's HTTP surface: joining a competition with a store, installing the
 * app from Shopify, the OAuth callback, and every webhook topic.
 *
 * - `POST /api/competitions/:id/join` — `{shop}`. A store the user already
 *   connected (and owns) joins at once: JSON `{joined: true, participantId,
 *   shop}`, a form gets a 303 to the competition page. Otherwise JSON gets
 *   `{authorizeUrl, shop}` and the library's state cookie; a form gets the
 *   cookie and a 303 to our own `/shopify/continue/{state}`, a page that
 *   sends the browser on to Shopify by a link and a refresh (a form's
 *   redirect chain is held to the page's `form-action`, Shopify's login is on
 *   another origin). A form from Whop's frame (the user known by Whop's
 *   token, no cookie of ours there) gets a 303 to `/shopify/window/{ticket}`,
 *   whose link opens the round trip in a window of its own. A refusal sends
 *   a form back to the competition page with `?joinError=<code>`. Attempts
 *   are limited per user.
 * - `POST /api/seasons/:id/join` — the same, for the season's round open
 *   now: the store becomes the season's and is entered in every later round.
 * - `GET /shopify` — the App URL: Shopify's signed query verified, then a
 *   302 to Shopify's install page; a forged or stale query is 401 (counted
 *   against the client's failed authentications) and starts nothing.
 * - `GET /shopify/connect/:ticket` — the window's start: spends the ticket,
 *   sets the state cookie, 303 to `/shopify/continue/{state}`.
 * - `GET /api/shopify/callback` — completes the round trip: a join 303s to
 *   the competition page (`?joinError=<code>` when refused), or, started from
 *   a ticket, to `/shopify/connected`; an install 303s to `/stores`, with a
 *   claim cookie when nobody was signed in.
 * - `POST /api/shopify/webhooks` — verified, deduplicated, applied.
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { setCookie } from "hono/cookie";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "./_env.ts";
import { isFormPost } from "../lib/web/forms.ts";
import { AppError, ValidationError } from "../lib/core/errors.ts";
import { log } from "../lib/core/log.ts";
import { requireUserId, signedIn } from "../lib/web/middleware/caller.ts";
import { fieldsOf, validFormOrJson, validQuery } from "../lib/web/validate.ts";
import { competitionActions, type JoinOutcome } from "../lib/competitions/actions.ts";
import { seasonActions } from "../lib/seasons/actions.ts";
import type { JoinRequest } from "../lib/shopify/join.ts";
import type { BrowserRequest } from "../lib/shopify/oauth.ts";
import {
  beginInstall,
  CALLBACK_PATH,
  CLAIM_TTL_MS,
  claimCookieName,
  completeShopifyOAuth,
  InstallLinkRefused,
  JoinRefused,
  MAX_WEBHOOK_BYTES,
  processWebhook,
  redeemJoinTicket,
  type ShopifyServices,
  verifyWebhookHmac,
  WEBHOOK_PATH,
} from "../lib/shopify/mod.ts";
import { RateLimiter } from "../lib/web/rate_limit.ts";
import { bodyBudget } from "../lib/web/body_budget.ts";
import { type JoinRefusalCode, joinRefusalCodeOf } from "../lib/competitions/join_rules.ts";

/** The competition page, with the refusal code for the join form when there is one (the page picks the sentence). */
function competitionPage(competitionId: string, joinError?: JoinRefusalCode): string {
  const path = `/competitions/${encodeURIComponent(competitionId)}`;
  return joinError ? `${path}?joinError=${joinError}` : path;
}

/** Where a window opened from Whop's frame lands after the round trip (no session of ours there). */
function connectedPage(joinError?: JoinRefusalCode): string {
  return joinError ? `/shopify/connected?joinError=${joinError}` : "/shopify/connected";
}

/** The App URL's query: Shopify's parameters, each once (they may change, so none is named here). */
const APP_URL_QUERY = z.record(z.string(), z.string().check(z.maxLength(2000)));

/** Longest topic or webhook id accepted (Shopify's are far shorter; ids become KV keys). */
const MAX_HEADER_ID = 100;

/** Routes of the Shopify integration, mounted at `/`. */
export function shopifyRoutes(deps: AppDeps & { shopify: ShopifyServices }): Hono<AppEnv> {
  const shopify = deps.shopify;
  const limiter = new RateLimiter(deps.kv, deps.now);
  const actions = competitionActions(deps);
  // At most 4 MB of webhook bodies buffered at once, whatever a flood sends.
  const webhookBodies = bodyBudget({ budgetBytes: 4 * MAX_WEBHOOK_BYTES, maxBody: MAX_WEBHOOK_BYTES });
  const seasons = seasonActions(deps);

  /**
   * A join posted for a competition or a season (its first open round): the
   * store entered at once, or Shopify's round trip begun, answered to a form
   * (back to `page`, with the refusal's code when refused) or to JSON.
   */
  async function join(
    c: Context<AppEnv>,
    shop: unknown,
    page: string,
    start: (
      request: Omit<JoinRequest, "competitionId"> & BrowserRequest & { inFrame: boolean },
    ) => Promise<JoinOutcome>,
  ) {
    const form = isFormPost(c.req.header("content-type"));
    c.header("Cache-Control", "no-store");
    let outcome;
    try {
      outcome = await start({
        userId: requireUserId(c),
        shop,
        userAgent: c.req.header("user-agent") ?? "",
        requestUrl: c.req.url,
        // Whop's frame passes its user token and no cookie of ours: the round trip needs a window of its own.
        inFrame: form && Boolean(c.req.header("x-whop-user-token")),
      });
    } catch (error) {
      // A browser's form goes back to the page with the refusal's code; API clients get the JSON error.
      if (form && error instanceof AppError && error.status < 500 && error.status !== 404) {
        return c.redirect(`${page}?joinError=${joinRefusalCodeOf(error)}`, 303);
      }
      throw error;
    }
    if (outcome.kind === "joined") {
      const { participant } = outcome;
      if (form) return c.redirect(page, 303);
      return c.json({ joined: true, participantId: participant.id, shop: participant.shop });
    }
    if (outcome.kind === "ticket") return c.redirect(`/shopify/window/${outcome.ticket}`, 303);
    const { start: oauth } = outcome;
    for (const cookie of oauth.setCookies) c.header("Set-Cookie", cookie, { append: true });
    if (form) return c.redirect(`/shopify/continue/${encodeURIComponent(oauth.state)}`, 303);
    return c.json({ authorizeUrl: oauth.authorizeUrl, shop: oauth.shop });
  }

  return new Hono<AppEnv>()
    .post("/api/competitions/:id/join", signedIn, validFormOrJson(fieldsOf("shop")), (c) => {
      const competitionId = c.req.param("id");
      return join(
        c,
        c.req.valid("json").shop,
        competitionPage(competitionId),
        (request) => actions.startJoin(shopify, { ...request, competitionId }),
      );
    })
    .post("/api/seasons/:id/join", signedIn, validFormOrJson(fieldsOf("shop")), (c) => {
      const seasonId = c.req.param("id");
      return join(
        c,
        c.req.valid("json").shop,
        `/seasons/${seasonId}`,
        (request) => seasons.startJoin(shopify, { ...request, seasonId }),
      );
    })
    .get("/shopify", validQuery(APP_URL_QUERY), async (c) => {
      c.header("Cache-Control", "no-store");
      let start;
      try {
        start = await beginInstall(shopify, c.req.valid("query"), {
          userAgent: c.req.header("user-agent") ?? "",
          requestUrl: c.req.url,
        });
      } catch (error) {
        if (error instanceof InstallLinkRefused) {
          await limiter.refuseAuthentication(c.var.clientAddress, error.message);
        }
        throw error;
      }
      for (const cookie of start.setCookies) c.header("Set-Cookie", cookie, { append: true });
      return c.redirect(start.authorizeUrl, 302);
    })
    .get("/shopify/connect/:ticket", async (c) => {
      c.header("Cache-Control", "no-store");
      const start = await redeemJoinTicket(shopify, c.req.param("ticket"), {
        userAgent: c.req.header("user-agent") ?? "",
        requestUrl: c.req.url,
      });
      for (const cookie of start.setCookies) c.header("Set-Cookie", cookie, { append: true });
      return c.redirect(`/shopify/continue/${encodeURIComponent(start.state)}`, 303);
    })
    .get(CALLBACK_PATH, async (c) => {
      c.header("Cache-Control", "no-store");
      try {
        const outcome = await completeShopifyOAuth(shopify, c.req.raw, c.var.userId);
        for (const cookie of outcome.headers.getSetCookie()) c.header("Set-Cookie", cookie, { append: true });
        if (outcome.kind === "installed") {
          if (outcome.claim) {
            setCookie(c, claimCookieName(deps.config.appUrl), outcome.claim, {
              httpOnly: true,
              sameSite: "Lax",
              path: "/",
              secure: deps.config.appUrl.startsWith("https:"),
              maxAge: CLAIM_TTL_MS / 1000,
            });
          }
          return c.redirect("/stores", 303);
        }
        if (outcome.landing === "window") return c.redirect(connectedPage(), 303);
        return c.redirect(competitionPage(outcome.participant.competitionId), 303);
      } catch (error) {
        if (error instanceof JoinRefused) {
          log("info", "store join refused", {
            competitionId: error.competitionId,
            code: error.code,
            reason: error.message,
          });
          if (error.landing === "window") return c.redirect(connectedPage(error.code), 303);
          return c.redirect(competitionPage(error.competitionId, error.code), 303);
        }
        throw error;
      }
    })
    .post(
      WEBHOOK_PATH,
      webhookBodies,
      bodyLimit({
        maxSize: MAX_WEBHOOK_BYTES,
        onError: () => {
          throw new AppError(413, "The webhook body is larger than 1 MB.");
        },
      }),
      async (c) => {
        const body = new Uint8Array(await c.req.arrayBuffer());
        const valid = verifyWebhookHmac(
          shopify.library.apiSecret,
          body,
          c.req.header("x-shopify-hmac-sha256") ?? null,
        );
        // Verified first, counted only when it failed: a signed delivery is never refused for others' failures.
        if (!valid) await limiter.refuseAuthentication(c.var.clientAddress, "The webhook signature is not valid.");
        const topic = c.req.header("x-shopify-topic");
        const shop = c.req.header("x-shopify-shop-domain");
        const webhookId = c.req.header("x-shopify-webhook-id") ?? c.req.header("x-shopify-event-id");
        if (!topic || !shop || !webhookId) {
          throw new ValidationError(
            [],
            "X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Webhook-Id are required.",
          );
        }
        if (topic.length > MAX_HEADER_ID || webhookId.length > MAX_HEADER_ID) {
          throw new ValidationError([], "X-Shopify-Topic and X-Shopify-Webhook-Id are at most 100 characters.");
        }
        const outcome = await processWebhook(shopify, {
          topic,
          shop,
          webhookId,
          eventId: c.req.header("x-shopify-event-id"),
          body: new TextDecoder().decode(body),
        });
        if (outcome.status === 400) throw new ValidationError([], outcome.error);
        return c.json({ ok: true, result: outcome.result });
      },
    );
}
