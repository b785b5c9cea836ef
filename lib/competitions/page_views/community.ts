/**
 * The Whop experience view's model (`GET /experiences/:experienceId`): the
 * caller's place in the community and the community's competitions they may
 * see; someone outside it, how to join it on Whop (its name and store page),
 * and nothing of its competitions. An unknown community is a 404.
 */
import { NotFoundError } from "../../core/errors.ts";
import {
  type AccessDeps,
  type CommunityAccess,
  communityAccess,
  type CommunityJoin,
  communityJoin,
} from "../../whop/access.ts";
import { type Competition, listCompetitionsByCreator, listPublicCompetitions } from "../competitions.ts";
import { EXPERIENCE_ID } from "../input.ts";

/** What the experience view shows. */
export interface CommunityPageView {
  experienceId: string;
  /** `admin` (the community's team: may create), `member`, or `none` (outside: see {@link join}). */
  access: CommunityAccess;
  /** Every funded competition of the community, and the caller's own drafts in it; none for an outsider. */
  competitions: Competition[];
  /** For an outsider: where to join the community on Whop. */
  join?: CommunityJoin;
}

/** The experience view of `experienceId` for `userId`; 404 for a malformed or unknown id. */
export async function communityPageView(
  deps: AccessDeps & { whopOrigin: string },
  experienceId: string,
  userId: string,
): Promise<CommunityPageView> {
  const unknown = () => new NotFoundError("There is no community with that experience id.");
  if (!EXPERIENCE_ID.test(experienceId)) throw unknown();
  const access = await communityAccess(deps, experienceId, userId, { recheckOutsider: true });
  if (access === "none") {
    const join = await communityJoin(deps, experienceId);
    if (!join) throw unknown();
    return { experienceId, access, competitions: [], join };
  }
  const [listed, own] = await Promise.all([
    listPublicCompetitions(deps.kv),
    listCompetitionsByCreator(deps.kv, userId),
  ]);
  const drafts = own.filter((competition) => competition.status === "DRAFT");
  const competitions = [...drafts, ...listed].filter((competition) => competition.experienceId === experienceId);
  return { experienceId, access, competitions };
}
