/**
 * `/competitions/:id/manage`, creator only: fund (with Whop's fee shown),
 * edit before the start, cancel (confirmed), the funding issue, the race and
 * a share link once funded, the stores with their sync state and connection
 * (and the disqualify / reinstate forms), the review queue of held and
 * flagged orders (count / exclude), the audit log of those actions, each
 * place's payout and the refunds. What the stage needs leads, the rest is
 * folded: while the race settles the board (provisional) and the review
 * queue, once final the results and payouts with the CSV exports. The page's model is
 * `lib/competitions/page_views/manage.ts`, its cards are in `components/`;
 * edits, cancelling, disqualifying and decisions on orders are the use-cases
 * of `lib/competitions/actions.ts` and `lib/competitions/flags.ts`, posted as
 * forms that 303 back here.
 */
import { type Context, Hono } from "hono";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "../_env.ts";
import { type Competition } from "../../lib/competitions/competitions.ts";
import { lockedFields } from "../../lib/competitions/editing.ts";
import { competitionView } from "../../lib/competitions/views.ts";
import { competitionActions, getOwnCompetition } from "../../lib/competitions/actions.ts";
import { managePageView } from "../../lib/competitions/page_views/manage.ts";
import { ConflictError, ValidationError } from "../../lib/core/errors.ts";
import { decideFlag } from "../../lib/competitions/flags.ts";
import { formatMoney } from "../../lib/core/money.ts";
import { requireUserId, signedIn } from "../../lib/web/middleware/caller.ts";
import { fieldsOf, QUERY_TEXT, validForm, validQuery } from "../../lib/web/validate.ts";
import {
  COMPETITION_FIELDS,
  type CompetitionFormValues,
  competitionFormValues,
  type FieldErrors,
  formErrorsOf,
  formValuesToPatch,
} from "../../components/competition_form_values.ts";
import { CreateFormIsland } from "../../components/island_wrappers.ts";
import { CompetitionForm } from "../../components/competition_form.tsx";
// For its effect: the server gives the form's currency field its choices.
import "../../components/currency_choices.tsx";
import {
  competitionFormWithDivisionsSchema,
  type DivisionErrors,
  DivisionFields,
  type DivisionRow,
  divisionRowsFromView,
  postedFormWithDivisions,
  refusedDivisions,
  withDivisionRows,
} from "../../components/division_fields.tsx";
import { StatusBadge } from "../../components/status_badge.tsx";
import { SandboxTools } from "../../components/sandbox_tools.tsx";
import { EmbedSnippet } from "../../components/embed_snippet.tsx";
import { FundCard, FundedNotice } from "../../components/funding_card.tsx";
import { RaceCard } from "../../components/race_card.tsx";
import { ShareLinkCard } from "../../components/share_link_card.tsx";
import { StoresCard } from "../../components/stores_card.tsx";
import { AuditLogCard } from "../../components/audit_log.tsx";
import { ReviewQueueCard } from "../../components/review_queue.tsx";
import { PayoutCard } from "../../components/payout_card.tsx";
import { RefundsCard } from "../../components/refunds_card.tsx";
import { CancelCard } from "../../components/cancel_card.tsx";
import { Card } from "../../components/card.tsx";
import { renderAppPage } from "./_shell.tsx";
import { viewerClock } from "../../lib/web/render.tsx";
import { knownTimeZone } from "../../components/local_date_time.ts";

/**
 * `?saved` after an edit; `?decided=<flagId>` after a decision on an order; `?disqualified=<participantId>` or
 * `?reinstated=…` after a store action; with divisions `?division=<n>` picks the race card's board; `?review=all`
 * shows every order of the review queue (else each list's first `REVIEW_SHOWN`).
 */
const MANAGE_QUERY = z.object({
  saved: QUERY_TEXT,
  decided: QUERY_TEXT,
  disqualified: QUERY_TEXT,
  reinstated: QUERY_TEXT,
  division: QUERY_TEXT,
  review: QUERY_TEXT,
});

/** The competition of the path, when the caller created it; 401 signed out, 404 when private, 403 for anyone else. */
function loadOwnCompetition(c: Context<AppEnv>, deps: AppDeps): Promise<Competition> {
  return getOwnCompetition(deps.kv, c.req.param("id")!, requireUserId(c), "manage");
}

