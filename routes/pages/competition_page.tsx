/**
 * `GET /competitions/:id`: the rules, status, join form (with the refusal
 * that sent the browser back, `?joinError=<code>`), the signed-in owner's own
 * store and its sync progress, the live leaderboard and race chart, the
 * time-elapsed bar, and the winner once decided. Private competitions
 * (drafts, and those cancelled before funding) are shown to their creator only.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import {
  type Competition,
  getVisibleCompetition,
  isLive,
  isOpenForJoining,
  type Winner,
} from "../../lib/competitions/competitions.ts";
import { formatMoney, toDecimalString } from "../../lib/core/money.ts";
import { leaderboardView } from "../../lib/competitions/views.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { ElapsedBar } from "../../components/elapsed_bar.tsx";
import { LeaderboardTable } from "../../components/leaderboard_table.tsx";
import { RaceChart } from "../../components/race_chart.tsx";
import { countdownTarget } from "../../components/competition_card.tsx";
import {
  CountdownIsland,
  LiveLeaderboardIsland,
  LiveRaceChartIsland,
  LocalTimeIsland,
} from "../../components/island_wrappers.ts";
import {
  findParticipantOfUser,
  isJoinRefusalCode,
  JOIN_REFUSALS,
  type Participant,
  type SyncProgress,
} from "../../lib/competitions/participants.ts";
import { readRaceLines } from "../../lib/competitions/race_series.ts";
import { canSeePlaceFigures, figureAccess, isPubliclyVisible } from "../../lib/competitions/privacy.ts";
import { ShareMeta } from "../../components/share_meta.tsx";
import { describeSplit, prizeSplitOf } from "../../lib/competitions/prize_split.ts";
import { paidPlaces } from "../../lib/competitions/settlement.ts";
import { ordinal } from "../../lib/competitions/input.ts";
import { METRIC_SENTENCES } from "../../components/page_text.ts";
import { winnerFigure } from "../../components/winner_figure.ts";
import { renderAppPage } from "./_shell.tsx";
import { PayoutState } from "../../components/payout_state.tsx";
import { getPayout, type Payout } from "../../lib/whop/payouts.ts";
import { WindowFacts } from "../../components/window_facts.tsx";
import { YourOrders } from "../../components/your_orders.tsx";
import { listOwnOrders } from "../../lib/competitions/revenue.ts";

/** How many of a store owner's own orders the page lists. */
const OWN_ORDERS_SHOWN = 100;

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
          <dt>Places paid</dt>
          <dd class="prize-split">
            {describeSplit(competition.prize, prizeSplitOf(competition), competition.currency)}
          </dd>
        </div>
        <WindowFacts competition={competition} />
      </dl>
      <p class="metric-sentence">{METRIC_SENTENCES[competition.metric ?? "revenue"]}</p>
      <p class="muted">
        Orders count when they are placed inside the window, are not test orders and are not cancelled, at their current
        total in {competition.currency}{" "}
        (refunds and edits included, also during the settlement window after the end). A tie goes to the store that
        reached the value first; a place no store earns goes back to the creator. Only {competition.currency}{" "}
        stores can join.
      </p>
    </section>
  );
}

/** The refusal that sent the browser back here (`?joinError=`), announced to screen readers. */
function JoinError(props: { message: string }) {
  return <p class="notice notice-error join-error" id="join-error" role="alert">{props.message}</p>;
}

