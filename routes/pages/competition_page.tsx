/**
 * `GET /competitions/:id`: the rules, status, join form (with the refusal
 * that sent the browser back, `?joinError=<code>`), the signed-in owner's own
 * store and its sync progress, with divisions their tabs (`?division=<n>`),
 * the live leaderboard and race chart, the
 * time-elapsed bar, and the winner once decided. Private competitions
 * (drafts, and those cancelled before funding) are shown to their creator
 * only. The page's model is `lib/competitions/page_views/competition.ts`;
 * its cards are in `components/`.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "../_env.ts";
import { isLive } from "../../lib/competitions/competitions.ts";
import { competitionPageView } from "../../lib/competitions/page_views/competition.ts";
import { OWN_ORDERS_SHOWN } from "../../lib/competitions/own_store.ts";
import { formatMoney } from "../../lib/core/money.ts";
import { QUERY_TEXT, validQuery } from "../../lib/web/validate.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { ElapsedBar } from "../../components/elapsed_bar.tsx";
import { LeaderboardTable } from "../../components/leaderboard_table.tsx";
import { RaceChart } from "../../components/race_chart.tsx";
import { countdownTarget } from "../../components/competition_card.tsx";
import {
  CountdownIsland,
  LiveLeaderboardIsland,
  LivePageIsland,
  LiveRaceChartIsland,
  OwnStoreIsland,
} from "../../components/island_wrappers.ts";
import { HYDRATE_ISLANDS } from "../../lib/web/island_boot.ts";
import { ShareMeta } from "../../components/share_meta.tsx";
import { RulesCard } from "../../components/rules_card.tsx";
import { JoinError, JoinForm } from "../../components/join_form.tsx";
import { WinnerBanner } from "../../components/winner_banner.tsx";
import { DisqualifiedList } from "../../components/disqualified_list.tsx";
import { DivisionTabs } from "../../components/division_tabs.tsx";
import { renderAppPage } from "./_shell.tsx";
import { viewerClock } from "../../lib/web/render.tsx";

/** `?joinError=<code>`: the refusal that sent the browser back (the view shows only a code the server chose). */
const PAGE_QUERY = z.object({ joinError: QUERY_TEXT, division: QUERY_TEXT });

/**
 * Routes: `GET /competitions/:id` (`?joinError=<code>` shows that refusal's
 * sentence next to the form; with divisions `?division=<n>` picks the board).
 */
export function competitionPageRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/competitions/:id", validQuery(PAGE_QUERY), async (c) => {
    const view = await competitionPageView(deps, c.req.param("id"), c.var.userId, c.req.valid("query"));
    const { competition, leaderboard, participant, chart, ownStore } = view;
    const own = ownStore && {
      store: ownStore,
      // Only what the panels read: the island's props are in the page.
      competition: {
        divisions: competition.divisions,
        currency: competition.currency,
        startDate: competition.startDate,
      },
      division: view.division,
      canReconnect: view.open,
      shown: OWN_ORDERS_SHOWN,
      live: isLive(competition),
    };
    const countdown = countdownTarget(competition);
    const pageUrl = new URL(`/competitions/${competition.id}`, deps.config.appUrl).href;
    return renderAppPage(c, deps, {
      title: competition.title,
      head: view.shareable && (
        <ShareMeta
          url={pageUrl}
          title={competition.title}
          description={`${formatMoney(competition.prize, competition.currency)} revenue race between Shopify stores.`}
          image={`${pageUrl}/card.png`}
        />
      ),
      body: (
        <>
          {isLive(competition) && (
            <LivePageIsland
              competitionId={competition.id}
              status={competition.status}
              disqualified={leaderboard.disqualified.map((store) => store.participantId)}
              division={view.division}
              own={own !== null}
              hydrateEvent={HYDRATE_ISLANDS}
            />
          )}
          <div data-live-region="competition">
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
              {view.isCreator && (
                <a class="button button-secondary" href={`/competitions/${competition.id}/manage`}>Manage</a>
              )}
            </div>
            {competition.status === "ACTIVE" && (
              <ElapsedBar
                startMs={Date.parse(competition.startDate)}
                endMs={Date.parse(competition.endDate)}
                now={view.now}
              />
            )}
            <WinnerBanner
              competition={competition}
              viewerId={view.viewerId}
              myPlace={view.myPlace}
              myPayout={view.myPayout}
            />
            {competition.status === "CANCELLED" && <p class="notice notice-error">This competition was cancelled.</p>}
            <div class="competition-layout">
              <div class="board">
                {view.division !== undefined && (
                  <DivisionTabs
                    competition={competition}
                    shown={view.division}
                    own={participant?.division}
                    path={`/competitions/${competition.id}`}
                    unplaced={leaderboard.unplaced ?? []}
                    now={view.now}
                  />
                )}
                {isLive(competition)
                  ? <LiveLeaderboardIsland {...leaderboard} youParticipantId={participant?.id} />
                  : (
                    <LeaderboardTable
                      entries={leaderboard.entries}
                      caption="Final standings"
                      metric={competition.metric}
                      youParticipantId={participant?.id}
                    />
                  )}
                <DisqualifiedList stores={leaderboard.disqualified} />
                {own && <OwnStoreIsland part="orders" {...own} />}
                {chart && (
                  <section class="card" aria-labelledby="race-heading">
                    <h2 id="race-heading">The race</h2>
                    {view.liveChart
                      ? <LiveRaceChartIsland competitionId={competition.id} division={view.division} {...chart} />
                      : <RaceChart {...chart} timeZone={viewerClock(c).timeZone} />}
                  </section>
                )}
              </div>
              <aside class="side">
                {own && <OwnStoreIsland part="store" {...own} store={{ ...own.store, orders: [] }} />}
                {!participant && view.open && (
                  <JoinForm
                    competition={competition}
                    signedIn={Boolean(view.viewerId)}
                    joinError={view.joinError}
                    connectedStores={view.connectedStores}
                  />
                )}
                {!participant && !view.open && view.joinError && <JoinError message={view.joinError} />}
                <RulesCard competition={competition} />
              </aside>
            </div>
          </div>
        </>
      ),
    });
  });
}
