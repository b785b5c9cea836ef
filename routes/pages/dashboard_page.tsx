/**
 * `GET /dashboard`, for creators, in three tabs chosen by `?tab=`: the
 * creator's competitions (default), the create form, and payouts.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import * as z from "zod/mini";
import type { Competition } from "../../lib/competitions/competitions.ts";
import {
  type CompletedWithPayouts,
  DASHBOARD_TABS,
  type DashboardTab,
  dashboardView,
} from "../../lib/competitions/page_views/dashboard.ts";
import { requireUserId, signedIn } from "../../lib/web/middleware/caller.ts";
import { validQuery } from "../../lib/web/validate.ts";
import { formatMoney } from "../../lib/core/money.ts";
import { emptyFormValues } from "../../components/competition_form_values.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { payoutLabel, PayoutState } from "../../components/payout_state.tsx";
import { LocalTimeIsland } from "../../components/island_wrappers.ts";
import { CreateCompetitionSection } from "../../components/create_competition_section.tsx";
import { renderAppPage } from "./_shell.tsx";
import { viewerClock } from "../../lib/web/render.tsx";

/** Each tab's name in the tab bar. */
const TAB_LABELS: Record<DashboardTab, string> = {
  competitions: "My competitions",
  create: "Create",
  payouts: "Payouts",
};

function Tabs(props: { current: DashboardTab }) {
  return (
    <nav class="tabs" aria-label="Dashboard">
      {DASHBOARD_TABS.map((tab) => (
        <a key={tab} href={`/dashboard?tab=${tab}`} aria-current={tab === props.current ? "page" : undefined}>
          {TAB_LABELS[tab]}
        </a>
      ))}
    </nav>
  );
}

function CompetitionsTab(props: { competitions: Competition[] }) {
  if (props.competitions.length === 0) {
    return (
      <p class="card">
        You have not created a competition yet. <a href="/dashboard?tab=create">Create one</a>.
      </p>
    );
  }
  return (
    <div class="table-scroll">
      <table class="data-table">
        <caption class="visually-hidden">Your competitions</caption>
        <thead>
          <tr>
            <th scope="col">Competition</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">Prize</th>
            <th scope="col" class="num">Stores</th>
            <th scope="col">Starts</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.competitions.map((competition) => (
            <tr key={competition.id}>
              <th scope="row">
                <a href={`/competitions/${competition.id}`}>{competition.title}</a>
                {competition.fundingIssue && <span class="tag tag-warning">funding problem</span>}
              </th>
              <td data-label="Status">
                <StatusBadge status={competition.status} />
              </td>
              <td class="num" data-label="Prize">{formatMoney(competition.prize, competition.currency)}</td>
              <td class="num" data-label="Stores">{competition.participantCount}</td>
              <td data-label="Starts">
                <LocalTimeIsland iso={competition.startDate} />
              </td>
              <td class="row-action">
                <a class="button button-secondary" href={`/competitions/${competition.id}/manage`}>Manage</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PayoutsTab(props: { rows: CompletedWithPayouts[] }) {
  if (props.rows.length === 0) return <p class="card muted">Payouts appear here once a competition ends.</p>;
  return (
    <ul class="payout-list">
      {props.rows.map(({ competition, payouts, places }) => (
        <li key={competition.id} class="card">
          <a href={`/competitions/${competition.id}/manage`}>{competition.title}</a>{" "}
          <span class="prize">{formatMoney(competition.prize, competition.currency)}</span>
          {payouts.length === 0 && (
            <p>
              {competition.winner ? `To ${competition.winner.displayName}. ` : "No sales: back to you. "}
              <PayoutState payout={null} />
            </p>
          )}
          {payouts.map((payout) => (
            <p key={payout.idempotenceKey}>
              {competition.winner
                ? `${payoutLabel(payout, places)}: ${formatMoney(payout.amount, payout.currency)}. `
                : "No sales: back to you. "}
              <PayoutState payout={payout} />
            </p>
          ))}
        </li>
      ))}
    </ul>
  );
}

/** `?tab=`: one of the tabs, else the first. */
const DASHBOARD_QUERY = z.object({
  tab: z.catch(z.enum(DASHBOARD_TABS), "competitions"),
});

/** Routes: `GET /dashboard`. */
export function dashboardRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/dashboard", signedIn, validQuery(DASHBOARD_QUERY), async (c) => {
    const view = await dashboardView(deps.kv, requireUserId(c), c.req.valid("query").tab);
    let body;
    if (view.tab === "create") {
      body = (
        <CreateCompetitionSection
          values={emptyFormValues(deps.now(), viewerClock(c).timeZone)}
          errors={{}}
          minDurationS={deps.config.competitionMinDurationS}
        />
      );
    } else if (view.tab === "payouts") {
      body = <PayoutsTab rows={view.completed} />;
    } else {
      body = <CompetitionsTab competitions={view.competitions} />;
    }
    return renderAppPage(c, deps, {
      title: "Dashboard",
      body: (
        <>
          <h1>Dashboard</h1>
          <Tabs current={view.tab} />
          {body}
        </>
      ),
    });
  });
}