async function renderManage(
  c: Context<AppEnv>,
  deps: AppDeps,
  competition: Competition,
  shown: {
    form?: {
      values: CompetitionFormValues;
      errors: FieldErrors;
      divisions: { rows: DivisionRow[]; errors: DivisionErrors };
    };
    actionError?: string;
    /** The refusal's status (default 400). */
    status?: 400 | 409;
    saved?: boolean;
    /** The flag just decided (`?decided=flagId`). */
    decided?: string;
    /** A store the creator just disqualified or reinstated (`?disqualified=<participantId>`). */
    storeAction?: { action: "disqualified" | "reinstated"; participantId: string };
    /** With divisions, the division whose board the race card shows (`?division=`). */
    division?: string;
    /** Every order of the review queue (`?review=all`). */
    wholeReview?: boolean;
  } = {},
) {
  const { form, actionError } = shown;
  const view = await managePageView(deps, competition, shown.division, shown.wholeReview);
  const acted = shown.storeAction && view.participants.find((p) => p.id === shown.storeAction!.participantId);
  const prize = formatMoney(competition.prize, competition.currency);
  const decided = view.review.decided.find((flag) => flag.id === shown.decided);
  // What this stage needs comes first and open; the rest is folded (`components/card.tsx`), so a phone's page stays
  // short: once the race is over, the results (final: with the payouts) lead and the stores and the share link fold.
  const over = competition.status === "SETTLING" || competition.status === "COMPLETED";
  const completed = competition.status === "COMPLETED";
  // Its division rows and its button are outside the form, tied to it by its id (`division_fields.tsx`).
  const editForm = {
    id: "edit-competition",
    action: `/competitions/${competition.id}/manage/edit`,
    values: form?.values ?? competitionFormValues(view.rules, viewerClock(c).timeZone),
    errors: form?.errors ?? {},
    locked: view.locked,
    lockNote: view.lockNote,
  };
  return renderAppPage(c, deps, {
    title: `Manage ${competition.title}`,
    community: competition.experienceId,
    status: form || actionError ? shown.status ?? 400 : 200,
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
        {shown.saved && <p class="notice" role="status">Changes saved.</p>}
        {acted && (
          <p class="notice" role="status">
            {acted.disqualified
              ? `${acted.displayName} disqualified: ${acted.disqualified.reason}`
              : `${acted.displayName} reinstated: ranked again.`}
          </p>
        )}
        {decided && (
          <p class="notice" role="status">
            Order #{decided.orderId} of {decided.displayName}{" "}
            {decided.decision === "count" ? "now counts" : "is excluded"}
            : the board has moved and the store has been told.
          </p>
        )}
        {actionError && <p class="notice notice-error" role="alert">{actionError}</p>}
        <FundedNotice competition={competition} />
        {competition.fundingIssue && (
          <p class="notice notice-error" role="alert">Funding problem: {competition.fundingIssue}</p>
        )}
        {completed && <PayoutCard competition={competition} payouts={view.payouts} places={view.places} />}
        {competition.status === "DRAFT" && <FundCard competition={competition} funding={view.funding} />}
        {view.editable && (
          <Card
            id="edit-heading"
            title={competition.status === "DRAFT" ? "Edit the rules" : "Edit the title and description"}
            class="form-card"
            folded={competition.status !== "DRAFT" && !form}
          >
            {competition.status === "DRAFT"
              ? <CreateFormIsland {...editForm} minDurationS={deps.config.competitionMinDurationS} />
              // Funded, only the title and description can change: the form needs no checks in the browser (the
              // server's answer shows any message next to its field), so the page ships no form island.
              : <CompetitionForm {...editForm} />}
            <DivisionFields
              form={editForm.id}
              rows={form?.divisions.rows ?? divisionRowsFromView(view.rules)}
              errors={form?.divisions.errors ?? {}}
              locked={view.locked.includes("divisions")}
            />
            <button type="submit" form={editForm.id}>Save changes</button>
          </Card>
        )}
        <SandboxTools sandbox={deps.config.sandbox} competition={competition} now={view.now} />
        {view.leaderboard && (
          <RaceCard competition={competition} leaderboard={view.leaderboard} division={view.division} now={view.now} />
        )}
        {view.following && competition.status !== "UPCOMING" && (
          <ReviewQueueCard
            competitionId={competition.id}
            review={view.review}
            wholeHref={`/competitions/${competition.id}/manage?${new URLSearchParams({
              ...(shown.division ? { division: shown.division } : {}),
              review: "all",
            })}#review`}
            folded={completed}
          />
        )}
        {view.following && <ShareLinkCard url={view.publicUrl} folded={over} />}
        <StoresCard
          // While the race runs, open only when a store needs the creator's eye; before it, to see who joined.
          folded={over || (competition.status === "ACTIVE" && view.storesNeedingAttention === 0)}
          needingAttention={view.storesNeedingAttention}
          competitionId={competition.id}
          participants={view.participants}
          rankingActions={view.canChangeRanking}
          inCommunity={view.inCommunity}
          competition={competition}
          now={view.now}
        />
        <AuditLogCard entries={view.audit} folded />
        {view.embeddable && (
          <EmbedSnippet
            appUrl={deps.config.appUrl}
            competitionId={competition.id}
            title={competition.title}
            divisions={competition.divisions?.length}
            folded
          />
        )}
        <RefundsCard refunds={view.refunds} />
        {view.editable && !competition.seasonId && <CancelCard competition={competition} folded={!actionError} />}
        {competition.seasonId && (
          <p class="card">
            This is round {competition.seasonRound} of a season: its rounds are cancelled from{" "}
            <a href={`/seasons/${competition.seasonId}`}>the season's page</a>.
          </p>
        )}
      </>
    ),
  });
}

