/**
 * `GET /experiences/:experienceId`: the Whop app's experience view, the page
 * Whop shows inside its iframe (with the `x-whop-user-token` header, so no
 * cookie is needed). It lists the community's competitions to its members;
 * its admins also see their drafts and how to create one. Anyone without
 * access to the experience gets 404.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import {
  type Competition,
  listCompetitionsByCreator,
  listPublicCompetitions,
} from "../../lib/competitions/competitions.ts";
import { EXPERIENCE_ID } from "../../lib/competitions/input.ts";
import { NotFoundError, UnauthorizedError } from "../../lib/core/errors.ts";
import { communityAccess } from "../../lib/whop/access.ts";
import { CompetitionCard } from "../../components/competition_card.tsx";
import { renderAppPage } from "./_shell.tsx";

/** The community's competitions `userId` may see: every funded one, and their own drafts. */
async function communityCompetitions(deps: AppDeps, experienceId: string, userId: string): Promise<Competition[]> {
  const [listed, own] = await Promise.all([
    listPublicCompetitions(deps.kv),
    listCompetitionsByCreator(deps.kv, userId),
  ]);
  const drafts = own.filter((competition) => competition.status === "DRAFT");
  return [...drafts, ...listed].filter((competition) => competition.experienceId === experienceId);
}

/** Routes: `GET /experiences/:experienceId`. */
export function experiencePage(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/experiences/:experienceId", async (c) => {
    const experienceId = c.req.param("experienceId");
    if (!EXPERIENCE_ID.test(experienceId)) throw new NotFoundError("There is no community with that experience id.");
    const userId = c.var.userId;
    if (!userId) throw new UnauthorizedError("Open this page from your Whop community, or sign in with Whop.");
    const access = await communityAccess(deps, experienceId, userId);
    if (access === "none") throw new NotFoundError("There is no community with that experience id.");
    const competitions = await communityCompetitions(deps, experienceId, userId);
    return renderAppPage(c, deps, {
      title: "Community competitions",
      body: (
        <>
          <div class="page-head">
            <h1>Community competitions</h1>
          </div>
          {access === "admin" && (
            <p class="notice">
              You run this community: competitions you create with <code>experienceId</code> <code>{experienceId}</code>
              {" "}
              (<code>POST /api/competitions</code>) are shown here, and only to its members.
            </p>
          )}
          {competitions.length === 0
            ? <p class="card muted">This community has no competitions yet.</p>
            : (
              <div class="cards">
                {competitions.map((competition) => <CompetitionCard key={competition.id} competition={competition} />)}
              </div>
            )}
        </>
      ),
    });
  });
}
