/**
 * What a signed-in user does to a season, one function per use-case, called
 * by every surface that offers it (the JSON API, the site's forms), so each
 * runs the same checks in the same order:
 *
 * - create: a competition's create use-case exactly (the per-user limit,
 *   counted with competitions; the input parsed and normalised; the
 *   community its template names authorised on that normalised value; a
 *   form's one-time token), then the season stored as a DRAFT;
 * - cancel, join: first a season the caller may not see is 404; then the
 *   domain decides (creator only, the status rules, inside its commit);
 * - join enters the store in the round open now through the competition's
 *   own join (a connected store at once, else Shopify's OAuth), which makes
 *   it the season's entrant: the season job enters it in every later round.
 * - fund: `createEscrowCheckout` with the season's subject (`lib/whop/`).
 */
import { ConflictError } from "../core/errors.ts";
import { RATE_LIMITS, RateLimiter } from "../web/rate_limit.ts";
import { oncePerForm } from "../web/form_once.ts";
import { assertMaySee } from "../whop/access.ts";
import { type Refund, requestSeasonRefund } from "../whop/refunds.ts";
import type { JoinDeps, JoinRequest } from "../shopify/join.ts";
import type { BrowserRequest } from "../shopify/oauth.ts";
import {
  type ActionDeps,
  authoriseInput,
  competitionActions,
  inputRules,
  type JoinOutcome,
} from "../competitions/actions.ts";
import { findParticipantOfUser } from "../competitions/participants.ts";
import { getSeason, getVisibleSeason, saveSeasonDraft, type Season } from "./seasons.ts";
import { parseSeasonInput } from "./season_input.ts";
import { cancelSeason } from "./cancelling.ts";
import { loadRounds, openRounds } from "./rounds.ts";
import { recordEntrant } from "./entrants.ts";

/** A season join: how it goes on, and the round the store enters first. */
export type SeasonJoinOutcome = JoinOutcome & { competitionId: string };

/**
 * The season use-cases over `deps`. Build once per surface: its rate
 * limiter remembers full windows in the process.
 *
 * @example
 * const season = await seasonActions(deps).create(userId, await c.req.json());
 */
export function seasonActions(deps: ActionDeps) {
  const limiter = new RateLimiter(deps.kv, deps.now);
  const competitions = competitionActions(deps);

  /** The season as `userId` may see it, or the 404 of an unknown id. */
  async function visible(seasonId: string, userId: string): Promise<Season> {
    const season = await getVisibleSeason(deps.kv, seasonId, userId);
    await assertMaySee(deps, season, userId, "season");
    return season;
  }

  return {
    /**
     * Creates a DRAFT season of `userId` from `body`. Throws
     * `RateLimitedError` past the per-user limit (shared with competitions),
     * `NotFoundError`/`ForbiddenError` when the template's community is not
     * the caller's to create in, `ValidationError` naming each field.
     */
    async create(userId: string, body: unknown, formToken?: unknown): Promise<Season> {
      const id = await oncePerForm(deps.kv, { userId, form: "create_season", token: formToken }, async () => {
        await limiter.consume(RATE_LIMITS.competitionCreation, userId);
        const input = await authoriseInput(deps, userId, () => parseSeasonInput(inputRules(deps), body), body);
        return (await saveSeasonDraft(deps.kv, userId, input, deps.now())).id;
      });
      return getSeason(deps.kv, id);
    },

    /**
     * Cancels the season before round 1 starts, or its rounds not yet
     * started after (creator only), and requests the refund: in full, or
     * exactly the called-off rounds' prizes.
     */
    async cancel(seasonId: string, userId: string): Promise<{ season: Season; refund: Refund | null }> {
      await visible(seasonId, userId);
      const season = await cancelSeason(deps.kv, seasonId, userId, deps.now());
      return { season, refund: await requestSeasonRefund(deps, season) };
    },

    /**
     * Joins the season with a store: it enters the round open now (the
     * current one, else the next) as a competition join does; a user
     * already in that round is the season's at once.
     */
    async startJoin(
      shopify: JoinDeps,
      request: Omit<JoinRequest, "competitionId"> & BrowserRequest & { seasonId: string; inFrame: boolean },
    ): Promise<SeasonJoinOutcome> {
      const season = await visible(request.seasonId, request.userId);
      const now = deps.now();
      if (season.status !== "UPCOMING" && season.status !== "ACTIVE") {
        throw new ConflictError(
          season.status === "DRAFT"
            ? "This season is not open for joining: it is not funded yet."
            : `This season is not open for joining: it is ${season.status.toLowerCase()}.`,
        );
      }
      const [round] = openRounds(await loadRounds(deps.kv, season), now);
      if (!round) throw new ConflictError("This season has no round open to join now; try again in a minute.");
      const own = await findParticipantOfUser(deps.kv, request.userId, round.id);
      if (own) {
        await recordEntrant(deps.kv, season.id, own, now);
        return { kind: "joined", participant: own, competitionId: round.id };
      }
      return {
        ...await competitions.startJoin(shopify, { ...request, competitionId: round.id }),
        competitionId: round.id,
      };
    },
  };
}

/** The season use-cases, as built by {@link seasonActions}. */
export type SeasonActions = ReturnType<typeof seasonActions>;
