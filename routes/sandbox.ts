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
import type { AppDeps, AppEnv } from "./_env.ts";
import { getOwnCompetition } from "../lib/competitions/actions.ts";
import { fieldsOf, validForm } from "../lib/web/validate.ts";
import { log } from "../lib/core/log.ts";
import { requireUserId, signedIn } from "../lib/web/middleware/caller.ts";
import { competitionId } from "../lib/web/middleware/competition_id.ts";
import type { LifecycleServices } from "../lib/competitions/settlement.ts";
import type { SandboxControls, WaitOptions } from "../sandbox/demo/fast_forward.ts";
import { safeReturnPath } from "../lib/web/return_path.ts";

/** The competition of the path, when the caller created it; 401 signed out, 404 for another's draft, 403 for anyone else. */
function creatorOnly(c: Context<AppEnv>, deps: AppDeps) {
  return getOwnCompetition(deps.kv, c.req.param("id")!, requireUserId(c), "fast-forward");
}

/** Routes: the sandbox's fast-forward and start-now; mount only in sandbox mode, with its `controls`. */
export function sandboxRoutes(
  deps: AppDeps & { lifecycle: LifecycleServices; controls: SandboxControls; wait?: WaitOptions },
): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.use("/sandbox/competitions/:id/*", competitionId());
  return routes
    .post("/sandbox/competitions/:id/fast-forward", signedIn, validForm(fieldsOf("returnTo")), async (c) => {
      const competition = await creatorOnly(c, deps);
      const location = safeReturnPath(c.req.valid("form").returnTo, `/competitions/${competition.id}/manage`);
      const settled = await deps.controls.fastForwardCompetition(deps.lifecycle, competition.id, deps.wait);
      log("info", "sandbox: competition fast-forwarded", {
        competitionId: competition.id,
        status: settled.status,
        winner: settled.winner?.participantId ?? null,
      });
      return c.redirect(location, 303);
    })
    .post("/sandbox/competitions/:id/start-now", signedIn, validForm(fieldsOf("returnTo")), async (c) => {
      const competition = await creatorOnly(c, deps);
      const location = safeReturnPath(c.req.valid("form").returnTo, `/competitions/${competition.id}/manage`);
      const started = await deps.controls.startCompetitionNow(deps.lifecycle, competition.id);
      log("info", "sandbox: competition started now", { competitionId: competition.id, status: started.status });
      return c.redirect(location, 303);
    });
}
