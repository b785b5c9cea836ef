/**
 * The creator's review of held and flagged orders:
 * `GET /api/competitions/:id/flags` (the creator and the operators; 404 to
 * anyone else, signed in or not: a competition's flags are not there for
 * them; `?status=` keeps one status, `?limit=` answers pages, `after=<next>`
 * the next) and `POST /api/competitions/:id/flags/:flagId`
 * (`{decision: "count"|"exclude", note?}`, the creator only, once, until the
 * results are final). The body's fields are read at the edge; the rules live
 * in `lib/competitions/flags.ts`.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { decideFlag } from "../lib/competitions/flags.ts";
import { flagsFor } from "../lib/competitions/flag_list.ts";
import * as z from "zod/mini";
import { fieldsOf, QUERY_TEXT, validJson, validQuery } from "../lib/web/validate.ts";

/** `?status=open|cleared|decided&limit=1..500&after=<next>`: checked by the list (`flag_list.ts`). */
const FLAGS_QUERY = z.object({ status: QUERY_TEXT, limit: QUERY_TEXT, after: QUERY_TEXT });

/** Routes: `/api/competitions/:id/flags` and `/api/competitions/:id/flags/:flagId`. */
export function flagsApiRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get("/api/competitions/:id/flags", validQuery(FLAGS_QUERY), async (c) => {
      const query = c.req.valid("query");
      return c.json(await flagsFor(deps.kv, c.req.param("id"), c.var.userId, c.var.isOperator === true, query));
    })
    .post("/api/competitions/:id/flags/:flagId", validJson(fieldsOf("decision", "note")), async (c) => {
      const { flag } = await decideFlag(deps.kv, {
        competitionId: c.req.param("id"),
        flagId: c.req.param("flagId"),
        userId: c.var.userId,
        isOperator: c.var.isOperator === true,
        body: c.req.valid("json"),
        now: deps.now(),
        sendNotification: deps.lifecycle?.sendNotification,
      });
      return c.json({ flag });
    });
}
