/**
 * The competitions JSON API: create, list, read, edit and cancel, the
 * leaderboard, and the creator's disqualification of a store (and its undo).
 */
import { Hono } from "hono";
import { type AppDeps, type AppEnv, readJson } from "./_env.ts";
import {
  type Competition,
  type CompetitionStatus,
  createCompetition,
  editCompetition,
  getVisibleCompetition,
  isPrivateToCreator,
  listCompetitionsByCreator,
  listPublicCompetitions,
  STATUSES,
} from "../lib/competitions/competitions.ts";
import { requireUserId } from "../lib/web/middleware/caller.ts";
import { ValidationError } from "../lib/core/errors.ts";
import { competitionView, leaderboardView } from "../lib/competitions/views.ts";
import { cancelAndRefund } from "../lib/whop/refunds.ts";
import { assertCommunityAdmin } from "../lib/whop/access.ts";
import { isListedPublicly } from "../lib/competitions/privacy.ts";
import { EXPERIENCE_ID } from "../lib/competitions/input.ts";
import { setDisqualification } from "../lib/competitions/disqualification.ts";
import { RATE_LIMITS, RateLimiter } from "../lib/web/rate_limit.ts";

/** Routes under `/api/competitions`. */
export function competitionsApi(deps: AppDeps): Hono<AppEnv> {
  const rules = () => ({ now: deps.now(), minDurationS: deps.config.competitionMinDurationS });
  const limiter = new RateLimiter(deps.kv, deps.now);
  return new Hono<AppEnv>()
    .post("/", async (c) => {
      const userId = requireUserId(c);
      await limiter.consume(RATE_LIMITS.competitionCreation, userId);
      const body = await readJson(c);
      const experienceId = (body as { experienceId?: unknown } | null)?.experienceId;
      if (typeof experienceId === "string" && EXPERIENCE_ID.test(experienceId)) {
        await assertCommunityAdmin(deps, experienceId, userId);
      }
      const competition = await createCompetition(deps.kv, userId, body, rules());
      return c.json({ competition: competitionView(competition, c.var.userId) }, 201);
    })
    .get("/", async (c) => {
      const status = c.req.query("status")?.toUpperCase();
      const creator = c.req.query("creator");
      if (status !== undefined && !STATUSES.includes(status as CompetitionStatus)) {
        throw new ValidationError([{ path: "status", message: `status must be one of ${STATUSES.join(", ")}.` }]);
      }
      let competitions: Competition[];
      if (creator !== undefined && !/^[\w-]{1,64}$/.test(creator)) {
        throw new ValidationError([{ path: "creator", message: "creator must be a Whop user id or me." }]);
      }
      if (creator !== undefined) {
        const userId = requireUserId(c);
        competitions = (await listCompetitionsByCreator(deps.kv, creator === "me" ? userId : creator))
          .filter((competition) =>
            competition.creatorId === userId || (!isPrivateToCreator(competition) && isListedPublicly(competition))
          );
        if (status) competitions = competitions.filter((competition) => competition.status === status);
      } else if (status === "DRAFT") {
        competitions = (await listCompetitionsByCreator(deps.kv, requireUserId(c)))
          .filter((competition) => competition.status === "DRAFT");
      } else {
        competitions = (await listPublicCompetitions(deps.kv, 200, status as CompetitionStatus | undefined))
          .filter(isListedPublicly);
      }
      return c.json({ competitions: competitions.map((competition) => competitionView(competition, c.var.userId)) });
    })
    .get("/:id", async (c) => {
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
      return c.json({ competition: competitionView(competition, c.var.userId) });
    })
    .patch("/:id", async (c) => {
      const userId = requireUserId(c);
      await getVisibleCompetition(deps.kv, c.req.param("id"), userId); // another's draft: 404, as for every read
      const patch = await readJson(c);
      if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
        throw new ValidationError([], "The request body must be a JSON object.");
      }
      const competition = await editCompetition(
        deps.kv,
        c.req.param("id"),
        userId,
        patch as Record<string, unknown>,
        rules(),
      );
      return c.json({ competition: competitionView(competition, c.var.userId) });
    })
    .post("/:id/cancel", async (c) => {
      const userId = requireUserId(c);
      await getVisibleCompetition(deps.kv, c.req.param("id"), userId); // another's draft: 404, as for every read
      const { competition, refund } = await cancelAndRefund(deps, c.req.param("id"), userId);
      return c.json({
        competition: competitionView(competition, c.var.userId),
        refund: refund ? { state: refund.state } : null,
      });
    })
    .post("/:id/participants/:participantId/:action{disqualify|reinstate}", async (c) => {
      const userId = requireUserId(c);
      const body = await readJson(c);
      const reason = typeof body === "object" && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>).reason
        : undefined;
      const participant = await setDisqualification(deps.kv, {
        competitionId: c.req.param("id"),
        participantId: c.req.param("participantId"),
        userId,
        action: c.req.param("action") === "disqualify" ? "disqualified" : "reinstated",
        reason,
        now: deps.now(),
        sendNotification: deps.lifecycle?.sendNotification,
      });
      return c.json({ participant: { id: participant.id, disqualified: participant.disqualified ?? null } });
    })
    .get("/:id/leaderboard", async (c) => {
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
      const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 100) || 100, 1), 1000);
      return c.json(await leaderboardView(deps.kv, competition, limit, c.var.userId));
    });
}
