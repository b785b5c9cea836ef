/**
 * The creator's review of held and flagged orders:
 * `GET /api/competitions/:id/flags` (the creator and the operators; 404 to
 * anyone else, signed in or not: a competition's flags are not there for
 * them) and `POST /api/competitions/:id/flags/:flagId`
 * (`{decision: "count"|"exclude", note?}`, the creator only, once, until the
 * results are final). The body's fields are read at the edge; the rules live
 * in `lib/competitions/flags.ts`.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { decideFlag, flagsFor } from "../lib/competitions/flags.ts";
import { fieldsOf, validJson } from "../lib/web/validate.ts";

/** Routes: `/api/competitions/:id/flags` and `/api/competitions/:id/flags/:flagId`. */
export function flagsApiRoutes(deps: AppDeps): Hono<AppEnv> {
  const isOperator = (userId: string | undefined) => userId !== undefined && deps.config.adminUserIds.includes(userId);
  return new Hono<AppEnv>()
    .get("/api/competitions/:id/flags", async (c) => {
      const userId = c.var.userId;
      return c.json(await flagsFor(deps.kv, c.req.param("id"), userId, isOperator(userId)));
    })
    .post("/api/competitions/:id/flags/:flagId", validJson(fieldsOf("decision", "note")), async (c) => {
      const userId = c.var.userId;
      const { flag } = await decideFlag(deps.kv, {
        competitionId: c.req.param("id"),
        flagId: c.req.param("flagId"),
        userId,
        isOperator: isOperator(userId),
        body: c.req.valid("json"),
        now: deps.now(),
        sendNotification: deps.lifecycle?.sendNotification,
      });
      return c.json({ flag });
    });
}
