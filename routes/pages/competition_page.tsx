/**
 * `GET /competitions/:id`: the rules, status, join form, the live
 * leaderboard and race chart, the time-elapsed bar, and the winner once
 * decided. Drafts are shown to their creator only.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../../lib/app.ts";
import { type Competition, getCompetition, isOpenForJoining } from "../../lib/competitions.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { keys } from "../../lib/db.ts";
import { formatMoney, toDecimalString } from "../../lib/money.ts";
import { leaderboardView } from "../competitions_api.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { ElapsedBar } from "../../components/elapsed_bar.tsx";
import { LeaderboardTable } from "../../components/leaderboard_table.tsx";
import { RaceChart } from "../../components/race_chart.tsx";
import { countdownTarget } from "../../components/competition_card.tsx";
import { formatDecimalMoney, formatUtc } from "../../components/format.ts";
import { CountdownIsland, LiveLeaderboardIsland, LiveRaceChartIsland } from "../../components/island_wrappers.ts";
import { readRaceLines } from "./race_series.ts";
import { renderAppPage } from "./shell.tsx";

/** Whether the page follows the live stream (the competition can still change). */
export function isLive(competition: Pick<Competition, "status">): boolean {
  return competition.status === "UPCOMING" || competition.status === "ACTIVE";
}

function Rules(props: { competition: Competition }) {
  const { competition } = props;
  return (
    <section class="card rules" aria-labelledby="rules-heading">
      <h2 id="rules-heading">Rules</h2>
      {competition.description && <p class="description">{competition.description}</p>}
      <dl class="facts">
        <div>
          <dt>Prize</dt>
          <dd>{formatMoney(competition.prize, competition.currency)}</dd>
        </div>
        <div>
          <dt>Starts</dt>
          <dd>{formatUtc(competition.startDate)}</dd>
        </div>
        <div>
          <dt>Ends</dt>
          <dd>{formatUtc(competition.endDate)}</dd>
        </div>
      </dl>
      <p class="muted">
        Orders count when they are placed inside the window, are not test orders and are not cancelled, at their current
        total in {competition.currency}{" "}
        (refunds and edits included). The highest revenue wins; a tie goes to the store that reached the total first.
        Only {competition.currency} stores can join.
      </p>
    </section>
  );
}

function JoinForm(props: { competition: Competition; signedIn: boolean; joined: boolean }) {
  const { competition } = props;
  if (props.joined) return <p class="notice">Your store is in this competition. Good luck!</p>;
  if (!props.signedIn) {
    return (
      <p class="card">
        <a href={`/signin?${new URLSearchParams({ returnTo: `/competitions/${competition.id}` })}`}>Sign in</a>{" "}
        to enter your Shopify store.
      </p>
    );
  }
  return (
    <form method="post" action={`/api/competitions/${competition.id}/join`} class="card join-form">
      <h2>Enter your store</h2>
      <div class="field">
        <label for="join-shop">Your Shopify store</label>
        <span class="hint" id="join-shop-hint">
          e.g. my-store.myshopify.com. CartBrawl asks Shopify for read-only access to orders.
        </span>
        <input id="join-shop" name="shop" autoComplete="off" aria-describedby="join-shop-hint" />
      </div>
      <button type="submit">Connect store and join</button>
    </form>
  );
}

function WinnerBanner(props: { competition: Competition }) {
  const { competition } = props;
  if (competition.status !== "COMPLETED") return null;
  return (
    <section class="card winner" aria-labelledby="winner-heading">
      <h2 id="winner-heading">Final result</h2>
      {competition.winner
        ? (
          <p>
            <strong>{competition.winner.displayName}</strong> won with {formatDecimalMoney(
              toDecimalString(competition.winner.revenue, competition.currency),
              competition.currency,
            )} and takes the {formatMoney(competition.prize, competition.currency)} prize.
          </p>
        )
        : <p>No store made a sale, so the prize goes back to the creator.</p>}
    </section>
  );
}

/** Routes: `GET /competitions/:id`. */
export function competitionPage(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/competitions/:id", async (c) => {
    const competition = await getCompetition(deps.kv, c.req.param("id"));
    const userId = c.var.userId;
    const isCreator = userId === competition.creatorId;
    if (competition.status === "DRAFT" && !isCreator) throw new NotFoundError("There is no competition with that id.");
    const now = deps.now();
    const [leaderboard, joined] = await Promise.all([
      leaderboardView(deps, competition),
      userId ? deps.kv.get(keys.participantByUser(userId, competition.id)) : null,
    ]);
    const startMs = Date.parse(competition.startDate);
    const endMs = Date.parse(competition.endDate);
    const chart = {
      startMs,
      endMs,
      currency: competition.currency,
      lines: await readRaceLines(deps.kv, competition, leaderboard.entries),
      untilMs: Math.min(now, endMs),
    };
    const countdown = countdownTarget(competition);
    return renderAppPage(c, deps, {
      title: competition.title,
      body: (
        <>
          <div class="page-head">
            <div>
              <h1>{competition.title}</h1>
              <p class="meta">
                <StatusBadge status={competition.status} />{" "}
                <span class="prize">{formatMoney(competition.prize, competition.currency)} prize</span>
                {countdown && (
                  <span>
                    {" · "}
                    {countdown.label} <CountdownIsland to={countdown.to} />
                  </span>
                )}
              </p>
            </div>
            {isCreator && <a class="button button-secondary" href={`/competitions/${competition.id}/manage`}>Manage</a>}
          </div>
          {(competition.status === "ACTIVE" || competition.status === "COMPLETED") && (
            <ElapsedBar startMs={startMs} endMs={endMs} now={now} />
          )}
          <WinnerBanner competition={competition} />
          {competition.status === "CANCELLED" && <p class="notice notice-error">This competition was cancelled.</p>}
          <div class="competition-layout">
            <div class="board">
              {isLive(competition)
                ? <LiveLeaderboardIsland {...leaderboard} />
                : <LeaderboardTable entries={leaderboard.entries} caption="Final standings" />}
              <section class="card" aria-labelledby="race-heading">
                <h2 id="race-heading">The race</h2>
                {isLive(competition)
                  ? <LiveRaceChartIsland competitionId={competition.id} {...chart} />
                  : <RaceChart {...chart} />}
              </section>
            </div>
            <aside class="side">
              {isOpenForJoining(competition, now) && (
                <JoinForm competition={competition} signedIn={Boolean(userId)} joined={Boolean(joined?.value)} />
              )}
              <Rules competition={competition} />
            </aside>
          </div>
        </>
      ),
    });
  });
}
