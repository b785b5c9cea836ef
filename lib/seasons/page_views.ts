/**
 * The season pages' models: `/seasons/:id` (the season, its rounds, the
 * standings, the round running now with its board as the viewer may see
 * it; for its creator the funding, the cancellation and the money's state;
 * for a store owner how to join) and the checkout step of
 * `/seasons/:id/fund`. Computed here so the pages only lay them out.
 */
import { ConflictError } from "../core/errors.ts";
import type { Minor } from "../core/money.ts";
import type { Competition, FundingCheckoutRecord } from "../competitions/competitions.ts";
import { boardsOf } from "../competitions/divisions.ts";
import { isJoinRefusalCode, JOIN_REFUSALS } from "../competitions/join_rules.ts";
import { type LeaderboardView, leaderboardView } from "../competitions/views.ts";
import { listOwnedConnections } from "../shopify/connections.ts";
import { escrowPrice } from "../whop/escrow.ts";
import { SEASON_FUNDING } from "../whop/season_funding.ts";
import { getRefund, type Refund } from "../whop/refunds.ts";
import { listSeasonPayouts, type SeasonPayout } from "../whop/season_payouts.ts";
import type { WhopDeps } from "../whop/deps.ts";
import { getVisibleSeason, roundsPrize, type Season } from "./seasons.ts";
import { cancellationPlan } from "./cancelling.ts";
import { loadRounds, openRounds } from "./rounds.ts";
import { getEntrant, type SeasonEntrant } from "./entrants.ts";
import { type SeasonDetailView, seasonDetailView } from "./views.ts";

/** What the creator's cancel button would do now: call off the whole season or its rounds from one on, and refund what. */
export interface CancelOffer {
  whole: boolean;
  fromRound: number;
  /** What is refunded: the whole payment (`null`: nothing was paid), or the called-off rounds' prizes. */
  refund: Minor | null;
}

/** What `/seasons/:id` shows. */
export interface SeasonPageView {
  season: Season;
  now: number;
  viewerId?: string;
  isCreator: boolean;
  detail: SeasonDetailView;
  /** The round racing now (else the next to start) and its boards (one per division) as the viewer may see them. */
  liveRound: { competition: Competition; boards: LeaderboardView[] } | null;
  /** The creator's price of the season's checkout, while it is a draft. */
  funding?: { amount: Minor; fee: Minor };
  cancel: CancelOffer | null;
  refund: Refund | null;
  payouts: SeasonPayout[];
  /** The viewer's store in the season, if it entered. */
  entrant: SeasonEntrant | null;
  /** Stores may join now (a round is open) and the viewer may (not the creator, not entered yet). */
  joinable: boolean;
  /** The viewer's connected stores in the season's currency, for one-click joins. */
  connectedStores: { shop: string; name?: string }[];
  /** The sentence of the join refusal that sent the browser back. */
  joinError?: string;
}

function cancelOffer(season: Season, now: number): CancelOffer | null {
  try {
    const { whole, fromRound } = cancellationPlan(season, now);
    const refund = whole
      ? (season.fundsTxId ? season.checkout?.amount ?? null : null)
      : roundsPrize(season, season.rounds - fromRound + 1);
    return { whole, fromRound, refund };
  } catch (error) {
    if (error instanceof ConflictError) return null;
    throw error;
  }
}

/**
 * The page of season `id` for `viewerId` (undefined: signed out); 404 as
 * for every read when it is private to someone else.
 */
export async function seasonPageView(
  deps: Pick<WhopDeps, "kv" | "now" | "config">,
  id: string,
  viewerId: string | undefined,
  joinErrorCode?: string,
): Promise<SeasonPageView> {
  const { kv } = deps;
  const now = deps.now();
  const season = await getVisibleSeason(kv, id, viewerId);
  const isCreator = viewerId === season.creatorId;
  const [detail, rounds, entrant] = await Promise.all([
    seasonDetailView(kv, season),
    loadRounds(kv, season),
    viewerId ? getEntrant(kv, season.id, viewerId) : null,
  ]);
  const running = rounds.find((round) => round.status === "ACTIVE" || round.status === "SETTLING") ??
    rounds.find((round) => round.status === "UPCOMING");
  const open = openRounds(rounds, now).length > 0;
  const joinable = open && viewerId !== undefined && !isCreator && !entrant;
  return {
    season,
    now,
    viewerId,
    isCreator,
    detail,
    liveRound: running
      ? {
        competition: running,
        boards: await Promise.all(
          boardsOf(running).map((board) => leaderboardView(kv, running, 20, viewerId, board.division)),
        ),
      }
      : null,
    funding: isCreator && season.status === "DRAFT" ? escrowPrice(deps, SEASON_FUNDING, season) : undefined,
    cancel: isCreator ? cancelOffer(season, now) : null,
    refund: isCreator ? await getRefund(kv, { kind: "season", seasonId: season.id }) : null,
    payouts: isCreator ? await listSeasonPayouts(kv, season.id) : [],
    entrant,
    joinable,
    connectedStores: joinable
      ? (await listOwnedConnections(kv, viewerId!))
        .filter((connection) => !connection.currency || connection.currency === season.currency)
        .map(({ shop, name }) => ({ shop, name }))
      : [],
    joinError: joinable && isJoinRefusalCode(joinErrorCode)
      ? JOIN_REFUSALS[joinErrorCode]({ currency: season.currency })
      : undefined,
  };
}

/** The step between the season's fund button and Whop's checkout, or `null` when there is nothing to pay. */
export async function seasonCheckoutView(
  kv: Deno.Kv,
  id: string,
  userId: string,
): Promise<{ season: Season; checkout: FundingCheckoutRecord } | null> {
  const season = await getVisibleSeason(kv, id, userId);
  if (season.creatorId !== userId || season.status !== "DRAFT" || !season.checkout) return null;
  return { season, checkout: season.checkout };
}
