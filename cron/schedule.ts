/**
 * Schedules the jobs with `Deno.cron`. Each run goes through `runJob`, so it
 * holds a lease (one instance at a time) and is recorded for operators.
 */
import { runJob } from "../lib/core/leases.ts";
import type { SeasonServices } from "../lib/seasons/season_end.ts";
import { runStatusJob } from "./status_job.ts";
import { runSyncJob } from "./sync_job.ts";
import { runSeasonJob } from "./season_job.ts";

/** A scheduled job: its name, cron schedule, period, lease and work. */
export interface ScheduledJob {
  name: string;
  schedule: string;
  periodMs: number;
  /** How long a run keeps other instances out; a crashed run's lease expires after this. */
  leaseMs: number;
  run: (services: SeasonServices) => Promise<unknown>;
}

/** The app's scheduled jobs. */
export const JOBS: ScheduledJob[] = [
  { name: "status", schedule: "* * * * *", periodMs: 60_000, leaseMs: 90_000, run: runStatusJob },
  { name: "sync", schedule: "*/5 * * * *", periodMs: 5 * 60_000, leaseMs: 10 * 60_000, run: runSyncJob },
  { name: "seasons", schedule: "* * * * *", periodMs: 60_000, leaseMs: 90_000, run: runSeasonJob },
];

/** Runs one job now under its lease (also the operators' manual trigger). */
export function triggerJob(services: SeasonServices, job: ScheduledJob): Promise<boolean> {
  const now = services.now();
  return runJob(
    services.kv,
    {
      name: job.name,
      schedule: job.schedule,
      leaseMs: job.leaseMs,
      nextRunAt: (at) => Math.ceil((at + 1) / job.periodMs) * job.periodMs,
    },
    now,
    () => job.run(services),
  );
}

/** How a process's schedule is stopped: `signal` ends it, `track` sees each run (a shutdown waits for them). */
export interface ScheduleOptions {
  signal?: AbortSignal;
  track?: (run: Promise<unknown>) => void;
}

/** Registers every job with `Deno.cron`. */
export function scheduleJobs(services: SeasonServices, options: ScheduleOptions = {}): void {
  for (const job of JOBS) {
    Deno.cron(job.name, job.schedule, { signal: options.signal }, async () => {
      const run = triggerJob(services, job);
      options.track?.(run);
      await run;
    });
  }
}
