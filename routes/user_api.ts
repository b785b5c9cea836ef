/**
 * The caller's own API: `GET /api/user` (profile, Whop balance where known:
 * read with the caller's own Whop sign-in, `null` otherwise; competitions
 * created and entered) and the in-app notifications.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "./_env.ts";
import { requireUserId, signedIn } from "../lib/web/middleware/caller.ts";
import { isFormPost } from "../lib/web/forms.ts";
import { markNotificationsRead, notificationsView } from "../lib/competitions/notifications.ts";
import { userView } from "../lib/competitions/views.ts";
import { getWhopBalances } from "../lib/whop/balance.ts";
import { safeReturnPath } from "../lib/web/return_path.ts";
import { boundedCount, fieldsOf, validForm, validQuery } from "../lib/web/validate.ts";

/** The caller's routes, full paths. */
export function userApiRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get("/api/user", async (c) => {
      const userId = requireUserId(c);
      const balances = await getWhopBalances(deps, userId, c.var.whopAccess);
      return c.json(await userView(deps.kv, userId, balances));
    })
    .get("/api/notifications", validQuery(z.object({ limit: boundedCount(20, 1, 100) })), async (c) => {
      const userId = requireUserId(c);
      return c.json(await notificationsView(deps.kv, userId, c.req.valid("query").limit));
    })
    .post("/api/notifications/read", signedIn, validForm(fieldsOf("returnTo")), async (c) => {
      const userId = requireUserId(c);
      await markNotificationsRead(deps.kv, userId, deps.now());
      if (isFormPost(c.req.header("content-type"))) {
        return c.redirect(safeReturnPath(c.req.valid("form").returnTo, "/dashboard"), 303);
      }
      return c.json({ ok: true, unread: 0 });
    });
}
