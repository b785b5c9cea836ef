/**
 * Keeps a Whop community's competitions inside the community: on every route
 * of a competition (`:id`), a competition with an `experienceId` answers the
 * same 404 as an unknown id to anyone but its creator and the experience's
 * members (`lib/whop/access.ts`). Ids that name no competition pass through
 * (`/competitions/new`, or the route's own 404).
 */
import type { MiddlewareHandler } from "hono";
import { keys } from "../../core/db.ts";
import type { Competition } from "../../competitions/competitions.ts";
import { type AccessDeps, assertMaySee } from "../../whop/access.ts";
import type { CallerVariables } from "./caller.ts";

/**
 * Middleware after `caller`: 404 for a community competition the caller may not see.
 * @example app.use("/api/competitions/:id/*", communityGate(deps));
 */
export function communityGate(deps: AccessDeps): MiddlewareHandler<{ Variables: CallerVariables }> {
  return async (c, next) => {
    const entry = await deps.kv.get<Competition>(keys.competition(c.req.param("id") ?? ""));
    if (entry.value) await assertMaySee(deps, entry.value, c.var.userId);
    await next();
  };
}
