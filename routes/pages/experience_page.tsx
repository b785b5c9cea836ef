/**
 * `GET /experiences/:experienceId`: the Whop app's experience view, the page
 * Whop shows inside its iframe (with the `x-whop-user-token` header, so no
 * cookie is needed). It lists the community's competitions to its members;
 * its admins also see their drafts and create competitions from it
 * (`POST /experiences/:experienceId/competitions`, the create use-case with
 * the path's community). Anyone without access to the experience gets 404.
 */
import { type Context, Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import { competitionActions } from "../../lib/competitions/actions.ts";
import { communityPageView } from "../../lib/competitions/page_views/community.ts";
import { ValidationError } from "../../lib/core/errors.ts";
import { requireUserId, signedIn } from "../../lib/web/middleware/caller.ts";
import { validForm } from "../../lib/web/validate.ts";
import { CompetitionCard } from "../../components/competition_card.tsx";
import { CreateCompetitionSection } from "../../components/create_competition_section.tsx";
import {
  type CompetitionFormValues,
  emptyFormValues,
  type FieldErrors,
  formErrorsOf,
  formValuesToInput,
} from "../../components/competition_form_values.ts";
import {
  competitionFormWithDivisionsSchema,
  type DivisionErrors,
  type DivisionRow,
  postedCompetitionForm,
  refusedDivisions,
  withDivisionRows,
} from "../../components/division_fields.tsx";
import { renderAppPage } from "./_shell.tsx";
import { viewerClock } from "../../lib/web/render.tsx";

async function renderExperience(
  c: Context<AppEnv>,
  deps: AppDeps,
  form: {
    values: CompetitionFormValues;
    errors: FieldErrors;
    divisions?: { rows: DivisionRow[]; errors: DivisionErrors };
  } = { values: emptyFormValues(deps.now(), viewerClock(c).timeZone), errors: {} },
) {
  const view = await communityPageView(deps, c.req.param("experienceId") ?? "", requireUserId(c));
  return renderAppPage(c, deps, {
    title: "Community competitions",
    status: Object.keys(form.errors).length > 0 ? 400 : 200,
    body: (
      <>
        <div class="page-head">
          <h1>Community competitions</h1>
        </div>
        {view.competitions.length === 0
          ? <p class="card muted">This community has no competitions yet.</p>
          : (
            <div class="cards">
              {view.competitions.map((competition) => (
                <CompetitionCard key={competition.id} competition={competition} />
              ))}
            </div>
          )}
        {view.access === "admin" && (
          <CreateCompetitionSection
            action={`/experiences/${view.experienceId}/competitions`}
            values={form.values}
            errors={form.errors}
            divisions={form.divisions}
            minDurationS={deps.config.competitionMinDurationS}
          />
        )}
      </>
    ),
  });
}

/** Routes: `GET /experiences/:experienceId`, `POST /experiences/:experienceId/competitions` (admins). */
export function experienceRoutes(deps: AppDeps): Hono<AppEnv> {
  const actions = competitionActions(deps);
  return new Hono<AppEnv>()
    .get("/experiences/:experienceId", signedIn, (c) => renderExperience(c, deps))
    .post(
      "/experiences/:experienceId/competitions",
      signedIn,
      validForm(competitionFormWithDivisionsSchema()),
      async (c) => {
        // The path's community, as sent: the use-case normalises it, then authorises what it would store.
        const posted = postedCompetitionForm({ ...c.req.valid("form"), experienceId: c.req.param("experienceId") });
        try {
          const competition = await actions.create(
            requireUserId(c),
            withDivisionRows(formValuesToInput(posted.values), posted.rows),
            posted.values.formToken,
          );
          return c.redirect(`/competitions/${competition.id}/manage`, 303);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return renderExperience(c, deps, {
            values: posted.values,
            errors: formErrorsOf(error),
            divisions: refusedDivisions(posted, error),
          });
        }
      },
    );
}
