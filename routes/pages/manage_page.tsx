/**
 * `/competitions/:id/manage`, creator only: fund, edit before the start,
 * cancel, the funding issue, the stores with their sync state and
 * connection, and the payout. Edits and cancelling are form posts that 303
 * back here.
 */
import { type Context, Hono } from "hono";
import { type AppDeps, type AppEnv, readForm } from "../_env.ts";
import {
  type Competition,
  competitionPrizeDecimal,
  editCompetition,
  getVisibleCompetition,
  isEditable,
  lockedFields,
} from "../../lib/competitions/competitions.ts";
import { ForbiddenError, ValidationError } from "../../lib/core/errors.ts";
import { requireUserId } from "../../lib/web/middleware/caller.ts";
import { listParticipants, type Participant } from "../../lib/competitions/participants.ts";
import { formatMoney } from "../../lib/core/money.ts";
import {
  type CompetitionFormValues,
  competitionFormValues,
  type FieldErrors,
  formValuesToInput,
  issuesToErrors,
  readFormValues,
} from "../../components/competition_form.tsx";
import { CreateFormIsland } from "../../components/island_wrappers.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { PayoutState } from "../../components/payout_state.tsx";
import { getPayout } from "../../lib/whop/payouts.ts";
import { formatUtc } from "../../components/format.ts";
import { renderAppPage } from "./_shell.tsx";
import { cancelAndRefund } from "../../lib/whop/refunds.ts";
import { SandboxTools } from "../../components/sandbox_tools.tsx";

/** The competition, when the caller created it; 401 signed out, 404 when private, 403 for anyone else. */
export async function loadOwnCompetition(c: Context<AppEnv>, deps: AppDeps): Promise<Competition> {
  const userId = requireUserId(c);
  const competition = await getVisibleCompetition(deps.kv, c.req.param("id")!, userId);
  if (competition.creatorId !== userId) throw new ForbiddenError("Only the creator can manage this competition.");
  return competition;
}

/** The stored rules as form values. */
function storedValues(competition: Competition): CompetitionFormValues {
  return competitionFormValues({ ...competition, prize: competitionPrizeDecimal(competition) });
}

function ParticipantsTable(props: { participants: Participant[] }) {
  if (props.participants.length === 0) return <p class="muted">No stores have joined yet.</p>;
  return (
    <div class="table-scroll">
      <table class="data-table">
        <caption class="visually-hidden">Stores and their order sync</caption>
        <thead>
          <tr>
            <th scope="col">Store</th>
            <th scope="col">Connection</th>
            <th scope="col">Sync</th>
            <th scope="col" class="num">Orders fetched</th>
            <th scope="col">Last synced</th>
          </tr>
        </thead>
        <tbody>
          {props.participants.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                {p.displayName} <span class="muted">{p.shop}</span>
              </th>
              <td>
                {p.connection === "connected"
                  ? <span class="tag tag-ok">connected</span>
                  : <span class="tag tag-warning">store disconnected</span>}
              </td>
              <td>
                <span class={`tag tag-${p.sync.state === "failed" ? "warning" : "neutral"}`}>{p.sync.state}</span>
                {p.sync.error && <span class="field-error">{p.sync.error}</span>}
              </td>
              <td class="num">{p.sync.ordersFetched}</td>
              <td>{p.sync.lastSyncedAt ? formatUtc(p.sync.lastSyncedAt) : "never"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function renderManage(
  c: Context<AppEnv>,
  deps: AppDeps,
  competition: Competition,
  form?: { values: CompetitionFormValues; errors: FieldErrors },
) {
  const now = deps.now();
  const [participants, payout] = await Promise.all([
    listParticipants(deps.kv, competition.id),
    getPayout(deps.kv, competition.id),
  ]);
  const editable = isEditable(competition, now);
  const prize = formatMoney(competition.prize, competition.currency);
  return renderAppPage(c, deps, {
    title: `Manage ${competition.title}`,
    status: form ? 400 : 200,
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
        {competition.fundingIssue && (
          <p class="notice notice-error" role="alert">Funding problem: {competition.fundingIssue}</p>
        )}
        {competition.status === "DRAFT" && (
          <section class="card" aria-labelledby="fund-heading">
            <h2 id="fund-heading">Fund the prize</h2>
            <p>
              The competition opens to stores once its {prize}{" "}
              prize is paid into escrow through Whop. Unfunded drafts are cancelled when the start passes ({formatUtc(
                competition.startDate,
              )}).
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
        <section class="card" aria-labelledby="stores-heading">
          <h2 id="stores-heading">Stores ({participants.length})</h2>
          <ParticipantsTable participants={participants} />
        </section>
        {competition.status === "COMPLETED" && (
          <section class="card" aria-labelledby="payout-heading">
            <h2 id="payout-heading">Payout</h2>
            <p>
              {competition.winner
                ? `Winner: ${competition.winner.displayName}. `
                : "No store made a sale; the prize goes back to you. "}
              <PayoutState payout={payout} />
            </p>
          </section>
        )}
        {editable && (
          <section class="card danger-zone" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">Cancel the competition</h2>
            <p>Stores are told, and a funded prize is refunded to you.</p>
            <form method="post" action={`/competitions/${competition.id}/manage/cancel`}>
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
        const errors = issuesToErrors(error.issues);
        const stored = storedValues(competition);
        for (const field of locked) values[field] = stored[field];
        return renderManage(c, deps, competition, {
          values,
          errors: Object.keys(errors).length ? errors : { "": error.message },
        });
      }
      return c.redirect(`/competitions/${competition.id}/manage?saved`, 303);
    })
    .post("/competitions/:id/manage/cancel", async (c) => {
      const competition = await loadOwnCompetition(c, deps);
      await cancelAndRefund(deps, competition.id, competition.creatorId);
      return c.redirect(`/competitions/${competition.id}/manage`, 303);
    });
}
