/**
 * `GET /my-competitions`: the competitions the signed-in user's stores are
 * in, with each store's rank, revenue, and won or lost once decided.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import { requireUserId } from "../../lib/web/middleware/caller.ts";
import { readStandings, type Standing } from "../../lib/competitions/page_views/standings.ts";
import { formatMoney } from "../../lib/core/money.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { ordinal } from "../../components/format.ts";
import { renderAppPage } from "./_shell.tsx";

const OUTCOMES: Record<Standing["outcome"], string> = {
  won: "Won",
  lost: "Did not win",
  running: "In progress",
  cancelled: "Cancelled",
};

/** Routes: `GET /my-competitions`. */
export function myCompetitionsRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/my-competitions", async (c) => {
    const standings = await readStandings(deps.kv, requireUserId(c));
    return renderAppPage(c, deps, {
      title: "My competitions",
      body: (
        <>
          <h1>My competitions</h1>
          {standings.length === 0
            ? (
              <p class="card">
                Your stores are not in any competition yet. <a href="/?status=UPCOMING">Find one to join</a>.
              </p>
            )
            : (
              <ul class="cards standings">
                {standings.map(({ participant, competition, rank, outcome }) => (
                  <li key={participant.id} class={`card outcome-${outcome}`}>
                    <div class="card-head">
                      <h2 class="card-title">
                        <a href={`/competitions/${competition.id}`}>{competition.title}</a>
                      </h2>
                      <StatusBadge status={competition.status} />
                    </div>
                    <p class="standing">
                      <strong class="rank-big">{rank === null ? "–" : ordinal(rank)}</strong>{" "}
                      <span>{OUTCOMES[outcome]}</span>
                    </p>
                    <p class="muted">
                      {participant.displayName} · {formatMoney(participant.revenue, participant.currency)} from{" "}
                      {participant.orders} order{participant.orders === 1 ? "" : "s"}
                      {participant.connection === "disconnected" && (
                        <>
                          {" "}
                          · <span class="tag tag-warning">store disconnected</span>
                        </>
                      )}
                    </p>
                  </li>
                ))}
              </ul>
            )}
        </>
      ),
    });
  });
}
