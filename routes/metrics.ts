/**
 * `GET /metrics`: the Prometheus exposition (`lib/core/metrics.ts`), behind
 * a bearer token when `METRICS_TOKEN` is set.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { METRICS_CONTENT_TYPE, renderMetrics } from "../lib/core/metrics.ts";
import { countPayoutsByState } from "../lib/whop/payouts.ts";
import type { LiveHub } from "../lib/live/hub.ts";

/** The metrics route; `live` is the hub whose streams this app serves. */
export function metricsRoutes(deps: Pick<AppDeps, "kv" | "config"> & { live: LiveHub }): Hono<AppEnv> {
  const expected = deps.config.metricsToken ? new TextEncoder().encode(`Bearer ${deps.config.metricsToken}`) : null;
  return new Hono<AppEnv>().get("/metrics", async (c) => {
    if (expected && !sameBytes(new TextEncoder().encode(c.req.header("authorization") ?? ""), expected)) {
      return c.text(`The metrics need the bearer token set in METRICS_TOKEN. (request ${c.var.requestId})\n`, 401, {
        "WWW-Authenticate": 'Bearer realm="metrics"',
      });
    }
    const text = await renderMetrics({
      live: () => deps.live.stats(),
      payouts: () => countPayoutsByState(deps.kv),
    });
    return c.body(text, 200, { "Content-Type": METRICS_CONTENT_TYPE, "Cache-Control": "no-store" });
  });
}

/** Compares in time independent of where the bytes differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i];
  return diff === 0;
}
