/**
 * `GET /my-competitions`: the competitions the signed-in user's stores are
 * in, with each store's rank, revenue, and won or lost once decided.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import { type Competition, getCompetition } from "../../lib/competitions/competitions.ts";
import { requireUserId } from "../../lib/web/middleware/caller.ts";
import { listParticipationsOfUser, type Participant } from "../../lib/competitions/participants.ts";
import { readLeaderboard } from "../../lib/competitions/leaderboard.ts";
import { formatMoney } from "../../lib/core/money.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { ordinal } from "../../components/format.ts";
import { renderAppPage } from "./_shell.tsx";

/** One participation with its standing. */
export interface Standing {
  participant: Participant;
  competition: Competition;
  /** Rank in the leaderboard (shared ranks for ties), or `null` outside the top 1000. */
  rank: number | null;
  outcome: "won" | "lost" | "running" | "cancelled";
}

/** Where the user's stores stand, newest competition first. */
export async function readStandings(kv: Deno.Kv, userId: string): Promise<Standing[]> {
  const participations = await listParticipationsOfUser(kv, userId);
  const standings = await Promise.all(participations.map(async (participant): Promise<Standing> => {
    const [competition, rows] = await Promise.all([
      getCompetition(kv, participant.competitionId),
      readLeaderboard(kv, participant.competitionId, 1000),
    ]);
    const rank = rows.find((row) => row.id === participant.id)?.rank ?? null;
    const outcome = competition.status === "COMPLETED"
      ? competition.winner?.participantId === participant.id ? "won" : "lost"
      : competition.status === "CANCELLED"
      ? "cancelled"
      : "running";
    return { participant, competition, rank, outcome };
  }));
  return standings.sort((a, b) => b.competition.startDate.localeCompare(a.competition.startDate));
}

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
