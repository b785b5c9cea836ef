/**
 * The season pages (models in `lib/seasons/page_views.ts`):
 *
 * - `GET /seasons/new`, `POST /seasons/new`: the create form; a post creates
 *   the season (the create use-case, as the API does) and 303s to its page,
 *   or shows the form again (400) with each message next to its field.
 * - `GET /seasons/:id`: the season, its standings, its rounds and the round
 *   racing now; its creator funds or cancels it there, a store owner joins.
 * - `GET /seasons/:id/fund`: where the fund form's post lands, with the link
 *   to Whop's checkout (never a form redirect to another origin).
 * (Whop's checkout sends the browser back to `GET /funding/seasons/:id/return`,
 * beside the competitions' return in `funding_page.tsx`.)
 */
import { type Context, Hono } from "hono";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "../_env.ts";
import { ValidationError } from "../../lib/core/errors.ts";
import { requireUserId, signedIn } from "../../lib/web/middleware/caller.ts";
import { QUERY_TEXT, validForm, validQuery } from "../../lib/web/validate.ts";
import { seasonActions } from "../../lib/seasons/actions.ts";
import { seasonCheckoutView, seasonPageView } from "../../lib/seasons/page_views.ts";
import { seasonEscrow } from "../../lib/seasons/seasons.ts";
import {
  emptySeasonValues,
  seasonErrorsOf,
  type SeasonFieldErrors,
  seasonFormSchema,
  type SeasonFormValues,
  seasonValuesToInput,
} from "../../components/season_form_values.ts";
import {
  type DivisionErrors,
  divisionRowsFromView,
  type PostedForm,
  postedFormWithDivisions,
} from "../../components/division_fields.tsx";
import { CreateSeasonSection } from "../../components/season_form.tsx";
import {
  LiveRoundCard,
  RoundsCard,
  SeasonCancelCard,
  SeasonFacts,
  SeasonFundCard,
  SeasonPayoutsCard,
  StandingsCard,
} from "../../components/season_cards.tsx";
import { JoinError, JoinForm } from "../../components/join_form.tsx";
import { StatusBadge } from "../../components/status_badge.tsx";
import { RefundState } from "../../components/refund_state.tsx";
import { CheckoutCard } from "../../components/funding_card.tsx";
import { renderAppPage } from "./_shell.tsx";
import { viewerClock } from "../../lib/web/render.tsx";

function renderForm(
  c: Context<AppEnv>,
  deps: AppDeps,
  posted: PostedForm<SeasonFormValues>,
  refused?: { errors: SeasonFieldErrors; divisions: DivisionErrors },
) {
  return renderAppPage(c, deps, {
    title: "New season",
    status: refused ? 400 : 200,
    body: (
      <>
        <h1>New season</h1>
        <CreateSeasonSection
          values={posted.values}
          errors={refused?.errors ?? {}}
          divisions={{ rows: posted.rows, errors: refused?.divisions ?? {} }}
        />
      </>
    ),
  });
}

/** `?joinError=<code>`: the refusal that sent the browser back. */
const PAGE_QUERY = z.object({ joinError: QUERY_TEXT });

/** Routes: the season pages (see the module comment). */
export function seasonPageRoutes(deps: AppDeps): Hono<AppEnv> {
  const actions = seasonActions(deps);
  const page = (id: string) => `/seasons/${id}`;
  return new Hono<AppEnv>()
    .get(
      "/seasons/new",
      signedIn,
      (c) =>
        renderForm(c, deps, {
          values: emptySeasonValues(deps.now(), viewerClock(c).timeZone),
          rows: divisionRowsFromView({}),
        }),
    )
    .post("/seasons/new", signedIn, validForm(seasonFormSchema()), async (c) => {
      const posted = postedFormWithDivisions<SeasonFormValues>(c.req.valid("form"));
      const { values, rows } = posted;
      try {
        const season = await actions.create(requireUserId(c), seasonValuesToInput(values, rows), values.formToken);
        return c.redirect(page(season.id), 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return renderForm(c, deps, posted, seasonErrorsOf(error));
      }
    })
    .get("/seasons/:id", validQuery(PAGE_QUERY), async (c) => {
      const view = await seasonPageView(deps, c.req.param("id"), c.var.userId, c.req.valid("query").joinError);
      const { season, detail } = view;
      return renderAppPage(c, deps, {
        title: season.title,
        body: (
          <>
            <div class="page-head">
              <div>
                <h1>{season.title}</h1>
                <p class="meta">
                  <StatusBadge status={season.status} /> <span>Season of {season.rounds} rounds</span>
                </p>
              </div>
            </div>
            {season.description && <p class="description">{season.description}</p>}
            {season.status === "CANCELLED" && <p class="notice notice-error">This season was cancelled.</p>}
            {view.isCreator && season.fundingIssue && (
              <p class="notice notice-error" role="alert">Funding problem: {season.fundingIssue}</p>
            )}
            {view.entrant && (
              <p class="notice notice-ok" role="status">
                You are in with {view.entrant.displayName}: your store is entered in every round, no need to join again.
              </p>
            )}
            <div class="competition-layout season-layout">
              <div class="board">
                {view.funding && <SeasonFundCard season={season} funding={view.funding} />}
                {view.liveRound && (
                  <LiveRoundCard
                    competition={view.liveRound.competition}
                    boards={view.liveRound.boards}
                    youUserId={view.viewerId}
                  />
                )}
                <StandingsCard tables={detail.standings} currency={season.currency} youUserId={view.viewerId} />
                <RoundsCard rounds={detail.rounds} currency={season.currency} />
              </div>
              <aside class="side">
                {view.joinable && (
                  <JoinForm
                    paths={{ join: `/api/seasons/${season.id}/join`, page: page(season.id) }}
                    signedIn={Boolean(view.viewerId)}
                    joinError={view.joinError}
                    connectedStores={view.connectedStores}
                  />
                )}
                {!view.joinable && view.joinError && <JoinError message={view.joinError} />}
                <section class="card" aria-labelledby="season-rules-heading">
                  <h2 id="season-rules-heading">How the season works</h2>
                  <SeasonFacts season={season} />
                </section>
                {view.refund && (
                  <section class="card" aria-labelledby="season-refund-heading">
                    <h2 id="season-refund-heading">Refund</h2>
                    <p>
                      <RefundState refund={view.refund} />
                    </p>
                  </section>
                )}
                <SeasonPayoutsCard payouts={view.payouts} currency={season.currency} />
                {view.cancel && <SeasonCancelCard season={season} offer={view.cancel} />}
              </aside>
            </div>
          </>
        ),
      });
    })
    .get("/seasons/:id/fund", signedIn, async (c) => {
      const id = c.req.param("id");
      const view = await seasonCheckoutView(deps.kv, id, requireUserId(c));
      if (!view) return c.redirect(page(id), 303);
      const { season, checkout } = view;
      return renderAppPage(c, deps, {
        title: `Fund ${season.title}`,
        body: (
          <CheckoutCard
            subject={{
              title: season.title,
              currency: season.currency,
              prize: seasonEscrow(season),
              noun: "season",
              back: page(id),
            }}
            checkout={checkout}
            framed={c.req.header("x-whop-user-token") !== undefined}
          />
        ),
      });
    });
}
