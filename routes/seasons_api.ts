/**
 * The seasons JSON API: create, read (the season, its rounds, its
 * standings) and cancel. What a call does is a use-case of
 * `lib/seasons/actions.ts`; funding is in `whop_api.ts` and joining in
 * `shopify.ts`, beside the competitions' own.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { requireUserId, signedIn } from "../lib/web/middleware/caller.ts";
import { JSON_OBJECT, validJson } from "../lib/web/validate.ts";
import { isFormPost } from "../lib/web/forms.ts";
import { seasonActions } from "../lib/seasons/actions.ts";
import { getVisibleSeason } from "../lib/seasons/seasons.ts";
import { seasonDetailView, seasonView } from "../lib/seasons/views.ts";

/** Routes: `/api/seasons` and its `:id` routes. */
export function seasonsApiRoutes(deps: AppDeps): Hono<AppEnv> {
  const actions = seasonActions({ ...deps, sendNotification: deps.lifecycle?.sendNotification });
  return new Hono<AppEnv>()
    .post("/api/seasons", signedIn, validJson(JSON_OBJECT), async (c) => {
      const season = await actions.create(requireUserId(c), c.req.valid("json"));
      return c.json({ season: seasonView(season) }, 201);
    })
    .get("/api/seasons/:id", async (c) => {
      const season = await getVisibleSeason(deps.kv, c.req.param("id"), c.var.userId);
      return c.json(await seasonDetailView(deps.kv, season));
    })
    .post("/api/seasons/:id/cancel", signedIn, async (c) => {
      const { season, refund } = await actions.cancel(c.req.param("id"), requireUserId(c));
      if (isFormPost(c.req.header("content-type"))) return c.redirect(`/seasons/${season.id}`, 303);
      return c.json({ season: seasonView(season), refund: refund ? { state: refund.state } : null });
    });
}