function JoinForm(props: { competition: Competition; signedIn: boolean; joinError?: string }) {
  const { competition, joinError } = props;
  if (!props.signedIn) {
    return (
      <div class="card">
        {joinError && <JoinError message={joinError} />}
        <p>
          <a href={`/signin?${new URLSearchParams({ returnTo: `/competitions/${competition.id}` })}`}>Sign in</a>{" "}
          to enter your Shopify store.
        </p>
      </div>
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
        <input
          id="join-shop"
          name="shop"
          autoComplete="off"
          aria-describedby={joinError ? "join-shop-hint join-error" : "join-shop-hint"}
          aria-invalid={joinError ? "true" : undefined}
        />
        {joinError && <JoinError message={joinError} />}
      </div>
      <button type="submit">Connect store and join</button>
    </form>
  );
}

const SYNC_LABEL: Record<SyncProgress["state"], string> = {
  pending: "Waiting to fetch your orders",
  running: "Fetching your orders",
  done: "Up to date",
  failed: "Sync failed",
};

/** The signed-in store owner's own entry: which store, its connection and how far its order sync got. */
export function YourStore(props: { participant: Participant; canReconnect: boolean }) {
  const { participant } = props;
  const { sync } = participant;
  const disconnected = participant.connection === "disconnected";
  return (
    <section class="card your-store" aria-labelledby="your-store-heading">
      <h2 id="your-store-heading">Your store</h2>
      <p class="notice">
        You're in with <strong>{participant.displayName}</strong> <span class="your-shop">({participant.shop})</span>.
      </p>
      {disconnected && (
        <p class="notice notice-error">
          <span class="tag tag-warning">store disconnected</span> CartBrawl no longer has access to this store's orders
          {participant.disconnectedAt && (
            <>
              {" "}(since <LocalTimeIsland iso={participant.disconnectedAt} />)
            </>
          )}, so new orders do not count until it is connected again.
        </p>
      )}
      {disconnected && props.canReconnect && (
        <form method="post" action={`/api/competitions/${participant.competitionId}/join`}>
          <input type="hidden" name="shop" value={participant.shop} />
          <button type="submit">Reconnect {participant.displayName}</button>
        </form>
      )}
      <dl class="facts sync-progress">
        <div>
          <dt>Order sync</dt>
          <dd class={`sync-state sync-${sync.state}`}>{SYNC_LABEL[sync.state]}</dd>
        </div>
        <div>
          <dt>Orders counted</dt>
          <dd>
            <span class="your-orders">{participant.orders}</span>{" "}
            <span class="muted">
              (<span class="sync-orders">{sync.ordersFetched}</span> fetched when you joined)
            </span>
          </dd>
        </div>
        <div>
          <dt>Last synced</dt>
          <dd class="sync-last">
            {sync.lastSyncedAt ? <LocalTimeIsland iso={sync.lastSyncedAt} /> : "not yet"}
          </dd>
        </div>
      </dl>
      {sync.state === "failed" && sync.error && <p class="field-error">{sync.error}</p>}
    </section>
  );
}

/** The place the viewer won in a completed competition, if any. */
function placeOf(competition: Competition, viewerId: string | undefined): Winner | undefined {
  if (competition.status !== "COMPLETED" || !viewerId) return undefined;
  return paidPlaces(competition).find((place) => place.userId === viewerId);
}

function WinnerBanner(props: { competition: Competition; viewerId?: string; myPayout: Payout | null }) {
  const { competition } = props;
  if (competition.status !== "COMPLETED") return null;
  const places = paidPlaces(competition);
  const money = (minor: number) => formatMoney(minor, competition.currency);
  const mine = placeOf(competition, props.viewerId);
  return (
    <section class="card winner" aria-labelledby="winner-heading">
      <h2 id="winner-heading">Final result</h2>
      {competition.winner
        ? (
          <p>
            <strong>{competition.winner.displayName}</strong> won
            {canSeePlaceFigures(competition, competition.winner, props.viewerId)
              ? ` with ${
                winnerFigure(competition, {
                  value: competition.winner.value,
                  revenue: toDecimalString(competition.winner.revenue, competition.currency),
                })
              }`
              : ""} and takes {money(competition.winner.amount ?? competition.prize)}.
          </p>
        )
        : <p>No store made a sale, so the prize goes back to the creator.</p>}
      {mine && (
        <p class="notice notice-ok you-won">
          <strong>
            You won {money(mine.amount ?? competition.prize)}
            {places.length > 1 ? ` for ${ordinal(mine.place ?? 1)} place` : ""}.
          </strong>{" "}
          It is paid to your Whop account as soon as Whop has cleared the funds: <PayoutState payout={props.myPayout} />
        </p>
      )}
      {places.length > 1 && (
        <ol class="places">
          {places.map((place) => (
            <li key={place.participantId}>
              {ordinal(place.place ?? 1)}: <strong>{place.displayName}</strong> — {money(place.amount ?? 0)}
            </li>
          ))}
        </ol>
      )}
      {(competition.unearned ?? 0) > 0 && places.length > 0 && (
        <p class="muted">{money(competition.unearned!)} for places no store earned goes back to the creator.</p>
      )}
    </section>
  );
}

/** The stores the creator took out of the ranking, each with the public reason. */
function Disqualified(
  props: { stores: { participantId: string; displayName: string; shop: string; reason: string }[] },
) {
  if (props.stores.length === 0) return null;
  return (
    <section class="card disqualified" aria-labelledby="disqualified-heading">
      <h2 id="disqualified-heading">Disqualified</h2>
      <ul>
        {props.stores.map((store) => (
          <li key={store.participantId}>
            <strong>{store.displayName}</strong> <span class="muted">{store.shop}</span>: {store.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Routes: `GET /competitions/:id` (`?joinError=<code>` shows that refusal's sentence next to the form). */
export function competitionPageRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/competitions/:id", async (c) => {
    const userId = c.var.userId;
    const competition = await getVisibleCompetition(deps.kv, c.req.param("id"), userId);
    const isCreator = userId === competition.creatorId;
    const now = deps.now();
    const [leaderboard, participant] = await Promise.all([
      leaderboardView(deps.kv, competition, 100, userId),
      userId ? findParticipantOfUser(deps.kv, userId, competition.id) : null,
    ]);
    const ownOrders = participant ? await listOwnOrders(deps.kv, participant.id, OWN_ORDERS_SHOWN) : [];
    const myPlace = placeOf(competition, userId);
    const myPayout = myPlace ? await getPayout(deps.kv, competition.id, myPlace.place ?? 1) : null;
    const code = c.req.query("joinError");
    // Only a code the server chose is shown, as the server's sentence: nothing from the URL reaches the page.
    const joinError = participant || !isJoinRefusalCode(code) ? undefined : JOIN_REFUSALS[code](competition);
    const open = isOpenForJoining(competition, now);
    const startMs = Date.parse(competition.startDate);
    const endMs = Date.parse(competition.endDate);
    // The race chart plots exact figures: under privacy mode only the creator sees it, and not live (the stream hides them).
    const access = figureAccess(competition, userId);
    const chart = access === "all"
      ? {
        startMs,
        endMs,
        currency: competition.currency,
        lines: await readRaceLines(deps.kv, competition, leaderboard.entries),
        metric: competition.metric,
        untilMs: Math.min(now, endMs),
        youParticipantId: participant?.id,
      }
      : undefined;
    const liveChart = isLive(competition) && competition.privacy !== "ranks";
    const countdown = countdownTarget(competition);
    const pageUrl = new URL(`/competitions/${competition.id}`, deps.config.appUrl).href;
    return renderAppPage(c, deps, {
      title: competition.title,
      head: isPubliclyVisible(competition) && (
        <ShareMeta
          url={pageUrl}
          title={competition.title}
          description={`${formatMoney(competition.prize, competition.currency)} revenue race between Shopify stores.`}
          image={`${pageUrl}/card.png`}
        />
      ),
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
          {competition.status === "ACTIVE" && <ElapsedBar startMs={startMs} endMs={endMs} now={now} />}
          <WinnerBanner competition={competition} viewerId={userId} myPayout={myPayout} />
          {competition.status === "CANCELLED" && <p class="notice notice-error">This competition was cancelled.</p>}
          <div class="competition-layout">
            <div class="board">
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
              <Disqualified stores={leaderboard.disqualified} />
              {participant && (
                <YourOrders orders={ownOrders} currency={competition.currency} shown={OWN_ORDERS_SHOWN} />
              )}
              {chart && (
                <section class="card" aria-labelledby="race-heading">
                  <h2 id="race-heading">The race</h2>
                  {liveChart
                    ? <LiveRaceChartIsland competitionId={competition.id} {...chart} />
                    : <RaceChart {...chart} />}
                </section>
              )}
            </div>
            <aside class="side">
              {participant && <YourStore participant={participant} canReconnect={open} />}
              {!participant && open && (
                <JoinForm competition={competition} signedIn={Boolean(userId)} joinError={joinError} />
              )}
              {!participant && !open && joinError && <JoinError message={joinError} />}
              <Rules competition={competition} />
            </aside>
          </div>
        </>
      ),
    });
  });
}
