/**
 * `/competitions/:id/manage`, creator only: fund (with Whop's fee shown),
 * edit before the start, cancel (confirmed), the funding issue, the race and
 * a share link once funded, the stores with their sync state and connection
 * (and the disqualify / reinstate forms), the audit log of those actions,
 * each place's payout and the refunds. Edits, cancelling and disqualifying
 * are form posts that 303 back here.
 */
import { type Context, Hono } from "hono";
import { type AppDeps, type AppEnv, readForm } from "../_env.ts";
import {
  type Competition,
  editCompetition,
  getVisibleCompetition,
  isEditable,
  lockedFields,
} from "../../lib/competitions/competitions.ts";
import { ForbiddenError, ValidationError } from "../../lib/core/errors.ts";
import { requireUserId } from "../../lib/web/middleware/caller.ts";
import { listParticipants, type Participant } from "../../lib/competitions/participants.ts";
import { formatMoney } from "../../lib/core/money.ts";
import { competitionView } from "../../lib/competitions/views.ts";
import {
  type CompetitionFormValues,
  competitionFormValues,
  type FieldErrors,
  formErrorsOf,
  formValuesToInput,
  readFormValues,
} from "../../components/competition_form.tsx";
import {
  CopyButtonIsland,
  CreateFormIsland,
  LiveLeaderboardIsland,
  LocalTimeIsland,
} from "../../components/island_wrappers.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { payoutLabel, PayoutState } from "../../components/payout_state.tsx";
import { listPayouts } from "../../lib/whop/payouts.ts";
import { type AuditEntry, listAuditLog, setDisqualification } from "../../lib/competitions/disqualification.ts";
import { paidPlaces } from "../../lib/competitions/settlement.ts";
import { cancelAndRefund, listCompetitionRefunds } from "../../lib/whop/refunds.ts";
import { RefundState } from "../../components/refund_state.tsx";
import { fundingPrice } from "../../lib/whop/funding.ts";
import { competitionExperienceId } from "../../lib/whop/notification_sender.ts";
import { leaderboardView } from "../../lib/competitions/views.ts";
import { LeaderboardTable } from "../../components/leaderboard_table.tsx";
import { renderAppPage } from "./_shell.tsx";
import { WindowFacts } from "../../components/window_facts.tsx";
import { SandboxTools } from "../../components/sandbox_tools.tsx";
import { EmbedSnippet } from "../../components/embed_snippet.tsx";
import { isPubliclyVisible } from "../../lib/competitions/privacy.ts";

/** The competition, when the caller created it; 401 signed out, 404 when private, 403 for anyone else. */
export async function loadOwnCompetition(c: Context<AppEnv>, deps: AppDeps): Promise<Competition> {
  const userId = requireUserId(c);
  const competition = await getVisibleCompetition(deps.kv, c.req.param("id")!, userId);
  if (competition.creatorId !== userId) throw new ForbiddenError("Only the creator can manage this competition.");
  return competition;
}

/** The stored rules as form values. */
function storedValues(competition: Competition): CompetitionFormValues {
  const view = competitionView(competition);
  return competitionFormValues({ ...view, growthMinBaseline: view.growthMinBaseline ?? "" });
}

/** Whether the creator can still take stores out of the ranking (until the results freeze). */
function canDisqualify(competition: Competition): boolean {
  return (competition.status === "UPCOMING" || competition.status === "ACTIVE" || competition.status === "SETTLING") &&
    !competition.resultsFrozenAt;
}

function DisqualifyForm(props: { competition: Competition; participant: Participant }) {
  const { competition, participant } = props;
  const base = `/competitions/${competition.id}/manage/participants/${participant.id}`;
  if (participant.disqualified) {
    return (
      <form method="post" action={`${base}/reinstate`} class="inline-form">
        <span class="tag tag-warning">disqualified</span> {participant.disqualified.reason}{" "}
        <input
          name="reason"
          aria-label={`Why ${participant.displayName} is reinstated`}
          placeholder="Note (optional)"
        />
        <button type="submit" class="button-secondary">Reinstate</button>
      </form>
    );
  }
  return (
    <form method="post" action={`${base}/disqualify`} class="inline-form">
      <input
        name="reason"
        required
        minLength={3}
        maxLength={500}
        aria-label={`Why ${participant.displayName} is disqualified (shown publicly)`}
        placeholder="Reason, shown publicly"
      />
      <button type="submit" class="button-danger">Disqualify</button>
    </form>
  );
}

