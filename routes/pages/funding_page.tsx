/**
 * The two pages around Whop's checkout (models in
 * `lib/competitions/page_views/funding.ts`):
 *
 * - `GET /competitions/:id/fund`, creator only: where the fund form's post
 *   lands (`POST /api/competitions/:id/fund` answers a form with a 303 here),
 *   with the link to Whop's checkout; in Whop's frame the link opens a new
 *   tab (the request carries Whop's user token: only Whop's proxy adds it to
 *   a page).
 * - `GET /funding/:id/return` (a season's: `GET /funding/seasons/:id/return`),
 *   where Whop's checkout sends the browser back: the payment named in the
 *   query is confirmed with Whop at once; the creator goes on to the manage
 *   page (the season's page), a tab signed in nowhere reads the outcome.
 *   Asking Whop is limited per client address.
 */
import { type Context, Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import { checkoutPageView, fundingReturnView } from "../../lib/competitions/page_views/funding.ts";
import { requireUserId } from "../../lib/web/middleware/caller.ts";
import { QUERY_TEXT, validQuery } from "../../lib/web/validate.ts";
import { RATE_LIMITS, RateLimiter } from "../../lib/web/rate_limit.ts";
import * as z from "zod/mini";
import { CheckoutCard, FundingReturnNotice } from "../../components/funding_card.tsx";
import { renderAppPage } from "./_shell.tsx";
import { COMPETITION_FUNDING } from "../../lib/whop/funding.ts";
import { SEASON_FUNDING } from "../../lib/whop/season_funding.ts";
import type { Fundable, FundingSubject } from "../../lib/whop/escrow.ts";

const RETURN_QUERY = z.object({ payment_id: QUERY_TEXT, receipt_id: QUERY_TEXT });

/** Routes: `GET /competitions/:id/fund`, `GET /funding/:id/return`, `GET /funding/seasons/:id/return`. */
export function fundingRoutes(deps: AppDeps): Hono<AppEnv> {
  const limiter = new RateLimiter(deps.kv, deps.now);
  const manage = (id: string) => `/competitions/${id}/manage`;
  /** The return from Whop's checkout for `subject`: the creator goes on to `back(id)`. */
  const returnPage = <T extends Fundable>(subject: FundingSubject<T>, back: (id: string) => string) =>
  async (
    c: Context<AppEnv, string, { out: { query: z.infer<typeof RETURN_QUERY> } }>,
  ) => {
    const id = c.req.param("id")!;
    const query = c.req.valid("query");
    const paymentId = query.payment_id ?? query.receipt_id;
    const asks = paymentId !== undefined &&
      (await limiter.hit(RATE_LIMITS.paymentLookups, c.var.clientAddress)).allowed;
    const whop = { ...deps, sendNotification: deps.lifecycle?.sendNotification };
    const view = await fundingReturnView(whop, subject, id, asks ? paymentId : undefined, c.var.userId);
    if (view.creator) return c.redirect(back(id), 303);
    const season = subject.noun === "season";
    return renderAppPage(c, deps, {
      title: view.funded ? (season ? "Season funded" : "Prize funded") : "Payment not confirmed yet",
      body: (
        <FundingReturnNotice
          funded={view.funded}
          outcome={view.outcome}
          manage={back(id)}
          noun={season ? "season" : "competition"}
        />
      ),
    });
  };
  return new Hono<AppEnv>()
    .get("/competitions/:id/fund", async (c) => {
      const id = c.req.param("id");
      const view = await checkoutPageView(deps.kv, id, requireUserId(c));
      if (!view) return c.redirect(manage(id), 303);
      return renderAppPage(c, deps, {
        title: `Fund ${view.competition.title}`,
        community: view.competition.experienceId,
        body: (
          <CheckoutCard
            subject={{
              title: view.competition.title,
              currency: view.competition.currency,
              prize: view.competition.prize,
              noun: "competition",
              back: manage(id),
            }}
            checkout={view.checkout}
            framed={c.req.header("x-whop-user-token") !== undefined}
          />
        ),
      });
    })
    .get("/funding/:id/return", validQuery(RETURN_QUERY), returnPage(COMPETITION_FUNDING, manage))
    .get("/funding/seasons/:id/return", validQuery(RETURN_QUERY), returnPage(SEASON_FUNDING, (id) => `/seasons/${id}`));
}
