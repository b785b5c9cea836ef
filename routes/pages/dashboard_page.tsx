/**
 * `GET /dashboard`, for creators, in three tabs chosen by `?tab=`: the
 * creator's competitions (default), the create form, and payouts.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import { type Competition, listCompetitionsByCreator } from "../../lib/competitions/competitions.ts";
import { requireUserId } from "../../lib/web/middleware/caller.ts";
import { formatMoney } from "../../lib/core/money.ts";
import { emptyFormValues } from "../../components/competition_form_values.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { payoutLabel, PayoutState } from "../../components/payout_state.tsx";
import { listPayouts, type Payout } from "../../lib/whop/payouts.ts";
import { paidPlaces } from "../../lib/competitions/settlement.ts";
import { LocalTimeIsland } from "../../components/island_wrappers.ts";
import { CreateCompetitionSection } from "../../components/create_competition_section.tsx";
import { renderAppPage } from "./_shell.tsx";

/** The dashboard's tabs, in order; the first is the default. */
export const DASHBOARD_TABS = [
  { id: "competitions", label: "My competitions" },
  { id: "create", label: "Create" },
  { id: "payouts", label: "Payouts" },
] as const;

type TabId = typeof DASHBOARD_TABS[number]["id"];

function Tabs(props: { current: TabId }) {
  return (
    <nav class="tabs" aria-label="Dashboard">
      {DASHBOARD_TABS.map((tab) => (
        <a key={tab.id} href={`/dashboard?tab=${tab.id}`} aria-current={tab.id === props.current ? "page" : undefined}>
          {tab.label}
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

function PayoutsTab(props: { rows: { competition: Competition; payouts: Payout[] }[] }) {
  if (props.rows.length === 0) return <p class="card muted">Payouts appear here once a competition ends.</p>;
  return (
    <ul class="payout-list">
      {props.rows.map(({ competition, payouts }) => (
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
                ? `${payoutLabel(payout, paidPlaces(competition))}: ${formatMoney(payout.amount, payout.currency)}. `
                : "No sales: back to you. "}
              <PayoutState payout={payout} />
            </p>
          ))}
        </li>
      ))}
    </ul>
  );
}

/** Routes: `GET /dashboard`. */
export function dashboardRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/dashboard", async (c) => {
    const userId = requireUserId(c);
    const tab = DASHBOARD_TABS.find((candidate) => candidate.id === c.req.query("tab"))?.id ?? "competitions";
    const competitions = tab === "create" ? [] : await listCompetitionsByCreator(deps.kv, userId);
    let body;
    if (tab === "create") {
      body = (
        <CreateCompetitionSection
          values={emptyFormValues(deps.now())}
          errors={{}}
          minDurationS={deps.config.competitionMinDurationS}
        />
      );
    } else if (tab === "payouts") {
      const completed = competitions.filter((competition) => competition.status === "COMPLETED");
      const payouts = await Promise.all(completed.map((competition) => listPayouts(deps.kv, competition.id)));
      body = <PayoutsTab rows={completed.map((competition, i) => ({ competition, payouts: payouts[i] }))} />;
    } else {
      body = <CompetitionsTab competitions={competitions} />;
    }
    return renderAppPage(c, deps, {
      title: "Dashboard",
      body: (
        <>
          <h1>Dashboard</h1>
          <Tabs current={tab} />
          {body}
        </>
      ),
    });
  });
}
