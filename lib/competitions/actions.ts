/**
 * What a signed-in user does to a competition, one function per use-case,
 * called by every surface that offers it (the JSON API, the site's form
 * pages, the Whop experience view), so that each runs the same checks in the
 * same order wherever it is asked: routes only translate HTTP to these calls
 * and their outcomes back.
 *
 * - create: the per-user limit, then the input parsed and normalised, then
 *   the community named by that normalised input authorised, then the
 *   draft stored. The authorised value is the stored one: a community id
 *   with stray spaces is trimmed before it is checked, never after.
 * - edit, cancel, disqualify, reinstate, join start: first a competition the
 *   caller may not see (another's private one, a community's they are not
 *   in) is 404, as for every read; then the domain function decides
 *   (creator only, and the status rules, inside its atomic commit).
 * - join start, after that: the per-user limit, then the store at once when
 *   it is the user's connected store, else a ticket for a window of its own
 *   (from Whop's frame), else Shopify's install redirect.
 * - fund: one surface only, already one function: `createEscrowCheckout`
 *   (`lib/whop/escrow.ts`) with the competition's subject.
 *
 * It lives beside the rules it applies; it calls the Whop and Shopify
 * modules (community access, refunds, the install redirect), which never
 * call it back.
 */
import type Whop from "@whop/sdk";
import { ForbiddenError, ValidationError } from "../core/errors.ts";
import { RATE_LIMITS, RateLimiter } from "../web/rate_limit.ts";
import { oncePerForm } from "../web/form_once.ts";
import { assertCommunityAdmin, assertMaySee } from "../whop/access.ts";
import { isWhopCurrency } from "../whop/currencies.ts";
import { cancelAndRefund, type Refund } from "../whop/refunds.ts";
import { beginJoin, joinConnectedStore, type JoinDeps, type JoinRequest } from "../shopify/join.ts";
import { issueJoinTicket } from "../shopify/join_tickets.ts";
import type { BrowserRequest, OAuthStart } from "../shopify/oauth.ts";
import { type Competition, getCompetition, getVisibleCompetition, saveDraft } from "./competitions.ts";
import { editCompetition } from "./editing.ts";
import { setDisqualification } from "./disqualification.ts";
import { experienceIdOf, type InputRules } from "./input.ts";
import { parseCompetitionInput } from "./written_input.ts";
import type { NotificationSender } from "./notifications.ts";
import type { Participant } from "./participants.ts";

/** What the use-cases need; `AppDeps` has it all. */
export interface ActionDeps {
  kv: Deno.Kv;
  /** The clock, in epoch milliseconds. */
  now: () => number;
  /** The shortest allowed competition, seconds (`COMPETITION_MIN_DURATION_S`). */
  config: { competitionMinDurationS: number };
  /** The Whop client, for community access; without it no community admits anyone. */
  whop?: Whop;
  /** Delivers notifications through Whop (a disqualified store is told); in-app only when absent. */
  sendNotification?: NotificationSender;
}

/** How a join goes on: the store entered at once, Shopify's install page, or a ticket for a window of its own. */
export type JoinOutcome =
  | { kind: "joined"; participant: Participant }
  | { kind: "authorize"; start: OAuthStart }
  | { kind: "ticket"; ticket: string; shop: string };

/** Which store, in which competition. */
export interface StoreRef {
  competitionId: string;
  participantId: string;
}

/**
 * The competition `userId` created: 404 when it is private to someone else
 * (as for every read), 403 ("Only the creator can `action` this
 * competition.") when it is another's.
 */
export async function getOwnCompetition(
  kv: Deno.Kv,
  competitionId: string,
  userId: string,
  action: string,
): Promise<Competition> {
  const competition = await getVisibleCompetition(kv, competitionId, userId);
  if (competition.creatorId !== userId) throw new ForbiddenError(`Only the creator can ${action} this competition.`);
  return competition;
}

/** The rules an input is checked under now: the clock, the shortest competition, Whop's currencies. */
export function inputRules(deps: Pick<ActionDeps, "now" | "config">): InputRules {
  return { now: deps.now(), minDurationS: deps.config.competitionMinDurationS, acceptsCurrency: isWhopCurrency };
}

/**
 * The create use-case's check of an input (a competition's, or a season's
 * whose template names the community): `parse` normalises it, then the
 * community it names is authorised (community admins only) on the
 * normalised value, the one stored. A refused input still has its community
 * authorised first (read from `body`, or `body.template`): someone outside
 * the community learns nothing of it, not even which of their fields are
 * wrong.
 */
