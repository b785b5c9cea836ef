/**
 * `GET /embed/competitions/:id`: the embeddable live board, a small page for
 * an iframe on any site (a creator's landing page). It shows the top places
 * as a stranger sees them (privacy mode holds), follows the live stream, takes
 * the reader's colour scheme or `?theme=light|dark`, needs no cookies, and is
 * the only page any site may frame (`frame-ancestors *`).
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import { h } from "preact";
import type { AppDeps, AppEnv } from "./_env.ts";
import { getCompetition, isLive } from "../lib/competitions/competitions.ts";
import { leaderboardView } from "../lib/competitions/views.ts";
import { assertPubliclyVisible } from "../lib/competitions/privacy.ts";
import { shownDivision } from "../lib/competitions/divisions.ts";
import { renderFramedPage } from "../lib/web/render.tsx";
import { EmbedBoardIsland } from "../components/island_wrappers.ts";
import { QUERY_TEXT, validQuery } from "../lib/web/validate.ts";

/** Places shown unless `?places=` asks for 1–10. */
export const DEFAULT_EMBED_PLACES = 5;

/** The places to show for `?places=`: a whole number from 1 to 10, else the default. */
export function embedPlaces(value: string | undefined): number {
  const places = Number(value);
  return Number.isInteger(places) && places >= 1 && places <= 10 ? places : DEFAULT_EMBED_PLACES;
}

/**
 * `?theme=light|dark` (else the reader's scheme), `?places=` (see
 * {@link embedPlaces}) and, with divisions, `?division=<number>` (else the first).
 */
const EMBED_QUERY = z.object({
  theme: z.catch(z.optional(z.enum(["light", "dark"])), undefined),
  places: z.pipe(QUERY_TEXT, z.transform(embedPlaces)),
  division: QUERY_TEXT,
});

/** The embed route; mount with `app.route("/", embedRoutes(deps))`. */
export function embedRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/embed/competitions/:id", validQuery(EMBED_QUERY), async (c) => {
    const competition = await getCompetition(deps.kv, c.req.param("id"));
    assertPubliclyVisible(competition);
    const { theme, places, division } = c.req.valid("query");
    const shown = shownDivision(competition, division, undefined);
    c.set("cspFrameAncestors", ["*"]);
    c.header("Cache-Control", "no-cache");
    return renderFramedPage(c, {
      title: competition.title,
      stylesheet: "/static/embed.css",
      theme,
      body: h(EmbedBoardIsland, {
        board: await leaderboardView(deps.kv, competition, places, undefined, shown),
        places,
        pageUrl: new URL(
          `/competitions/${competition.id}${shown === undefined ? "" : `?division=${shown}`}`,
          deps.config.appUrl,
        ).href,
        live: isLive(competition),
      }),
    });
  });
}
