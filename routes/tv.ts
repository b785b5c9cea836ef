/**
 * `GET /competitions/:id/tv`: TV mode, the live board for a screen on a
 * wall (`islands/tv.tsx`): large type, no site chrome, full screen on
 * a click. It shows the board as a stranger sees it whoever is signed in
 * (privacy mode holds on a shared screen), follows the live stream and, with
 * divisions, shows `?division=<n>`'s board (else the first). Who may open it
 * is who may see the competition's page (the visibility gate, members only
 * for a community's).
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import { h } from "preact";
import type { AppDeps, AppEnv } from "./_env.ts";
import { getVisibleCompetition, isLive } from "../lib/competitions/competitions.ts";
import { leaderboardView } from "../lib/competitions/views.ts";
import { shownDivision } from "../lib/competitions/divisions.ts";
import { renderFramedPage } from "../lib/web/render.tsx";
import { TvBoardIsland } from "../components/island_wrappers.ts";
import { QUERY_TEXT, validQuery } from "../lib/web/validate.ts";

/** The places a TV shows: what reads from across a room. */
export const TV_PLACES = 10;

/** With divisions, `?division=<number>` (else the first). */
const TV_QUERY = z.object({ division: QUERY_TEXT });

/** Routes: `GET /competitions/:id/tv` (`?division=<n>`). */
export function tvRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/competitions/:id/tv", validQuery(TV_QUERY), async (c) => {
    const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), c.var.userId);
    const shown = shownDivision(competition, c.req.valid("query").division, undefined);
    c.header("Cache-Control", "no-cache");
    return renderFramedPage(c, {
      title: `${competition.title} (TV)`,
      stylesheet: "/static/tv.css",
      body: h(TvBoardIsland, {
        board: await leaderboardView(deps.kv, competition, TV_PLACES, undefined, shown),
        live: isLive(competition),
      }),
    });
  });
}
