/**
 * The live event streams of a competition: `GET /api/competitions/:id/events`,
 * the same for every viewer (also served, leaner, on `LIVE_PORT` by
 * `lib/live/stream_server.ts`), and `GET /api/competitions/:id/my-events`, a
 * store owner's own: the same events plus their store's own panels.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { getVisibleCompetition } from "../lib/competitions/competitions.ts";
import { findParticipantOfUser } from "../lib/competitions/participants.ts";
import { NotFoundError } from "../lib/core/errors.ts";
import { createLiveHub } from "../lib/live/hub.ts";
import { requireUserId } from "../lib/web/middleware/caller.ts";
import { liveViewerOf } from "../lib/competitions/views.ts";

/** Headers of every event stream: no caching, no proxy buffering. */
const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
} as const;

/**
 * Routes: `GET /api/competitions/:id/events`, the event stream, and
 * `GET /api/competitions/:id/my-events`, the signed-in store owner's (401
 * signed out, 404 without a store in it). Every connection (with or without
 * `Last-Event-ID`) starts with a fresh snapshot, so a reconnect never misses
 * state; an unknown competition, or a private one read by anyone but its
 * creator, answers 404 JSON.
 */
export function eventsApiRoutes(deps: AppDeps): Hono<AppEnv> {
  const hub = deps.live ?? createLiveHub(deps.kv);
  return new Hono<AppEnv>()
    .get("/api/competitions/:id/events", async (c) => {
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
      const viewerId = await liveViewerOf(deps.kv, competition, c.var.userId);
      return c.body(hub.open(competition.id, viewerId), 200, EVENT_STREAM_HEADERS);
    })
    .get("/api/competitions/:id/my-events", async (c) => {
      const userId = requireUserId(c);
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), userId);
      const participant = await findParticipantOfUser(deps.kv, userId, competition.id);
      if (!participant) throw new NotFoundError("You have no store in this competition.");
      const viewerId = await liveViewerOf(deps.kv, competition, userId);
      return c.body(hub.open(competition.id, viewerId, participant.id), 200, EVENT_STREAM_HEADERS);
    });
}
