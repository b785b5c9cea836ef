/**
 * The caller's own API: `GET /api/user` (profile, Whop balance where known,
 * competitions created and entered) and the in-app notifications.
 */
import { Hono } from "hono";
import { type AppDeps, type AppEnv, readForm } from "./_env.ts";
import { requireUserId } from "../lib/web/middleware/caller.ts";
import { isFormPost } from "../lib/web/forms.ts";
import { listNotifications, markNotificationsRead } from "../lib/competitions/notifications.ts";
import { userView } from "../lib/competitions/views.ts";
import { getWhopBalances } from "../lib/whop/balance.ts";
import { safeReturnPath } from "../lib/web/return_path.ts";

/** The caller's routes; mount at `/`. */
export function userApi(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get("/api/user", async (c) => {
      const userId = requireUserId(c);
      const balances = await getWhopBalances(deps.whop, userId);
      return c.json(await userView(deps.kv, userId, balances));
    })
    .get("/api/notifications", async (c) => {
      const userId = requireUserId(c);
      const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 20) || 20, 1), 100);
      return c.json(await listNotifications(deps.kv, userId, limit));
    })
    .post("/api/notifications/read", async (c) => {
      const userId = requireUserId(c);
      await markNotificationsRead(deps.kv, userId, deps.now());
      if (isFormPost(c.req.header("content-type"))) {
        const form = await readForm(c);
        return c.redirect(safeReturnPath(form.returnTo, "/dashboard"), 303);
      }
      return c.json({ ok: true, unread: 0 });
    });
}
