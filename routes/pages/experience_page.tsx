/**
 * `GET /experiences/:experienceId`: the Whop app's experience view, the page
 * Whop shows inside its iframe (with the `x-whop-user-token` header, so no
 * cookie is needed). It lists the community's competitions to its members;
 * its admins also see their drafts and create competitions from it
 * (`POST /experiences/:experienceId/competitions`). Anyone without access to
 * the experience gets 404.
 */
import { type Context, Hono } from "hono";
import { type AppDeps, type AppEnv, readForm } from "../_env.ts";
import {
  type Competition,
  createCompetition,
  listCompetitionsByCreator,
  listPublicCompetitions,
} from "../../lib/competitions/competitions.ts";
import { EXPERIENCE_ID } from "../../lib/competitions/input.ts";
import { NotFoundError, ValidationError } from "../../lib/core/errors.ts";
import { requireUserId } from "../../lib/web/middleware/caller.ts";
import { assertCommunityAdmin, type CommunityAccess, communityAccess } from "../../lib/whop/access.ts";
import { CompetitionCard } from "../../components/competition_card.tsx";
import { CreateCompetitionSection } from "../../components/create_competition_section.tsx";
import {
  type CompetitionFormValues,
  emptyFormValues,
  type FieldErrors,
  formErrorsOf,
  formValuesToInput,
  readFormValues,
} from "../../components/competition_form.tsx";
import { renderAppPage } from "./_shell.tsx";
import { RATE_LIMITS, RateLimiter } from "../../lib/web/rate_limit.ts";

/** The community's competitions `userId` may see: every funded one, and their own drafts. */
async function communityCompetitions(deps: AppDeps, experienceId: string, userId: string): Promise<Competition[]> {
  const [listed, own] = await Promise.all([
    listPublicCompetitions(deps.kv),
    listCompetitionsByCreator(deps.kv, userId),
  ]);
  const drafts = own.filter((competition) => competition.status === "DRAFT");
  return [...drafts, ...listed].filter((competition) => competition.experienceId === experienceId);
}

/** The experience id of the path, or the 404 of an unknown community. */
function experienceIdOf(c: Context<AppEnv>): string {
  const experienceId = c.req.param("experienceId") ?? "";
  if (!EXPERIENCE_ID.test(experienceId)) throw new NotFoundError("There is no community with that experience id.");
  return experienceId;
}

async function renderExperience(
  c: Context<AppEnv>,
  deps: AppDeps,
  experienceId: string,
  userId: string,
  access: CommunityAccess,
  form: { values: CompetitionFormValues; errors: FieldErrors } = { values: emptyFormValues(deps.now()), errors: {} },
) {
  const competitions = await communityCompetitions(deps, experienceId, userId);
  return renderAppPage(c, deps, {
    title: "Community competitions",
    status: Object.keys(form.errors).length > 0 ? 400 : 200,
    body: (
      <>
        <div class="page-head">
          <h1>Community competitions</h1>
        </div>
        {competitions.length === 0
          ? <p class="card muted">This community has no competitions yet.</p>
          : (
            <div class="cards">
              {competitions.map((competition) => <CompetitionCard key={competition.id} competition={competition} />)}
            </div>
          )}
        {access === "admin" && (
          <CreateCompetitionSection
            action={`/experiences/${experienceId}/competitions`}
            values={form.values}
            errors={form.errors}
            minDurationS={deps.config.competitionMinDurationS}
          />
        )}
      </>
    ),
  });
}

/** Routes: `GET /experiences/:experienceId`, `POST /experiences/:experienceId/competitions` (admins). */
export function experiencePage(deps: AppDeps): Hono<AppEnv> {
  // Creation is limited per user, as on the API (`POST /api/competitions`).
  const limiter = new RateLimiter(deps.kv, deps.now);
  return new Hono<AppEnv>()
    .get("/experiences/:experienceId", async (c) => {
      const experienceId = experienceIdOf(c);
      const userId = requireUserId(c);
      const access = await communityAccess(deps, experienceId, userId);
      if (access === "none") throw new NotFoundError("There is no community with that experience id.");
      return renderExperience(c, deps, experienceId, userId, access);
    })
    .post("/experiences/:experienceId/competitions", async (c) => {
      const experienceId = experienceIdOf(c);
      const userId = requireUserId(c);
      await assertCommunityAdmin(deps, experienceId, userId);
      await limiter.consume(RATE_LIMITS.competitionCreation, userId);
      const values = readFormValues(await readForm(c));
      try {
        const competition = await createCompetition(
          deps.kv,
          userId,
          { ...formValuesToInput(values), experienceId },
          { now: deps.now(), minDurationS: deps.config.competitionMinDurationS },
        );
        return c.redirect(`/competitions/${competition.id}/manage`, 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return renderExperience(c, deps, experienceId, userId, "admin", { values, errors: formErrorsOf(error) });
      }
    });
}
