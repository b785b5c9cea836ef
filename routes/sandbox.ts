/**
 * Sandbox-only controls, mounted only when `config.sandbox` (otherwise these
 * paths are 404 like any unknown path). Creator only, as the manage page.
 *
 * - `POST /sandbox/competitions/:id/fast-forward` — moves a started
 *   competition's end to now and settles it with the production settlement
 *   (status job: final sync, winner, payout through Whop), then 303s back
 *   (to the form's `returnTo` path, default the manage page).
 * - `POST /sandbox/competitions/:id/start-now` — moves a funded
 *   competition's start to now and starts it (status job), then 303s back.
 */
import { type Context, Hono } from "hono";
import { type AppDeps, type AppEnv, readForm } from "./_env.ts";
import { getVisibleCompetition } from "../lib/competitions/competitions.ts";
import { ForbiddenError } from "../lib/core/errors.ts";
import { log } from "../lib/core/log.ts";
import { requireUserId } from "../lib/web/middleware/caller.ts";
import { competitionId } from "../lib/web/middleware/competition_id.ts";
import type { LifecycleServices } from "../lib/competitions/settlement.ts";
import type { SandboxControls, WaitOptions } from "../sandbox/demo/fast_forward.ts";
import { safeReturnPath } from "../lib/web/return_path.ts";

/** The caller, when it created the competition; 401 signed out, 404 for another's draft, 403 for anyone else. */
async function creatorOnly(c: Context<AppEnv>, deps: AppDeps) {
  const userId = requireUserId(c);
  const competition = await getVisibleCompetition(deps.kv, c.req.param("id")!, userId);
  if (competition.creatorId !== userId) {
    throw new ForbiddenError("Only the creator can fast-forward this competition.");
  }
  return competition;
}

/** Where to go back to: the form's `returnTo` (a path on this site), else the manage page. */
async function backTo(c: Context<AppEnv>, id: string): Promise<string> {
  return safeReturnPath((await readForm(c)).returnTo, `/competitions/${id}/manage`);
}

/** Routes: the sandbox's fast-forward and start-now; mount only in sandbox mode, with its `controls`. */
export function sandboxRoutes(
  deps: AppDeps & { lifecycle: LifecycleServices; controls: SandboxControls; wait?: WaitOptions },
): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.use("/sandbox/competitions/:id/*", competitionId());
  return routes
    .post("/sandbox/competitions/:id/fast-forward", async (c) => {
      const competition = await creatorOnly(c, deps);
      const location = await backTo(c, competition.id);
      const settled = await deps.controls.fastForwardCompetition(deps.lifecycle, competition.id, deps.wait);
      log("info", "sandbox: competition fast-forwarded", {
        competitionId: competition.id,
        status: settled.status,
        winner: settled.winner?.participantId ?? null,
      });
      return c.redirect(location, 303);
    })
    .post("/sandbox/competitions/:id/start-now", async (c) => {
      const competition = await creatorOnly(c, deps);
      const location = await backTo(c, competition.id);
      const started = await deps.controls.startCompetitionNow(deps.lifecycle, competition.id);
      log("info", "sandbox: competition started now", { competitionId: competition.id, status: started.status });
      return c.redirect(location, 303);
    });
}
