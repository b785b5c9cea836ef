import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { createApp } from "../app.ts";
import type { SeasonServices } from "../lib/seasons/season_end.ts";
import { keys } from "../lib/core/db.ts";

Deno.test("admin api - operators see each job's runs and can trigger one; others cannot", async () => {
  await using t = await createTestApp({ ADMIN_USER_IDS: "user_ops" });
  let synced = 0;
  const lifecycle: SeasonServices = {
    ...t.deps.lifecycle,
    kv: t.kv,
    now: t.clock.now,
    syncParticipant: () => Promise.resolve(void synced++),
    requestPayout: () => Promise.resolve(),
    refundPrize: () => Promise.resolve(),
    returnUnearned: () => Promise.resolve(),
  };
  const app = createApp({ ...t.deps, lifecycle });
  const call = async (path: string, userId?: string, method = "GET") =>
    app.request(`http://localhost${path}`, {
      method,
      headers: userId ? { "x-whop-user-token": await t.signer.sign(userId) } : {},
    });

  assert.equal((await call("/api/admin/jobs")).status, 401);
  assert.equal((await call("/api/admin/jobs", "user_someone")).status, 403);
  const before = await (await call("/api/admin/jobs", "user_ops")).json();
  assert.deepEqual(before.jobs.map((j: { name: string; runs: number }) => [j.name, j.runs]), [
    ["status", 0],
    ["sync", 0],
    ["seasons", 0],
  ]);

  const run = await call("/api/admin/jobs/status/run", "user_ops", "POST");
  assert.equal(run.status, 200);
  const { ran, job } = await run.json();
  assert.equal(ran, true);
  assert.equal(job.runs, 1);
  assert.equal(job.lastError, null);
  assert.equal(job.lastStartedAt, new Date(t.clock.now()).toISOString());
  assert.ok(Date.parse(job.nextRunAt) > t.clock.now());
  assert.equal((await call("/api/admin/jobs/nope/run", "user_ops", "POST")).status, 404);
  assert.equal((await call("/api/admin/jobs/sync/run", "user_someone", "POST")).status, 403);

  // A payout waiting for funds for 14 days is flagged (`once.ts`) and listed for the operators until it is sent.
  const waiting = { competitionId: "cmp_1", state: "pending", attempts: 40, waitingSince: "2026-11-17T12:00:00.000Z" };
  await t.kv.set(keys.payout("cmp_1"), { ...waiting, flaggedAt: "2026-12-01T12:00:00.000Z" });
  await t.kv.set(keys.payout("cmp_2"), { ...waiting, competitionId: "cmp_2" });
  await t.kv.set(keys.payout("cmp_3"), { ...waiting, competitionId: "cmp_3", state: "sent", flaggedAt: "2026-12-01" });
  const after = await (await call("/api/admin/jobs", "user_ops")).json();
  assert.deepEqual(after.flaggedPayouts.map((p: { competitionId: string }) => p.competitionId), ["cmp_1"]);
});
