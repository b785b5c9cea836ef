import assert from "node:assert/strict";
import { acquireLease, listJobRuns, runJob } from "./leases.ts";

Deno.test("jobs - a lease has one holder until it expires", async () => {
  using kv = await Deno.openKv(":memory:");
  const release = await acquireLease(kv, "x", 1000, 500, "a");
  assert.ok(release);
  assert.equal(await acquireLease(kv, "x", 1200, 500, "b"), null);
  assert.ok(await acquireLease(kv, "x", 1600, 500, "b"), "expired leases can be taken");
  assert.equal(await acquireLease(kv, "x", 1700, 500, "a"), null);
  await release!(); // a's release does not free b's lease
  assert.equal(await acquireLease(kv, "x", 1800, 500, "c"), null);
});

Deno.test("jobs - concurrent runs of one job: one runs, the others skip", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  try {
    using kv1 = await Deno.openKv(path);
    using kv2 = await Deno.openKv(path);
    let runs = 0;
    const job = { name: "status", schedule: "* * * * *" };
    const gate = Promise.withResolvers<void>();
    const work = async () => {
      runs++;
      await gate.promise;
    };
    const runs1 = runJob(kv1, job, 1000, work);
    const runs2 = runJob(kv2, job, 1000, work);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<string>((resolve) => timer = setTimeout(() => resolve("both ran"), 20_000));
    const first = await Promise.race([runs1, runs2, timeout]);
    clearTimeout(timer);
    gate.resolve();
    assert.equal(first, false, `the second run skips while the first holds the lease (runs: ${runs})`);
    assert.deepEqual((await Promise.all([runs1, runs2])).sort(), [false, true]);
    assert.equal(runs, 1);
    assert.equal(await runJob(kv1, job, 2000, work), true, "the lease is released after the run");
    const [record] = await listJobRuns(kv1, [job]);
    assert.equal(record.runs, 2);
    assert.equal(record.lastError, null);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("jobs - a failing run records its error", async () => {
  using kv = await Deno.openKv(":memory:");
  const job = { name: "sync", schedule: "*/5 * * * *", nextRunAt: (now: number) => now + 300_000 };
  await runJob(kv, job, 0, () => Promise.reject(new Error("shop down")));
  const [record] = await listJobRuns(kv, [job, { name: "never", schedule: "x" }]);
  assert.equal(record.lastError, "shop down");
  assert.equal(record.nextRunAt, new Date(300_000).toISOString());
  assert.equal((await listJobRuns(kv, [{ name: "never", schedule: "x" }]))[0].runs, 0);
});
