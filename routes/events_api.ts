/**
 * The live event streams of a competition: `GET /api/competitions/:id/events`,
 * the same for every viewer (also served, leaner, on `LIVE_PORT` by
 * `lib/live/stream_server.ts`), and `GET /api/competitions/:id/my-events`, a
 * store owner's own: the same events plus their store's own panels.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "./_env.ts";
import { getVisibleCompetition } from "../lib/competitions/competitions.ts";
import { findParticipantOfUser } from "../lib/competitions/participants.ts";
import { NotFoundError } from "../lib/core/errors.ts";
import { createLiveHub } from "../lib/live/hub.ts";
import { requireUserId } from "../lib/web/middleware/caller.ts";
import { requestedDivision, shownDivision } from "../lib/competitions/divisions.ts";
import { QUERY_TEXT, validQuery } from "../lib/web/validate.ts";
import { liveViewerOf } from "../lib/competitions/views.ts";

/** Headers of every event stream: no caching, no proxy buffering. */
const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
} as const;

/**
 * Routes: `GET /api/competitions/:id/events`, the event stream (with
 * divisions, of division `?division=<number>`'s board, default the first;
 * a division the competition does not have is a 400), and
 * `GET /api/competitions/:id/my-events`, the signed-in store owner's (401
 * signed out, 404 without a store in it; with divisions, its board is the
 * store's own division's unless `?division=` names another). Every
 * connection (with or without `Last-Event-ID`) starts with a fresh snapshot,
 * so a reconnect never misses state; an unknown competition, or a private
 * one read by anyone but its creator, answers 404 JSON.
 */
export function eventsApiRoutes(deps: AppDeps): Hono<AppEnv> {
  const hub = deps.live ?? createLiveHub(deps.kv);
  return new Hono<AppEnv>()
    .get("/api/competitions/:id/events", validQuery(z.object({ division: QUERY_TEXT })), async (c) => {
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
      const division = requestedDivision(competition, c.req.valid("query").division);
      const viewerId = await liveViewerOf(deps.kv, competition, c.var.userId);
      return c.body(hub.open(competition.id, viewerId, division), 200, EVENT_STREAM_HEADERS);
    })
    .get("/api/competitions/:id/my-events", validQuery(z.object({ division: QUERY_TEXT })), async (c) => {
      const userId = requireUserId(c);
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), userId);
      const participant = await findParticipantOfUser(deps.kv, userId, competition.id);
      if (!participant) throw new NotFoundError("You have no store in this competition.");
      const requested = c.req.valid("query").division;
      const division = requested
        ? requestedDivision(competition, requested)
        : shownDivision(competition, undefined, participant.division);
      const viewerId = await liveViewerOf(deps.kv, competition, userId);
      return c.body(hub.open(competition.id, viewerId, division, participant.id), 200, EVENT_STREAM_HEADERS);
    });
}
