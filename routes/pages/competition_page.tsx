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
import type { VNode } from "preact";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "../_env.ts";
import { isLive } from "../../lib/competitions/competitions.ts";
import {
  competitionPageReader,
  type CompetitionPageView,
  competitionPageView,
  pageRegionsVersion,
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
import { Markup, type RenderedMarkup, renderMarkup, viewerClock } from "../../lib/web/render.tsx";
import { boardRegionsVersion, LIVE_REGIONS_HEADER } from "../../lib/live/regions.ts";
import { SharedRenders } from "../../lib/web/shared_renders.ts";
import { countCompetitionPageRegions } from "../../lib/core/metrics.ts";

/** `?joinError=<code>`: the refusal that sent the browser back (the view shows only a code the server chose). */
const PAGE_QUERY = z.object({ joinError: QUERY_TEXT, division: QUERY_TEXT });

/** The page's live region (`data-live-region`): what its live page swaps in when the competition moves on. */
const LIVE_REGION = { "data-live-region": "competition" } as const;

/** The live region as one reader's page shows it. */
interface ReaderRegions {
  /** Its version (`boardRegionsVersion` of the board it shows). */
  version: string;
  /** With divisions: the board it shows. */
  division?: number;
  /** The region, as page content. */
  region: VNode;
  /** The region alone, for a live page's refresh. */
  fragment(): Promise<string>;
}

/** The inside of the live region rendered once for the readers without a stake in the page (`sharedAs`). */
interface SharedRegions {
  version: string;
  division?: number;
  markup: RenderedMarkup;
  /** The region alone, made at the first refresh that asks (readers may ask for it thousands of times). */
  fragment?: string;
}

/**
 * Routes: `GET /competitions/:id` (`?joinError=<code>` shows that refusal's
 * sentence next to the form; with divisions `?division=<n>` picks the board).
 * With the `X-CartBrawl-Live-Regions` header (a live page refreshing itself)
 * it answers the page's live region alone. Readers without a stake in the
 * page share one rendering of it per version, for page loads and refreshes
 * alike (`lib/web/shared_renders.ts`); the others' is rendered in their page
 * (made apart and put into the page, it cost them more).
 */
export function competitionPageRoutes(deps: AppDeps): Hono<AppEnv> {
  const shared = new SharedRenders<SharedRegions>();
  return new Hono<AppEnv>().get("/competitions/:id", validQuery(PAGE_QUERY), async (c) => {
    const query = c.req.valid("query");
    const reader = await competitionPageReader(deps, c.req.param("id"), c.var.userId);
    const { timeZone } = viewerClock(c);
    const refresh = c.req.header(LIVE_REGIONS_HEADER);
    const request = refresh === undefined ? "page" : "refresh";
    const ownRegions = async (): Promise<ReaderRegions> => {
      const view = await competitionPageView(deps, reader, query);
      const region = (
        <div {...LIVE_REGION}>
          <CompetitionRegions view={view} timeZone={timeZone} />
        </div>
      );
      countCompetitionPageRegions(request, "rendered");
      return {
        version: boardRegionsVersion(view.leaderboard),
        division: view.division,
        region,
        fragment: async () => (await renderMarkup(c, region, view.now)).html,
      };
    };
    const sharedRegions = async (sharedAs: string): Promise<ReaderRegions> => {
      const { rendering, source } = await shared.rendering(
        // Any change to the competition (its settings, or a store erased from it) is a new rendering.
        [reader.competition.id, reader.revision, sharedAs, timeZone, query.division, query.joinError]
          .join("|"),
        refresh ?? await pageRegionsVersion(deps, reader, query),
        reader.now,
        async () => {
          const view = await competitionPageView(deps, reader, query);
          return {
            version: boardRegionsVersion(view.leaderboard),
            division: view.division,
            markup: await renderMarkup(c, <CompetitionRegions view={view} timeZone={timeZone} />, view.now),
          };
        },
      );
      countCompetitionPageRegions(request, source);
      const region = <Markup markup={rendering.markup} {...LIVE_REGION} />;
      return {
        version: rendering.version,
        division: rendering.division,
        region,
        fragment: async () => rendering.fragment ??= (await renderMarkup(c, region)).html,
      };
    };
    const regions = reader.sharedAs ? await sharedRegions(reader.sharedAs) : await ownRegions();
    if (refresh !== undefined) {
      c.header("Cache-Control", PAGE_CACHE_CONTROL);
      return c.html(await regions.fragment());
    }
    const { competition } = reader;
    const pageUrl = new URL(`/competitions/${competition.id}`, deps.config.appUrl).href;
    return renderAppPage(c, deps, {
      title: competition.title,
      community: competition.experienceId,
      head: reader.shareable && (
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
              version={regions.version}
              division={regions.division}
              own={reader.participant !== null}
              hydrateEvent={HYDRATE_ISLANDS}
            />
          )}
          {regions.region}
        </>
      ),
    });
  });
}

/** The inside of the page's live region ({@link LIVE_REGION}). */
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
    <>
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
    </>
  );
}