export async function authoriseInput<T extends { experienceId?: string } | { template: { experienceId?: string } }>(
  deps: Pick<ActionDeps, "kv" | "whop">,
  userId: string,
  parse: () => T,
  body: unknown,
): Promise<T> {
  let input: T;
  try {
    input = parse();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const template = (body as { template?: unknown } | null)?.template;
    const experienceId = experienceIdOf(body) ?? experienceIdOf(template);
    if (experienceId !== undefined) await assertCommunityAdmin(deps, experienceId, userId);
    throw error;
  }
  const experienceId = "template" in input ? input.template.experienceId : input.experienceId;
  if (experienceId !== undefined) await assertCommunityAdmin(deps, experienceId, userId);
  return input;
}

/**
 * The use-cases over `deps`. Build once per surface: its rate limiter
 * remembers full windows in the process.
 *
 * @example
 * const actions = competitionActions(deps);
 * const competition = await actions.create(userId, await c.req.json());
 */
export function competitionActions(deps: ActionDeps) {
  const limiter = new RateLimiter(deps.kv, deps.now);
  const rules = () => inputRules(deps);

  /**
   * The competition as `userId` may see it, or the 404 of an unknown id:
   * another's private competition, or a community's they are not in. Every
   * use-case on a competition runs it first, whatever surface calls it.
   */
  async function visible(competitionId: string, userId: string): Promise<Competition> {
    const competition = await getVisibleCompetition(deps.kv, competitionId, userId);
    await assertMaySee(deps, competition, userId);
    return competition;
  }

  return {
    /**
     * Creates a DRAFT of `userId` from `body` (the JSON input, or the form's
     * values converted to it). Throws `RateLimitedError` past the per-user
     * limit, `NotFoundError`/`ForbiddenError` when the community it names is
     * not the caller's to create in, `ValidationError` naming each field. A
     * form's one-time `formToken` makes it create once however often the form
     * is sent: a repeat gets the draft the first made (`lib/web/form_once.ts`).
     */
    async create(userId: string, body: unknown, formToken?: unknown): Promise<Competition> {
      const id = await oncePerForm(deps.kv, { userId, form: "create", token: formToken }, async () => {
        await limiter.consume(RATE_LIMITS.competitionCreation, userId);
        const input = await authoriseInput(deps, userId, () => parseCompetitionInput(rules(), body), body);
        return (await saveDraft(deps.kv, userId, input, deps.now())).id;
      });
      return getCompetition(deps.kv, id);
    },

    /** Edits the rules before the start (creator only; a funded one keeps its prize). */
    async edit(competitionId: string, userId: string, patch: Record<string, unknown>): Promise<Competition> {
      await visible(competitionId, userId);
      return editCompetition(deps.kv, competitionId, userId, patch, rules());
    },

    /** Cancels before the start (creator only); a funded prize is refunded through Whop. */
    async cancel(competitionId: string, userId: string): Promise<{ competition: Competition; refund: Refund | null }> {
      await visible(competitionId, userId);
      return cancelAndRefund(deps, competitionId, userId);
    },

    /** Takes a store out of the ranking with a public `reason` (creator only, until the results freeze). */
    disqualify(store: StoreRef, userId: string, reason: unknown): Promise<Participant> {
      return setRanking(store, userId, "disqualified", reason);
    },

    /** Puts a disqualified store back in the ranking, with an optional `note` (creator only). */
    reinstate(store: StoreRef, userId: string, note: unknown): Promise<Participant> {
      return setRanking(store, userId, "reinstated", note);
    },

    /**
     * Joins with a store: at once when it is the user's connected store
     * (no OAuth), else a ticket when `inFrame` (the browser is in Whop's
     * frame, where Shopify's cookie cannot be kept), else Shopify's install
     * page to redirect to. Throws `RateLimitedError` past the per-user limit,
     * else what `checkJoin` throws (a bad shop, a closed competition, a
     * second join) or the currency refusal.
     */
    async startJoin(
      shopify: JoinDeps,
      request: JoinRequest & BrowserRequest & { inFrame: boolean },
    ): Promise<JoinOutcome> {
      await visible(request.competitionId, request.userId);
      await limiter.consume(RATE_LIMITS.joinAttempts, request.userId);
      const participant = await joinConnectedStore(shopify, request);
      if (participant) return { kind: "joined", participant };
      if (request.inFrame) return { kind: "ticket", ...await issueJoinTicket(shopify, request) };
      return { kind: "authorize", start: await beginJoin(shopify, request) };
    },
  };

  async function setRanking(
    store: StoreRef,
    userId: string,
    action: "disqualified" | "reinstated",
    reason: unknown,
  ): Promise<Participant> {
    await visible(store.competitionId, userId);
    return setDisqualification(deps.kv, {
      ...store,
      userId,
      action,
      reason,
      now: deps.now(),
      sendNotification: deps.sendNotification,
    });
  }
}

/** The use-cases, as built by {@link competitionActions}. */
export type CompetitionActions = ReturnType<typeof competitionActions>;
