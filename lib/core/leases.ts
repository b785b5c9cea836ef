/**
 * Scheduled jobs: each run holds a lease in KV (so two instances never run
 * the same job at once) and records its last run, duration and error for the
 * operators' page.
 */
import { commit, keys } from "./db.ts";
import { log } from "./log.ts";
import { countJobRun } from "./metrics.ts";

/** What the operators' page shows for a job. */
export interface JobRun {
  name: string;
  schedule: string;
  lastStartedAt?: string;
  lastFinishedAt?: string;
  lastDurationMs?: number;
  lastError?: string | null;
  nextRunAt?: string;
  runs: number;
}

/** A lease's value: who holds it and until when. */
interface Lease {
  holder: string;
  until: number;
}

/**
 * Takes the named lease until `now + ttlMs` if it is free, expired, or
 * already `holder`'s (a renewal). Each call without a holder is a new
 * holder, so two runs in one process exclude each other too. Returns a
 * release function, or `null` when another holder has it.
 */
export async function acquireLease(
  kv: Deno.Kv,
  name: string,
  now: number,
  ttlMs: number,
  holder: string = crypto.randomUUID(),
): Promise<(() => Promise<void>) | null> {
  const key = keys.lease(name);
  const current = await kv.get<Lease>(key);
  if (current.value && current.value.until > now && current.value.holder !== holder) return null;
  const result = await commit(() =>
    kv.atomic().check(current).set(key, { holder, until: now + ttlMs }, { expireIn: ttlMs })
  );
  if (!result.ok) return null;
  return async () => {
    const mine = await kv.get<Lease>(key);
    if (mine.value?.holder === holder) await commit(() => kv.atomic().check(mine).delete(key));
  };
}

/**
 * Runs `job` under its lease and records the run. Returns `false` when
 * another instance holds the lease (the run is skipped, not queued).
 *
 * @example
 * await runJob(kv, { name: "status", schedule: "* * * * *" }, Date.now(), () => runStatusJob(deps));
 */
export async function runJob(
  kv: Deno.Kv,
  job: { name: string; schedule: string; leaseMs?: number; nextRunAt?: (now: number) => number },
  now: number,
  work: () => Promise<unknown>,
): Promise<boolean> {
  const release = await acquireLease(kv, `job:${job.name}`, now, job.leaseMs ?? 5 * 60_000);
  if (!release) return false;
  const started = performance.now();
  let error: string | null = null;
  try {
    await work();
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
    log("error", "job failed", { job: job.name, error: caught });
  } finally {
    const previous = (await kv.get<JobRun>(keys.job(job.name))).value;
    const finished = now + (performance.now() - started);
    countJobRun(job.name, error !== null, performance.now() - started);
    await kv.set(
      keys.job(job.name),
      {
        name: job.name,
        schedule: job.schedule,
        lastStartedAt: new Date(now).toISOString(),
        lastFinishedAt: new Date(finished).toISOString(),
        lastDurationMs: Math.round(performance.now() - started),
        lastError: error,
        nextRunAt: job.nextRunAt ? new Date(job.nextRunAt(now)).toISOString() : undefined,
        runs: (previous?.runs ?? 0) + 1,
      } satisfies JobRun,
    );
    await release();
  }
  return true;
}

/** The recorded state of the named jobs (a job never run has only its name). */
export async function listJobRuns(kv: Deno.Kv, jobs: { name: string; schedule: string }[]): Promise<JobRun[]> {
  const entries = await kv.getMany<JobRun[]>(jobs.map((job) => keys.job(job.name)));
  return jobs.map((job, i) => entries[i].value ?? { name: job.name, schedule: job.schedule, runs: 0 });
}
