/**
 * A process of the real product (built by `buildRuntime` from the
 * environment, like `main.ts`) that runs the status job until one
 * competition is COMPLETED and every place's payout sent, then exits. With `CRASH_AT=<settlement step>` it
 * prints each step and stops at that one, waiting for the test to kill it.
 */
import { loadConfig } from "../config.ts";
import { buildRuntime, openKv } from "../app.ts";
import { getPayout } from "../lib/whop/mod.ts";
import { paidPlaces } from "../lib/competitions/settlement.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";

const competitionId = Deno.env.get("COMPETITION_ID")!;
const crashAt = Deno.env.get("CRASH_AT");
const config = loadConfig(Deno.env.toObject());
const kv = await openKv(config.kvPath);
const { lifecycle, worker } = await buildRuntime(config, kv, {
  payoutRetry: { baseMs: 200, maxMs: 1000, maxAttempts: 20, leaseMs: 1500 },
});
lifecycle.settlementLeaseMs = 500;
lifecycle.onSettlementStep = async (step) => {
  console.log(`step:${step}`);
  if (step === crashAt) await new Promise(() => {});
};
worker.listen();
for (;;) {
  await runStatusJob(lifecycle);
  const competition = await getCompetition(kv, competitionId);
  const payouts = await Promise.all(
    paidPlaces(competition).map((p) => getPayout(kv, competitionId, p.place ?? 1, p.division)),
  );
  if (competition.status === "COMPLETED" && payouts.every((payout) => payout?.state === "sent")) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
console.log("done");
Deno.exit(0);
