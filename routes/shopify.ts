/**
 * Shopify's HTTP surface: joining a competition with a store, the OAuth
 * callback, and every webhook topic.
 *
 * - `POST /api/competitions/:id/join` — JSON `{shop}` → `{authorizeUrl}`; a
 *   form post gets a 303 to it (or, when refused, back to the competition
 *   page with `?joinError=<code>`, a key of `JOIN_REFUSALS`). Either way the
 *   library's state cookie is set. Attempts are limited per user.
 * - `GET /api/shopify/callback` — completes the join and 303s to the
 *   competition page (`?joinError=<code>` when refused).
 * - `POST /api/shopify/webhooks` — verified, deduplicated, applied.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppDeps, AppEnv } from "./_env.ts";
import { isFormPost } from "../lib/web/forms.ts";
import { AppError, ValidationError } from "../lib/core/errors.ts";
import { log } from "../lib/core/log.ts";
import { requireUserId, signedIn } from "../lib/web/middleware/caller.ts";
import { fieldsOf, validFormOrJson } from "../lib/web/validate.ts";
import { competitionActions } from "../lib/competitions/actions.ts";
import {
  CALLBACK_PATH,
  completeJoin,
  MAX_WEBHOOK_BYTES,
  processWebhook,
  type ShopifyServices,
  verifyWebhookHmac,
  WEBHOOK_PATH,
} from "../lib/shopify/mod.ts";
import { JoinRefused } from "../lib/shopify/join.ts";
import { RateLimiter } from "../lib/web/rate_limit.ts";
import { bodyBudget } from "../lib/web/body_budget.ts";
import { type JoinRefusalCode, joinRefusalCodeOf } from "../lib/competitions/participants.ts";

/** The competition page, with the refusal code for the join form when there is one (the page picks the sentence). */
function competitionPage(competitionId: string, joinError?: JoinRefusalCode): string {
  const path = `/competitions/${encodeURIComponent(competitionId)}`;
  return joinError ? `${path}?joinError=${joinError}` : path;
}

/** Longest topic or webhook id accepted (Shopify's are far shorter; ids become KV keys). */
const MAX_HEADER_ID = 100;

/** Routes of the Shopify integration, mounted at `/`. */
export function shopifyRoutes(deps: AppDeps & { shopify: ShopifyServices }): Hono<AppEnv> {
  const shopify = deps.shopify;
  const limiter = new RateLimiter(deps.kv, deps.now);
  const actions = competitionActions(deps);
  // At most 4 MB of webhook bodies buffered at once, whatever a flood sends.
  const webhookBodies = bodyBudget({ budgetBytes: 4 * MAX_WEBHOOK_BYTES, maxBody: MAX_WEBHOOK_BYTES });
  return new Hono<AppEnv>()
    .post("/api/competitions/:id/join", signedIn, validFormOrJson(fieldsOf("shop")), async (c) => {
      const form = isFormPost(c.req.header("content-type"));
      const competitionId = c.req.param("id");
      let start;
      try {
        start = await actions.startJoin(shopify, {
          competitionId,
          userId: requireUserId(c),
          shop: c.req.valid("json").shop,
          userAgent: c.req.header("user-agent") ?? "",
          requestUrl: c.req.url,
        });
      } catch (error) {
        // A browser's form goes back to the page with the refusal's code; API clients get the JSON error.
        if (form && error instanceof AppError && error.status < 500 && error.status !== 404) {
          return c.redirect(competitionPage(competitionId, joinRefusalCodeOf(error)), 303);
        }
        throw error;
      }
      for (const cookie of start.setCookies) c.header("Set-Cookie", cookie, { append: true });
      c.header("Cache-Control", "no-store");
      if (form) return c.redirect(start.authorizeUrl, 303);
      return c.json({ authorizeUrl: start.authorizeUrl, shop: start.shop });
    })
    .get(CALLBACK_PATH, async (c) => {
      c.header("Cache-Control", "no-store");
      try {
        const result = await completeJoin(shopify, c.req.raw, c.var.userId);
        for (const cookie of result.headers.getSetCookie()) c.header("Set-Cookie", cookie, { append: true });
        return c.redirect(competitionPage(result.competitionId), 303);
      } catch (error) {
        if (error instanceof JoinRefused) {
          log("info", "store join refused", {
            competitionId: error.competitionId,
            code: error.code,
            reason: error.message,
          });
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
        const valid = await verifyWebhookHmac(
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
