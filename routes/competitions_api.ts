/**
 * The competitions JSON API: create, list, read, edit and cancel, and the
 * leaderboard.
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
import { RATE_LIMITS, RateLimiter } from "../lib/web/rate_limit.ts";

/** Routes under `/api/competitions`. */
export function competitionsApi(deps: AppDeps): Hono<AppEnv> {
  const rules = () => ({ now: deps.now(), minDurationS: deps.config.competitionMinDurationS });
  const limiter = new RateLimiter(deps.kv, deps.now);
  return new Hono<AppEnv>()
    .post("/", async (c) => {
      const userId = requireUserId(c);
      await limiter.consume(RATE_LIMITS.competitionCreation, userId);
      const competition = await createCompetition(deps.kv, userId, await readJson(c), rules());
      return c.json({ competition: competitionView(competition) }, 201);
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
          .filter((competition) => competition.creatorId === userId || !isPrivateToCreator(competition));
        if (status) competitions = competitions.filter((competition) => competition.status === status);
      } else if (status === "DRAFT") {
        competitions = (await listCompetitionsByCreator(deps.kv, requireUserId(c)))
          .filter((competition) => competition.status === "DRAFT");
      } else {
        competitions = await listPublicCompetitions(deps.kv, 200, status as CompetitionStatus | undefined);
      }
      return c.json({ competitions: competitions.map(competitionView) });
    })
    .get("/:id", async (c) => {
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
      return c.json({ competition: competitionView(competition) });
    })
    .patch("/:id", async (c) => {
      const userId = requireUserId(c);
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
      return c.json({ competition: competitionView(competition) });
    })
    .post("/:id/cancel", async (c) => {
      const userId = requireUserId(c);
      const { competition, refund } = await cancelAndRefund(deps, c.req.param("id"), userId);
      return c.json({ competition: competitionView(competition), refund: refund ? { state: refund.state } : null });
    })
    .get("/:id/leaderboard", async (c) => {
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
      const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 100) || 100, 1), 1000);
      return c.json(await leaderboardView(deps.kv, competition, limit));
    });
}
