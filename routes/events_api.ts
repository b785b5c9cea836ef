/**
 * The live event stream of a competition: `GET /api/competitions/:id/events`.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { getVisibleCompetition } from "../lib/competitions/competitions.ts";
import { LiveHub } from "../lib/live/hub.ts";
import { leaderboardView } from "../lib/competitions/views.ts";

/** Headers of every event stream: no caching, no proxy buffering. */
const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
} as const;

/** A live hub with the production timings, rendering the same leaderboard JSON as the API. */
export function createLiveHub(deps: Pick<AppDeps, "kv">): LiveHub {
  return new LiveHub({ kv: deps.kv, render: (competition) => leaderboardView(deps.kv, competition) });
}

/**
 * Routes under `/api/competitions`: the event stream. Every connection (with
 * or without `Last-Event-ID`) starts with a fresh snapshot, so a reconnect
 * never misses state; an unknown competition, or a private one read by
 * anyone but its creator, answers 404 JSON.
 */
export function eventsApi(deps: AppDeps): Hono<AppEnv> {
  const hub = deps.live ?? createLiveHub(deps);
  return new Hono<AppEnv>()
    .get("/:id/events", async (c) => {
      const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
      return c.body(hub.open(competition.id), 200, EVENT_STREAM_HEADERS);
    });
}
