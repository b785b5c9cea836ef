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
import {
  competitionPageReader,
  type CompetitionPageView,
  competitionPageView,
} from "../../lib/competitions/page_views/competition.ts";
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
import { competitionJoinPaths, JoinError, JoinForm } from "../../components/join_form.tsx";
import { WinnerBanner } from "../../components/winner_banner.tsx";
import { DisqualifiedList } from "../../components/disqualified_list.tsx";
import { DivisionTabs } from "../../components/division_tabs.tsx";
import { PAGE_CACHE_CONTROL, renderAppPage } from "./_shell.tsx";
import { renderFragment, viewerClock } from "../../lib/web/render.tsx";
import { boardRegionsVersion, LIVE_REGIONS_HEADER } from "../../lib/live/regions.ts";
import { SharedRenders } from "../../lib/web/shared_renders.ts";
import { countLiveRegionRefresh } from "../../lib/core/metrics.ts";

/** `?joinError=<code>`: the refusal that sent the browser back (the view shows only a code the server chose). */
const PAGE_QUERY = z.object({ joinError: QUERY_TEXT, division: QUERY_TEXT });

/**
 * Routes: `GET /competitions/:id` (`?joinError=<code>` shows that refusal's
 * sentence next to the form; with divisions `?division=<n>` picks the board).
 * With the `X-CartBrawl-Live-Regions` header (a live page refreshing itself)
 * it answers the page's live regions alone; readers without a stake in the
 * page share one rendering per version (`lib/web/shared_renders.ts`).
 */
export function competitionPageRoutes(deps: AppDeps): Hono<AppEnv> {
  const shared = new SharedRenders();
  return new Hono<AppEnv>().get("/competitions/:id", validQuery(PAGE_QUERY), async (c) => {
    const query = c.req.valid("query");
    const reader = await competitionPageReader(deps, c.req.param("id"), c.var.userId);
    const { timeZone } = viewerClock(c);
    const refresh = c.req.header(LIVE_REGIONS_HEADER);
    if (refresh !== undefined) {
      c.header("Cache-Control", PAGE_CACHE_CONTROL);
      const render = async () => {
        const view = await competitionPageView(deps, reader, query);
        return {
          version: boardRegionsVersion(view.leaderboard),
          html: await renderFragment(c, <CompetitionRegions view={view} timeZone={timeZone} />, view.now),
        };
      };
      const { html, source } = reader.sharedAs
        ? await shared.html(
          [reader.competition.id, reader.sharedAs, timeZone, query.division, query.joinError].join("|"),
          refresh,
          reader.now,
          render,
        )
        : { html: (await render()).html, source: "rendered" as const };
      countLiveRegionRefresh(source);
      return c.html(html);
    }
    const view = await competitionPageView(deps, reader, query);
    const { competition } = view;
    const pageUrl = new URL(`/competitions/${competition.id}`, deps.config.appUrl).href;
    return renderAppPage(c, deps, {
      title: competition.title,
      community: competition.experienceId,
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
              version={boardRegionsVersion(view.leaderboard)}
              division={view.division}
              own={view.ownStore !== null}
              hydrateEvent={HYDRATE_ISLANDS}
            />
          )}
          <CompetitionRegions view={view} timeZone={timeZone} />
        </>
      ),
    });
  });
}

/** The page's live regions (`data-live-region`): what its live page swaps in when the competition moves on. */
function CompetitionRegions({ view, timeZone }: { view: CompetitionPageView; timeZone?: string }) {
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
  return (
    <div data-live-region="competition">
      <div class="page-head">
        <div>
          <h1>{competition.title}</h1>
          <p class="meta">
            <StatusBadge status={competition.status} />{" "}
            <span class="prize">{formatMoney(competition.prize, competition.currency)} prize</span>
            {competition.seasonId && (
              <span>
                {" · "}
                <a href={`/seasons/${competition.seasonId}`}>Round {competition.seasonRound} of a season</a>
              </span>
            )}
            {countdown && (
              <span>
                {" · "}
                {countdown.label} <CountdownIsland to={countdown.to} />
              </span>
            )}
          </p>
        </div>
        <div class="page-actions">
          {competition.status !== "DRAFT" && competition.status !== "CANCELLED" && (
            <a
              class="button button-secondary"
              href={`/competitions/${competition.id}/tv${view.division ? `?division=${view.division}` : ""}`}
            >
              TV mode
            </a>
          )}
          {view.isCreator && (
            <a class="button button-secondary" href={`/competitions/${competition.id}/manage`}>Manage</a>
          )}
        </div>
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
                : <RaceChart {...chart} timeZone={timeZone} />}
            </section>
          )}
        </div>
        <aside class="side">
          {own && <OwnStoreIsland part="store" {...own} store={{ ...own.store, orders: [] }} />}
          {!participant && view.open && (
            <JoinForm
              paths={competitionJoinPaths(competition.id)}
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
  );
}
