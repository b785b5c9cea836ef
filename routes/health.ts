/** `GET /healthz`: 200 when KV answers. */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { pingKv } from "../lib/core/db.ts";

/** Health check routes. */
export function healthRoutes(deps: Pick<AppDeps, "kv">): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/healthz", async (c) => {
    try {
      await pingKv(deps.kv);
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false, error: "The database does not answer.", requestId: c.var.requestId }, 503);
    }
  });
}
