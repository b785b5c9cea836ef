/**
 * The Whop-facing API: the funding checkouts (a competition's prize, a
 * season's rounds and season prize) and Whop's webhooks. The webhook
 * rules (signature, repeat window, what each event does) live in
 * `lib/whop/webhooks.ts`; this module reads the body and answers.
 *
 * A form post to the fund endpoint is answered with a 303 to the app's own
 * checkout page, never to Whop: Chrome checks the page's `form-action` on
 * every redirect of a form submission, and Whop's checkout is on another
 * origin than its API (`whop.com`, not `api.whop.com`).
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppDeps, AppEnv } from "./_env.ts";
import { AppError, UnauthorizedError } from "../lib/core/errors.ts";
import { RateLimiter } from "../lib/web/rate_limit.ts";
import { bodyBudget } from "../lib/web/body_budget.ts";
import { requireUserId } from "../lib/web/middleware/caller.ts";
import { isFormPost } from "../lib/web/forms.ts";
import type { WhopDeps } from "../lib/whop/deps.ts";
import { createEscrowCheckout, type Fundable, type FundingSubject } from "../lib/whop/escrow.ts";
import { SEASON_FUNDING } from "../lib/whop/season_funding.ts";
import { COMPETITION_FUNDING } from "../lib/whop/funding.ts";
import { toDecimalString } from "../lib/core/money.ts";
import { createWhopNotificationSender } from "../lib/whop/notification_sender.ts";
import { receiveWhopWebhook, WHOP_WEBHOOK_MAX_BYTES, WHOP_WEBHOOK_PATH } from "../lib/whop/webhooks.ts";

/** The Whop routes, full paths. */
export function whopRoutes(deps: AppDeps): Hono<AppEnv> {
  const whopDeps: WhopDeps = {
    kv: deps.kv,
    config: deps.config,
    now: deps.now,
    whop: deps.whop,
    sendNotification: createWhopNotificationSender(deps.whop, deps.kv),
  };
  const limiter = new RateLimiter(deps.kv, deps.now);
  // At most four bodies' worth buffered at once, whatever a flood sends.
  const webhookBodies = bodyBudget({ budgetBytes: 4 * WHOP_WEBHOOK_MAX_BYTES, maxBody: WHOP_WEBHOOK_MAX_BYTES });

  /** The checkout of `:id`: JSON for API clients, a 303 to the app's own checkout page for a form. */
  async function fund<T extends Fundable>(c: Context<AppEnv>, subject: FundingSubject<T>, path: string) {
    const id = c.req.param("id")!;
    const { checkoutUrl, amount, fee, currency } = await createEscrowCheckout(whopDeps, subject, id, requireUserId(c));
    if (isFormPost(c.req.header("content-type"))) return c.redirect(`/${path}/${id}/fund`, 303);
    return c.json({ checkoutUrl, amount: toDecimalString(amount, currency), fee: toDecimalString(fee, currency) });
  }

  return new Hono<AppEnv>()
    .post("/api/competitions/:id/fund", (c) => fund(c, COMPETITION_FUNDING, "competitions"))
    .post("/api/seasons/:id/fund", (c) => fund(c, SEASON_FUNDING, "seasons"))
    .post(
      WHOP_WEBHOOK_PATH,
      webhookBodies,
      bodyLimit({
        maxSize: WHOP_WEBHOOK_MAX_BYTES,
        onError: () => {
          throw new AppError(413, `The webhook body is larger than ${WHOP_WEBHOOK_MAX_BYTES / 1024} KB.`);
        },
      }),
      async (c) => {
        if (!deps.whop) throw new AppError(503, "Whop webhooks are not configured on this server.");
        const body = await c.req.text();
        const headers = Object.fromEntries(c.req.raw.headers);
        try {
          const result = await receiveWhopWebhook({ ...whopDeps, whop: deps.whop }, body, headers, c.var.requestId);
          return c.json({ ok: true, ...result });
        } catch (error) {
          // Verified first, counted only when it failed: a signed delivery is never refused for others' failures.
          if (error instanceof UnauthorizedError) {
            return await limiter.refuseAuthentication(c.var.clientAddress, error.message);
          }
          throw error;
        }
      },
    );
}
