/**
 * The public read API, `GET /api/public/competitions/:id`: a competition and
 * its board (with divisions, division `?division=<number>`'s, default the
 * first) for any site or script, without signing in. Every caller gets the
 * same body (a stranger's view, so privacy mode holds), which makes it
 * cacheable: CORS `*`, a strong `ETag` over the body with `304` on
 * `If-None-Match`, and a short `Cache-Control`.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import { cors } from "hono/cors";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import type { AppDeps, AppEnv } from "./_env.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { leaderboardView } from "../lib/competitions/views.ts";
import { assertPubliclyVisible } from "../lib/competitions/privacy.ts";
import { requestedDivision } from "../lib/competitions/divisions.ts";
import { QUERY_TEXT, validQuery } from "../lib/web/validate.ts";

/** `Cache-Control` of a public read: shared caches may keep it a few seconds (the board is live). */
export const PUBLIC_CACHE_CONTROL = "public, max-age=5";

/** CORS headers a cross-origin reader needs on every answer, 304 included. */
const CORS_HEADERS = ["access-control-allow-origin", "access-control-expose-headers"];

/** Routes: `GET /api/public/competitions/:id` (`?division=<number>` with divisions). */
export function publicApiRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .use(
      "/api/public/competitions/*",
      cors({ origin: "*", allowMethods: ["GET"], allowHeaders: ["If-None-Match"], exposeHeaders: ["ETag"] }),
      etag({ retainedHeaders: [...RETAINED_304_HEADERS, ...CORS_HEADERS] }),
    )
    .get("/api/public/competitions/:id", validQuery(z.object({ division: QUERY_TEXT })), async (c) => {
      const competition = await getCompetition(deps.kv, c.req.param("id"));
      assertPubliclyVisible(competition);
      const division = requestedDivision(competition, c.req.valid("query").division);
      c.header("Cache-Control", PUBLIC_CACHE_CONTROL);
      return c.json(await leaderboardView(deps.kv, competition, 100, undefined, division));
    });
}
