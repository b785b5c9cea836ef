/**
 * `POST /notifications/read`: marks the signed-in user's notifications as
 * read and 303s back to the page the form was on.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../../lib/app.ts";
import { requireUserId } from "../../lib/middleware/caller.ts";
import { markNotificationsRead } from "../../lib/notifications.ts";
import { safeReturnPath } from "./return_path.ts";

/** Routes: `POST /notifications/read`. */
export function notificationsActions(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().post("/notifications/read", async (c) => {
    const userId = requireUserId(c);
    const body = await c.req.parseBody();
    await markNotificationsRead(deps.kv, userId, deps.now());
    return c.redirect(safeReturnPath(body.returnTo), 303);
  });
}
