/**
 * `GET /competitions/new`: the create form; `POST /competitions/new` creates
 * the competition (the create use-case, as the API and the community view
 * do) and 303s to its manage page, or shows the form again (400) with each
 * message next to its field.
 */
import { type Context, Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import { competitionActions } from "../../lib/competitions/actions.ts";
import { requireUserId, signedIn } from "../../lib/web/middleware/caller.ts";
import { validForm } from "../../lib/web/validate.ts";
import {
  type CompetitionFormValues,
  emptyFormValues,
  type FieldErrors,
} from "../../components/competition_form_values.ts";
import { renderAppPage } from "./_shell.tsx";
import { viewerClock } from "../../lib/web/render.tsx";
import { CreateCompetitionSection } from "../../components/create_competition_section.tsx";
import {
  competitionFormWithDivisionsSchema,
  createFromPostedForm,
  type DivisionErrors,
  type DivisionRow,
  postedFormWithDivisions,
} from "../../components/division_fields.tsx";

function renderForm(
  c: Context<AppEnv>,
  deps: AppDeps,
  values: CompetitionFormValues,
  errors: FieldErrors,
  divisions?: { rows: DivisionRow[]; errors: DivisionErrors },
) {
  return renderAppPage(c, deps, {
    title: "New competition",
    status: Object.keys(errors).length > 0 ? 400 : 200,
    body: (
      <>
        <h1>New competition</h1>
        <CreateCompetitionSection
          values={values}
          errors={errors}
          divisions={divisions}
          minDurationS={deps.config.competitionMinDurationS}
        />
      </>
    ),
  });
}

/** Routes: `GET` and `POST /competitions/new`. */
export function newCompetitionRoutes(deps: AppDeps): Hono<AppEnv> {
  const actions = competitionActions(deps);
  return new Hono<AppEnv>()
    .get(
      "/competitions/new",
      signedIn,
      (c) => renderForm(c, deps, emptyFormValues(deps.now(), viewerClock(c).timeZone), {}),
    )
    .post("/competitions/new", signedIn, validForm(competitionFormWithDivisionsSchema()), async (c) => {
      const outcome = await createFromPostedForm(
        postedFormWithDivisions(c.req.valid("form")),
        (input, formToken) => actions.create(requireUserId(c), input, formToken),
      );
      if ("created" in outcome) return c.redirect(`/competitions/${outcome.created.id}/manage`, 303);
      const { values, errors, divisions } = outcome.refused;
      return renderForm(c, deps, values, errors, divisions);
    });
}
