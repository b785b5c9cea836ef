/**
 * `GET /competitions/:id/card.png`: the share card of a competition, the
 * image its page names in its Open Graph and Twitter tags: the current top
 * three as a stranger sees them (privacy mode holds), one PNG per
 * leaderboard version, with a strong `ETag`.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { type Competition, getCompetition } from "../lib/competitions/competitions.ts";
import { leaderboardView } from "../lib/competitions/views.ts";
import { assertPubliclyVisible } from "../lib/competitions/privacy.ts";
import { formatMoney } from "../lib/core/money.ts";
import { type ShareCardData, shareCardImage, shareCardSvg } from "../lib/web/share_card.ts";
import { formatDecimalMoney } from "../components/format.ts";
import { formatUtc } from "../lib/web/time_text.ts";

/** The line under the title: the prize and where the race is. */
export function cardSubtitle(competition: Competition): string {
  const prize = `${formatMoney(competition.prize, competition.currency)} prize`;
  switch (competition.status) {
    case "ACTIVE":
      return `${prize} · live now`;
    case "UPCOMING":
      return `${prize} · starts ${formatUtc(competition.startDate)}`;
    case "COMPLETED":
      return `${prize} · final results`;
    default:
      return `${prize} · ${competition.status.toLowerCase()}`;
  }
}

/** What the card of `competition` shows, from its strangers' board. */
export async function shareCardData(deps: Pick<AppDeps, "kv">, competition: Competition): Promise<ShareCardData> {
  const board = await leaderboardView(deps.kv, competition, 3);
  return {
    title: competition.title,
    subtitle: cardSubtitle(competition),
    places: board.entries.map((entry) => ({
      rank: entry.rank,
      name: entry.displayName,
      figure: entry.revenue === undefined ? undefined : formatDecimalMoney(entry.revenue, entry.currency),
      share: entry.share,
    })),
  };
}

/** The card route; mount with `app.route("/", shareCardRoutes(deps))`. */
export function shareCardRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/competitions/:id/card.png", async (c) => {
    const competition = await getCompetition(deps.kv, c.req.param("id"));
    assertPubliclyVisible(competition);
    const { png, etag } = await shareCardImage(shareCardSvg(await shareCardData(deps, competition)));
    const headers = { "Content-Type": "image/png", "Cache-Control": "public, max-age=60", "ETag": etag };
    if (c.req.header("If-None-Match")?.split(/\s*,\s*/).includes(etag)) return c.body(null, 304, headers);
    return c.body(png, 200, headers);
  });
}