function AuditLog(props: { entries: AuditEntry[] }) {
  if (props.entries.length === 0) {
    return <p class="muted">Nothing yet: disqualifications and reinstatements appear here.</p>;
  }
  return (
    <div class="table-scroll">
      <table class="data-table audit-log">
        <caption class="visually-hidden">Who did what and when</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => (
            <tr key={entry.id}>
              <td>
                <LocalTimeIsland iso={entry.at} />
              </td>
              <td>{entry.by}</td>
              <td>
                {entry.action === "disqualified" ? "Disqualified" : "Reinstated"} {entry.displayName}{" "}
                <span class="muted">{entry.shop}</span>
              </td>
              <td>{entry.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ParticipantsTable(props: { participants: Participant[]; competition: Competition }) {
  if (props.participants.length === 0) return <p class="muted">No stores have joined yet.</p>;
  const actions = canDisqualify(props.competition);
  return (
    <div class="table-scroll">
      <table class="data-table">
        <caption class="visually-hidden">Stores and their order sync</caption>
        <thead>
          <tr>
            <th scope="col">Store</th>
            <th scope="col">Connection</th>
            <th scope="col">Sync</th>
            <th scope="col" class="num">Orders counted</th>
            <th scope="col">Last synced</th>
            {actions && <th scope="col">Ranking</th>}
          </tr>
        </thead>
        <tbody>
          {props.participants.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                {p.displayName} <span class="muted">{p.shop}</span>
              </th>
              <td data-label="Connection">
                {p.connection === "connected"
                  ? <span class="tag tag-ok">connected</span>
                  : <span class="tag tag-warning">store disconnected</span>}
              </td>
              <td data-label="Sync">
                <span class={`tag tag-${p.sync.state === "failed" ? "warning" : "neutral"}`}>{p.sync.state}</span>{" "}
                <span class="muted">{p.sync.ordersFetched} fetched</span>
                {p.sync.error && <span class="field-error">{p.sync.error}</span>}
              </td>
              <td class="num" data-label="Orders counted">{p.orders}</td>
              <td data-label="Last synced">
                {p.sync.lastSyncedAt ? <LocalTimeIsland iso={p.sync.lastSyncedAt} /> : "never"}
              </td>
              {actions && (
                <td class="row-action">
                  <DisqualifyForm competition={props.competition} participant={p} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The creator's money while it is held: funded, in escrow on Whop until the end (refunds have their own card). */
function FundedNotice(props: { competition: Competition }) {
  const { competition } = props;
  if (!competition.fundsTxId || (competition.status !== "UPCOMING" && competition.status !== "ACTIVE")) return null;
  return (
    <p class="notice notice-ok" role="status">
      <strong>✓ Funded</strong>: the {formatMoney(competition.prize, competition.currency)}{" "}
      prize is held on Whop until the end.
    </p>
  );
}

async function renderManage(
  c: Context<AppEnv>,
  deps: AppDeps,
  competition: Competition,
  form?: { values: CompetitionFormValues; errors: FieldErrors },
  actionError?: string,
) {
  const now = deps.now();
  const following = competition.status !== "DRAFT" && competition.status !== "CANCELLED";
  const [participants, payouts, audit, refunds, leaderboard] = await Promise.all([
    listParticipants(deps.kv, competition.id),
    listPayouts(deps.kv, competition.id),
    listAuditLog(deps.kv, competition.id),
    listCompetitionRefunds(deps.kv, competition.id),
    following ? leaderboardView(deps.kv, competition, 10) : null,
  ]);
  const publicUrl = `${deps.config.appUrl}/competitions/${competition.id}`;
  const editable = isEditable(competition, now);
  const prize = formatMoney(competition.prize, competition.currency);
  const funding = fundingPrice(deps, competition);
  return renderAppPage(c, deps, {
    title: `Manage ${competition.title}`,
    status: form || actionError ? 400 : 200,
    body: (
      <>
        <div class="page-head">
          <div>
            <h1>{competition.title}</h1>
            <p class="meta">
              <StatusBadge status={competition.status} /> <span class="prize">{prize} prize</span>
            </p>
          </div>
          <a class="button button-secondary" href={`/competitions/${competition.id}`}>Public page</a>
        </div>
        {c.req.query("saved") !== undefined && <p class="notice" role="status">Changes saved.</p>}
        {actionError && <p class="notice notice-error" role="alert">{actionError}</p>}
        <FundedNotice competition={competition} />
        {competition.fundingIssue && (
          <p class="notice notice-error" role="alert">Funding problem: {competition.fundingIssue}</p>
        )}
        {competition.status === "DRAFT" && (
          <section class="card" aria-labelledby="fund-heading">
            <h2 id="fund-heading">Fund the prize</h2>
            <p>
              The competition opens to stores once its {prize}{" "}
              prize is paid into escrow through Whop. Unfunded drafts are cancelled when the start passes
              (<LocalTimeIsland iso={competition.startDate} />).
            </p>
            <dl class="fund-breakdown">
              <dt>Prize</dt>
              <dd>{prize}</dd>
              <dt>Whop fee</dt>
              <dd>{formatMoney(funding.fee, competition.currency)}</dd>
              <dt>You pay</dt>
              <dd>
                <strong>{formatMoney(funding.amount, competition.currency)}</strong>
              </dd>
            </dl>
            <p class="muted">
              Whop keeps its fee from each payment, so the checkout adds it: the whole prize reaches escrow. The prize
              is paid to the winner once Whop has cleared the funds.
            </p>
            <form method="post" action={`/api/competitions/${competition.id}/fund`}>
              <button type="submit">Fund {prize} with Whop</button>
            </form>
          </section>
        )}
        {editable && (
          <section class="card form-card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">Edit the rules</h2>
            <CreateFormIsland
              action={`/competitions/${competition.id}/manage/edit`}
              submitLabel="Save changes"
              values={form?.values ?? storedValues(competition)}
              errors={form?.errors ?? {}}
              minDurationS={deps.config.competitionMinDurationS}
              locked={lockedFields(competition)}
            />
          </section>
        )}
        <SandboxTools sandbox={deps.config.sandbox} competition={competition} now={now} />
        {leaderboard && (
          <section class="card" aria-labelledby="board-heading">
            <h2 id="board-heading">The race</h2>
            <dl class="facts">
              <WindowFacts competition={competition} countdown />
            </dl>
            {competition.status === "ACTIVE" && <LiveLeaderboardIsland {...leaderboard} />}
            {competition.status === "COMPLETED" && (
              <LeaderboardTable entries={leaderboard.entries} caption="Final standings" />
            )}
          </section>
        )}
        {following && (
          <section class="card" aria-labelledby="share-heading">
            <h2 id="share-heading">Share</h2>
            <p class="muted">Anyone with the link can follow the race; store owners join from it.</p>
            <div class="copy-row">
              <label class="visually-hidden" for="share-link">Public link</label>
              <input id="share-link" readOnly value={publicUrl} />
              <CopyButtonIsland text={publicUrl} label="Copy link" />
            </div>
          </section>
        )}
        <section class="card" aria-labelledby="stores-heading">
          <h2 id="stores-heading">Stores ({participants.length})</h2>
          <ParticipantsTable participants={participants} competition={competition} />
          <p class="muted notification-reach">
            {competitionExperienceId(competition)
              ? "Stores and the winner are notified in the app and through your Whop community."
              : "Notifications stay in the app: this competition is not part of a Whop community, and Whop " +
                "notifications outside one reach only the company's own team."}
          </p>
        </section>
        <section class="card" aria-labelledby="audit-heading">
          <h2 id="audit-heading">Audit log</h2>
          <AuditLog entries={audit} />
        </section>
        {isPubliclyVisible(competition) && (
          <EmbedSnippet appUrl={deps.config.appUrl} competitionId={competition.id} title={competition.title} />
        )}
        {competition.status === "COMPLETED" && (
          <section class="card" aria-labelledby="payout-heading">
            <h2 id="payout-heading">Payout</h2>
            <p>
              {competition.winner
                ? `Winner: ${competition.winner.displayName}. `
                : "No store made a sale; the prize goes back to you. "}
              {payouts.length === 0 && competition.winner && <PayoutState payout={null} />}
            </p>
            {payouts.length > 0 && (
              <ul class="payouts">
                {payouts.map((payout) => (
                  <li key={payout.idempotenceKey}>
                    {payoutLabel(payout, paidPlaces(competition))} — {formatMoney(payout.amount, payout.currency)}{" "}
                    <PayoutState payout={payout} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
        {refunds.length > 0 && (
          <section class="card" aria-labelledby="refunds-heading">
            <h2 id="refunds-heading">Refunds</h2>
            <ul class="refunds">
              {refunds.map((refund) => (
                <li key={refund.idempotencyKey}>
                  <RefundState refund={refund} />
                </li>
              ))}
            </ul>
          </section>
        )}
        {editable && (
          <section class="card danger-zone" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">Cancel the competition</h2>
            <p>
              {competition.status === "UPCOMING"
                ? `Every store is told, and the ${prize} prize is refunded to you through Whop. This cannot be undone.`
                : "The draft is cancelled; nothing was paid, so nothing is refunded. This cannot be undone."}
            </p>
            <form method="post" action={`/competitions/${competition.id}/manage/cancel`}>
              <label class="checkbox">
                <input
                  type="checkbox"
                  name="confirm"
                  value="yes"
                  required
                />{" "}
                {competition.status === "UPCOMING"
                  ? `Yes, cancel and refund the ${prize} prize`
                  : "Yes, cancel this draft"}
              </label>
              <button type="submit" class="button-danger">Cancel competition</button>
            </form>
          </section>
        )}
      </>
    ),
  });
}

/** Routes: `GET /competitions/:id/manage`, `POST …/manage/edit`, `POST …/manage/cancel`. */
export function managePage(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get("/competitions/:id/manage", async (c) => renderManage(c, deps, await loadOwnCompetition(c, deps)))
    .post("/competitions/:id/manage/edit", async (c) => {
      const competition = await loadOwnCompetition(c, deps);
      const values = readFormValues(await readForm(c));
      const locked = lockedFields(competition);
      const editable = Object.fromEntries(
        Object.entries(values).filter(([field]) => !(locked as string[]).includes(field)),
      );
      try {
        await editCompetition(deps.kv, competition.id, competition.creatorId, formValuesToInput(editable), {
          now: deps.now(),
          minDurationS: deps.config.competitionMinDurationS,
        });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const stored = storedValues(competition);
        for (const field of locked) values[field] = stored[field];
        return renderManage(c, deps, competition, { values, errors: formErrorsOf(error) });
      }
      return c.redirect(`/competitions/${competition.id}/manage?saved`, 303);
    })
    .post("/competitions/:id/manage/participants/:participantId/:action{disqualify|reinstate}", async (c) => {
      const competition = await loadOwnCompetition(c, deps);
      const form = await readForm(c);
      try {
        await setDisqualification(deps.kv, {
          competitionId: competition.id,
          participantId: c.req.param("participantId"),
          userId: competition.creatorId,
          action: c.req.param("action") === "disqualify" ? "disqualified" : "reinstated",
          reason: form.reason,
          now: deps.now(),
          sendNotification: deps.lifecycle?.sendNotification,
        });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return renderManage(c, deps, competition, undefined, error.issues[0]?.message ?? error.message);
      }
      return c.redirect(`/competitions/${competition.id}/manage?saved`, 303);
    })
    .post("/competitions/:id/manage/cancel", async (c) => {
      const competition = await loadOwnCompetition(c, deps);
      if ((await readForm(c)).confirm !== "yes") {
        return renderManage(c, deps, competition, undefined, "Tick the box to confirm: cancelling cannot be undone.");
      }
      await cancelAndRefund(deps, competition.id, competition.creatorId);
      return c.redirect(`/competitions/${competition.id}/manage`, 303);
    });
}
