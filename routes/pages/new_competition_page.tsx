/**
 * `GET /competitions/new`: the create form; `POST /competitions/new` creates
 * the competition and 303s to its manage page, or shows the form again (400)
 * with each message next to its field.
 */
import { type Context, Hono } from "hono";
import { type AppDeps, type AppEnv, readForm } from "../_env.ts";
import { createCompetition } from "../../lib/competitions/competitions.ts";
import { requireUserId } from "../../lib/web/middleware/caller.ts";
import { ValidationError } from "../../lib/core/errors.ts";
import {
  type CompetitionFormValues,
  emptyFormValues,
  type FieldErrors,
  formErrorsOf,
  formValuesToInput,
  readFormValues,
} from "../../components/competition_form.tsx";
import { renderAppPage } from "./_shell.tsx";
import { CreateCompetitionSection } from "../../components/create_competition_section.tsx";
import { RATE_LIMITS, RateLimiter } from "../../lib/web/rate_limit.ts";

function renderForm(c: Context<AppEnv>, deps: AppDeps, values: CompetitionFormValues, errors: FieldErrors) {
  return renderAppPage(c, deps, {
    title: "New competition",
    status: Object.keys(errors).length > 0 ? 400 : 200,
    body: (
      <>
        <h1>New competition</h1>
        <CreateCompetitionSection values={values} errors={errors} minDurationS={deps.config.competitionMinDurationS} />
      </>
    ),
  });
}

/** Routes: `GET` and `POST /competitions/new`. */
export function newCompetitionPage(deps: AppDeps): Hono<AppEnv> {
  // Creation is limited per user, as on the API (`POST /api/competitions`).
  const limiter = new RateLimiter(deps.kv, deps.now);
  return new Hono<AppEnv>()
    .get("/competitions/new", (c) => {
      requireUserId(c);
      return renderForm(c, deps, emptyFormValues(deps.now()), {});
    })
    .post("/competitions/new", async (c) => {
      const userId = requireUserId(c);
      await limiter.consume(RATE_LIMITS.competitionCreation, userId);
      const values = readFormValues(await readForm(c));
      try {
        const competition = await createCompetition(deps.kv, userId, formValuesToInput(values), {
          now: deps.now(),
          minDurationS: deps.config.competitionMinDurationS,
        });
        return c.redirect(`/competitions/${competition.id}/manage`, 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return renderForm(c, deps, values, formErrorsOf(error));
      }
    });
}
