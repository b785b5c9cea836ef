/** `GET /healthz`: 200 when KV answers. */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../lib/app.ts";
import { keys } from "../lib/db.ts";

/** Health check routes. */
export function healthRoutes(deps: Pick<AppDeps, "kv">): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/healthz", async (c) => {
    try {
      await deps.kv.get(keys.setting("health"));
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false, error: "The database does not answer." }, 503);
    }
  });
}
