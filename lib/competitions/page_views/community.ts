/**
 * The Whop experience view's model (`GET /experiences/:experienceId`): the
 * caller's place in the community and the community's competitions they may
 * see. Anyone outside the community gets the 404 of an unknown one.
 */
import { NotFoundError } from "../../core/errors.ts";
import { type AccessDeps, type CommunityAccess, communityAccess } from "../../whop/access.ts";
import { type Competition, listCompetitionsByCreator, listPublicCompetitions } from "../competitions.ts";
import { EXPERIENCE_ID } from "../input.ts";

/** What the experience view shows. */
export interface CommunityPageView {
  experienceId: string;
  /** `admin` (the community's team: may create) or `member`. */
  access: Exclude<CommunityAccess, "none">;
  /** Every funded competition of the community, and the caller's own drafts in it. */
  competitions: Competition[];
}

/** The experience view of `experienceId` for `userId`; 404 for a malformed or unknown id, or an outsider. */
export async function communityPageView(
  deps: AccessDeps,
  experienceId: string,
  userId: string,
): Promise<CommunityPageView> {
  const unknown = () => new NotFoundError("There is no community with that experience id.");
  if (!EXPERIENCE_ID.test(experienceId)) throw unknown();
  const access = await communityAccess(deps, experienceId, userId);
  if (access === "none") throw unknown();
  const [listed, own] = await Promise.all([
    listPublicCompetitions(deps.kv),
    listCompetitionsByCreator(deps.kv, userId),
  ]);
  const drafts = own.filter((competition) => competition.status === "DRAFT");
  const competitions = [...drafts, ...listed].filter((competition) => competition.experienceId === experienceId);
  return { experienceId, access, competitions };
}
