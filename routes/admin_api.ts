/**
 * Operators' API: each scheduled job's last run, next run, duration and last
 * error, the payouts flagged for waiting on funds too long, and a manual trigger. Only users listed in `ADMIN_USER_IDS`.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { requireOperator } from "../lib/web/middleware/caller.ts";
import { NotFoundError } from "../lib/core/errors.ts";
import { type JobRun, listJobRuns } from "../lib/core/leases.ts";
import { listFlaggedPayouts } from "../lib/whop/payouts.ts";

/** The scheduled jobs as the operators' API sees them: their names and schedules, and a way to run one now. */
export interface OperatorJobs {
  list: { name: string; schedule: string }[];
  /** Runs job `name` now under its lease; false when another run holds it. */
  run(name: string): Promise<boolean>;
}

/** Routes: `GET /api/admin/jobs`, `POST /api/admin/jobs/:name/run`. */
export function adminApiRoutes(deps: AppDeps & { jobs: OperatorJobs }): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get("/api/admin/jobs", async (c) => {
      requireOperator(c, "Only operators can see the jobs.");
      const [jobs, flaggedPayouts] = await Promise.all([
        listJobRuns(deps.kv, deps.jobs.list),
        listFlaggedPayouts(deps.kv),
      ]);
      return c.json({ jobs, flaggedPayouts });
    })
    .post("/api/admin/jobs/:name/run", async (c) => {
      requireOperator(c, "Only operators can see the jobs.");
      const job = deps.jobs.list.find((candidate) => candidate.name === c.req.param("name"));
      if (!job) throw new NotFoundError(`There is no job named ${c.req.param("name")}.`);
      const ran = await deps.jobs.run(job.name);
      const [run]: JobRun[] = await listJobRuns(deps.kv, [job]);
      return c.json({ ran, job: run }, ran ? 200 : 409);
    });
}
