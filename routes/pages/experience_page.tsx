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
import { requireUserId, signedIn } from "../../lib/web/middleware/caller.ts";
import { validForm } from "../../lib/web/validate.ts";
import { CompetitionCard } from "../../components/competition_card.tsx";
import { CreateCompetitionSection } from "../../components/create_competition_section.tsx";
import {
  type CompetitionFormValues,
  emptyFormValues,
  type FieldErrors,
} from "../../components/competition_form_values.ts";
import {
  competitionFormWithDivisionsSchema,
  createFromPostedForm,
  type DivisionErrors,
  type DivisionRow,
  postedFormWithDivisions,
} from "../../components/division_fields.tsx";
import { renderAppPage } from "./_shell.tsx";
import { viewerClock } from "../../lib/web/render.tsx";
import type { CommunityJoin } from "../../lib/whop/access.ts";

/**
 * What someone outside the community reads: its competitions are its
 * members', and where to join it on Whop. The link leaves the frame
 * (`target="_top"`: Whop's pages refuse to be framed); Whop brings a new
 * member back to the community, the app in its frame.
 */
function JoinCommunity(props: { join: CommunityJoin }) {
  const { join } = props;
  return (
    <section class="card join-community" aria-labelledby="join-heading">
      <h1 id="join-heading">Join {join.name} to take part</h1>
      <p>
        The revenue competitions here are for the members of {join.name}, run by{" "}
        {join.company}. Join the community on Whop to follow them and enter your Shopify store; you come back here once
        you are in.
      </p>
      <p>
        <a class="button" href={join.url} target="_top" rel="noopener">Join {join.name} on Whop</a>
      </p>
    </section>
  );
}

async function renderExperience(
  c: Context<AppEnv>,
  deps: AppDeps,
  form: {
    values: CompetitionFormValues;
    errors: FieldErrors;
    divisions?: { rows: DivisionRow[]; errors: DivisionErrors };
  } = { values: emptyFormValues(deps.now(), viewerClock(c).timeZone), errors: {} },
) {
  const view = await communityPageView(
    { ...deps, whopOrigin: deps.config.whop.origin },
    c.req.param("experienceId") ?? "",
    requireUserId(c),
  );
  return renderAppPage(c, deps, {
    title: view.join ? `Join ${view.join.name}` : "Community competitions",
    status: view.join ? 403 : Object.keys(form.errors).length > 0 ? 400 : 200,
    community: view.experienceId,
    body: view.join ? <JoinCommunity join={view.join} /> : (
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
        const outcome = await createFromPostedForm(
          postedFormWithDivisions({ ...c.req.valid("form"), experienceId: c.req.param("experienceId") }),
          (input, formToken) => actions.create(requireUserId(c), input, formToken),
        );
        if ("created" in outcome) return c.redirect(`/competitions/${outcome.created.id}/manage`, 303);
        return renderExperience(c, deps, outcome.refused);
      },
    );
}
