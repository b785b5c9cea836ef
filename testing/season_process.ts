/**
 * A process of the real product (built by `buildRuntime` from the
 * environment, like `main.ts`) that runs the status and season jobs, with
 * the queue worker making the transfers, until the season `SEASON_ID` is
 * COMPLETED and every season prize payout is sent; then prints `done` and
 * exits. The season crash test kills it part-way and runs another.
 */
import { loadConfig } from "../config.ts";
import { buildRuntime, openKv } from "../app.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { runSeasonJob } from "../cron/season_job.ts";
import { getSeason } from "../lib/seasons/seasons.ts";
import { listSeasonPayouts } from "../lib/whop/season_payouts.ts";

const seasonId = Deno.env.get("SEASON_ID")!;
const config = loadConfig(Deno.env.toObject());
const kv = await openKv(config.kvPath);
const { lifecycle, worker } = await buildRuntime(config, kv, {
  payoutRetry: { baseMs: 200, maxMs: 1000, maxAttempts: 20, leaseMs: 1500 },
});
worker.listen();
for (;;) {
  await runStatusJob(lifecycle);
  await runSeasonJob(lifecycle);
  const season = await getSeason(kv, seasonId);
  const payouts = await listSeasonPayouts(kv, seasonId);
  const owed = (season.places?.length ?? 0) + ((season.unearned ?? 0) > 0 ? 1 : 0);
  if (season.status === "COMPLETED" && payouts.length === owed && payouts.every((p) => p.state === "sent")) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
console.log("done");
Deno.exit(0);
