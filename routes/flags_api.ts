/**
 * The creator's review of held and flagged orders:
 * `GET /api/competitions/:id/flags` (the creator and the operators; 404 to
 * anyone else, signed in or not: a competition's flags are not there for
 * them) and `POST /api/competitions/:id/flags/:flagId`
 * (`{decision: "count"|"exclude", note?}`, the creator only, once, until the
 * results are final). The rules live in `lib/competitions/flags.ts`.
 */
import { Hono } from "hono";
import { type AppDeps, type AppEnv, readJson } from "./_env.ts";
import { decideFlag, flagsFor } from "../lib/competitions/flags.ts";

/** Routes under `/api/competitions`. */
export function flagsApi(deps: AppDeps): Hono<AppEnv> {
  const isOperator = (userId: string | undefined) => userId !== undefined && deps.config.adminUserIds.includes(userId);
  return new Hono<AppEnv>()
    .get("/:id/flags", async (c) => {
      const userId = c.var.userId;
      return c.json(await flagsFor(deps.kv, c.req.param("id"), userId, isOperator(userId)));
    })
    .post("/:id/flags/:flagId", async (c) => {
      const userId = c.var.userId;
      const { flag } = await decideFlag(deps.kv, {
        competitionId: c.req.param("id"),
        flagId: c.req.param("flagId"),
        userId,
        isOperator: isOperator(userId),
        body: await readJson(c),
        now: deps.now(),
        sendNotification: deps.lifecycle?.sendNotification,
      });
      return c.json({ flag });
    });
}
