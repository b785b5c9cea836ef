/**
 * The competitions JSON API: create, list, read, edit and cancel, the
 * leaderboard, and the creator's disqualification of a store (and its undo).
 * Bodies and queries are checked at the edge (`lib/web/validate.ts`); what a
 * call does is a use-case of `lib/competitions/actions.ts`.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "./_env.ts";
import { type CompetitionStatus, getVisibleCompetition, STATUSES } from "../lib/competitions/competitions.ts";
import { requireUserId, signedIn } from "../lib/web/middleware/caller.ts";
import { competitionListView, competitionView, leaderboardView } from "../lib/competitions/views.ts";
import { competitionActions } from "../lib/competitions/actions.ts";
import { boundedCount, fieldsOf, JSON_OBJECT, QUERY_TEXT, validJson, validQuery } from "../lib/web/validate.ts";
import { requestedDivision } from "../lib/competitions/divisions.ts";

/** `GET /api/competitions`: `?status=` (any case) and `?creator=` (a Whop user id or `me`). */
const LIST_QUERY = z.object({
  status: z.optional(
    z.pipe(
      z.string().check(z.toUpperCase()),
      z.enum(STATUSES as [CompetitionStatus, ...CompetitionStatus[]], {
        error: `status must be one of ${STATUSES.join(", ")}.`,
      }),
    ),
  ),
  creator: z.optional(z.string().check(z.regex(/^[\w-]{1,64}$/, "creator must be a Whop user id or me."))),
});

/** Routes: `/api/competitions` and its `:id` routes (but the stream, `events_api.ts`). */
export function competitionsApiRoutes(deps: AppDeps): Hono<AppEnv> {
  const actions = competitionActions({ ...deps, sendNotification: deps.lifecycle?.sendNotification });
  return new Hono<AppEnv>()
    .post("/api/competitions", signedIn, validJson(JSON_OBJECT), async (c) => {
      const competition = await actions.create(requireUserId(c), c.req.valid("json"));
      return c.json({ competition: competitionView(competition, c.var.userId) }, 201);
    })
    .get("/api/competitions", validQuery(LIST_QUERY), async (c) => {
      return c.json(await competitionListView(deps.kv, c.req.valid("query"), c.var.userId));
    })
    .get("/api/competitions/:id", async (c) => {
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
      return c.json({ competition: competitionView(competition, c.var.userId) });
    })
    .patch("/api/competitions/:id", signedIn, validJson(JSON_OBJECT), async (c) => {
      const competition = await actions.edit(c.req.param("id"), requireUserId(c), c.req.valid("json"));
      return c.json({ competition: competitionView(competition, c.var.userId) });
    })
    .post("/api/competitions/:id/cancel", signedIn, async (c) => {
      const { competition, refund } = await actions.cancel(c.req.param("id"), requireUserId(c));
      return c.json({
        competition: competitionView(competition, c.var.userId),
        refund: refund ? { state: refund.state } : null,
      });
    })
    .post(
      "/api/competitions/:id/participants/:participantId/:action{disqualify|reinstate}",
      signedIn,
      validJson(fieldsOf("reason")),
      async (c) => {
        const store = { competitionId: c.req.param("id"), participantId: c.req.param("participantId") };
        const act = c.req.param("action") === "disqualify" ? actions.disqualify : actions.reinstate;
        const participant = await act(store, requireUserId(c), c.req.valid("json").reason);
        return c.json({ participant: { id: participant.id, disqualified: participant.disqualified ?? null } });
      },
    )
    .get(
      "/api/competitions/:id/leaderboard",
      validQuery(z.object({ limit: boundedCount(100, 1, 1000), division: QUERY_TEXT })),
      async (c) => {
        const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
        const { limit, division } = c.req.valid("query");
        const board = requestedDivision(competition, division);
        return c.json(await leaderboardView(deps.kv, competition, limit, c.var.userId, board));
      },
    );
}