/**
 * Routes: `GET /competitions/:id/manage` (`?saved`, `?decided=flagId`, `?disqualified=…`, `?reinstated=…`,
 * `?review=all`),
 * `POST …/manage/edit`,
 * `POST …/manage/participants/:participantId/disqualify|reinstate`, `POST …/manage/flags/:flagId`
 * (`decision`, `note`), `POST …/manage/cancel`.
 */
export function manageRoutes(deps: AppDeps): Hono<AppEnv> {
  const actions = competitionActions({ ...deps, sendNotification: deps.lifecycle?.sendNotification });
  return new Hono<AppEnv>()
    .get("/competitions/:id/manage", validQuery(MANAGE_QUERY), async (c) => {
      const query = c.req.valid("query");
      const storeAction = query.disqualified
        ? { action: "disqualified" as const, participantId: query.disqualified }
        : query.reinstated
        ? { action: "reinstated" as const, participantId: query.reinstated }
        : undefined;
      return renderManage(c, deps, await loadOwnCompetition(c, deps), {
        saved: query.saved !== undefined,
        decided: query.decided,
        storeAction,
        division: query.division,
        wholeReview: query.review === "all",
      });
    })
    .post("/competitions/:id/manage/edit", signedIn, validForm(competitionFormWithDivisionsSchema()), async (c) => {
      const competition = await loadOwnCompetition(c, deps);
      const posted = postedFormWithDivisions(c.req.valid("form"));
      const { values } = posted;
      // Locked rules are disabled in the form, so they are not sent: they keep their value.
      const locked = lockedFields(competition);
      const editable = Object.fromEntries(
        Object.entries(values).filter(([field]) => !(locked as string[]).includes(field)),
      ) as CompetitionFormValues;
      try {
        const patch = withDivisionRows(formValuesToPatch(editable), posted.rows, locked.includes("divisions"));
        await actions.edit(competition.id, requireUserId(c), patch);
      } catch (error) {
        // Locked since the form was shown (a checkout made or a payment applied meanwhile): the page says why.
        if (error instanceof ConflictError) {
          return renderManage(c, deps, await loadOwnCompetition(c, deps), { actionError: error.message });
        }
        if (!(error instanceof ValidationError)) throw error;
        const stored = competitionFormValues(competitionView(competition), knownTimeZone(values.timeZone));
        for (const field of COMPETITION_FIELDS) if ((locked as string[]).includes(field)) values[field] = stored[field];
        if (locked.includes("privacy")) values.privacy = stored.privacy;
        const divisions = locked.includes("divisions")
          ? { rows: divisionRowsFromView(competitionView(competition)), errors: {} }
          : refusedDivisions(posted, error);
        return renderManage(c, deps, competition, { form: { values, errors: formErrorsOf(error), divisions } });
      }
      return c.redirect(`/competitions/${competition.id}/manage?saved`, 303);
    })
    .post(
      "/competitions/:id/manage/participants/:participantId/:action{disqualify|reinstate}",
      signedIn,
      validForm(fieldsOf("reason")),
      async (c) => {
        const competition = await loadOwnCompetition(c, deps);
        const store = { competitionId: competition.id, participantId: c.req.param("participantId") };
        const disqualify = c.req.param("action") === "disqualify";
        const act = disqualify ? actions.disqualify : actions.reinstate;
        try {
          await act(store, requireUserId(c), c.req.valid("form").reason);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return renderManage(c, deps, competition, { actionError: error.issues[0]?.message ?? error.message });
        }
        const done = `${disqualify ? "disqualified" : "reinstated"}=${encodeURIComponent(store.participantId)}`;
        return c.redirect(`/competitions/${competition.id}/manage?${done}`, 303);
      },
    )
    .post(
      "/competitions/:id/manage/flags/:flagId",
      signedIn,
      validForm(fieldsOf("decision", "note")),
      async (c) => {
        const competition = await loadOwnCompetition(c, deps);
        const flagId = c.req.param("flagId");
        try {
          await decideFlag(deps.kv, {
            competitionId: competition.id,
            flagId,
            userId: requireUserId(c),
            isOperator: false,
            body: c.req.valid("form"),
            now: deps.now(),
            sendNotification: deps.lifecycle?.sendNotification,
          });
        } catch (error) {
          if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
          const message = error instanceof ValidationError ? error.issues[0]?.message ?? error.message : error.message;
          return renderManage(c, deps, competition, { actionError: message, status: error.status as 400 | 409 });
        }
        return c.redirect(`/competitions/${competition.id}/manage?decided=${encodeURIComponent(flagId)}#review`, 303);
      },
    )
    .post("/competitions/:id/manage/cancel", signedIn, validForm(fieldsOf("confirm")), async (c) => {
      const competition = await loadOwnCompetition(c, deps);
      if (c.req.valid("form").confirm !== "yes") {
        return renderManage(c, deps, competition, {
          actionError: "Tick the box to confirm: cancelling cannot be undone.",
        });
      }
      await actions.cancel(competition.id, requireUserId(c));
      return c.redirect(`/competitions/${competition.id}/manage`, 303);
    });
}
