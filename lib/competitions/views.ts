/**
 * The JSON views routes render: a competition and its leaderboard with money
 * as decimal strings, and the caller's profile. Computed here so that routes
 * neither read KV nor repeat the shape; the events stream, the pages and the
 * API all send the same leaderboard view. Every view takes the viewer (undefined:
 * a stranger) so that privacy mode (`privacy.ts`) hides what they may not see.
 */
import { keys, readMany } from "../core/db.ts";
import { toDecimalString } from "../core/money.ts";
import { getUser } from "../core/users.ts";
import { NotFoundError, UnauthorizedError } from "../core/errors.ts";
import {
  type Competition,
  competitionPrizeDecimal,
  type CompetitionStatus,
  isPrivateToCreator,
  listCompetitionsByCreator,
  listPublicCompetitions,
  type Winner,
} from "./competitions.ts";
import { readDisqualified, readLeaderboard, readUnplaced, toEntries } from "./leaderboard.ts";
import { boardOf, divisionRange, hasDivisions, placesOfBoard } from "./divisions.ts";
import { prizeSplitOf } from "./prize_split.ts";
import { type LeaderboardRow, listParticipationsOfUser } from "./participants.ts";
import { boardFor, canSeePlaceFigures, figureAccess, isListedPublicly } from "./privacy.ts";

/**
 * A decided place with money as decimal strings. Under privacy mode its
 * figures (revenue, metric value) only for the creator and that place's own
 * store owner; the prize amount is public.
 */
function placeView(competition: Competition, place: Winner, viewerId: string | undefined) {
  const { currency } = competition;
  const { revenue, value, ...rest } = place;
  const figures = canSeePlaceFigures(competition, place, viewerId)
    ? { revenue: toDecimalString(revenue, currency), value }
    : {};
  return {
    ...rest,
    ...figures,
    place: place.place ?? 1,
    amount: place.amount === undefined ? undefined : toDecimalString(place.amount, currency),
  };
}

/**
 * A competition as the API shows it to `viewerId` (undefined: a stranger):
 * money as decimal strings, the rules of records stored before splits and
 * metrics with their defaults, and under privacy mode the places' figures
 * only for those who may see them. The funding checkout is the creator's
 * business (`POST …/fund` answers it), never part of the view.
 */
export function competitionView(competition: Competition, viewerId?: string) {
  const { currency } = competition;
  const { checkout: _checkout, ...shown } = competition;
  return {
    ...shown,
    prize: competitionPrizeDecimal(competition),
    prizeSplit: prizeSplitOf(competition),
    metric: competition.metric ?? "revenue",
    growthMinBaseline: competition.growthMinBaseline === undefined
      ? undefined
      : toDecimalString(competition.growthMinBaseline, currency),
    countManualOrders: competition.countManualOrders ?? false,
    customerCap: competition.customerCap === undefined ? undefined : toDecimalString(competition.customerCap, currency),
    winner: competition.winner ? placeView(competition, competition.winner, viewerId) : competition.winner,
    places: competition.places?.map((place) => placeView(competition, place, viewerId)),
    unearned: competition.unearned === undefined ? undefined : toDecimalString(competition.unearned, currency),
    divisions: competition.divisions?.map((_, i) => divisionView(competition, i + 1)),
  };
}

/** The JSON shape of {@link competitionView}. */
export type CompetitionView = ReturnType<typeof competitionView>;

/** Which competitions a list asks for (`GET /api/competitions`). */
export interface ListQuery {
  status?: CompetitionStatus;
  /** A creator's user id, or `me`: that creator's competitions (the caller's own drafts included). */
  creator?: string;
}

/**
 * The competitions `viewerId` asked for, as views: anyone's public ones
 * (never a private or community-only one); with `creator`, that creator's
 * (the caller's own drafts included); `status: "DRAFT"` alone, the caller's
 * drafts. Asking for a creator or drafts needs a signed-in caller.
 */
export async function competitionListView(kv: Deno.Kv, query: ListQuery, viewerId: string | undefined) {
  const signedIn = () => {
    if (!viewerId) throw new UnauthorizedError("Sign in with Whop to do that.");
    return viewerId;
  };
  let competitions: Competition[];
  if (query.creator !== undefined) {
    const userId = signedIn();
    competitions = (await listCompetitionsByCreator(kv, query.creator === "me" ? userId : query.creator))
      .filter((competition) =>
        competition.creatorId === userId || (!isPrivateToCreator(competition) && isListedPublicly(competition))
      );
    if (query.status) competitions = competitions.filter((competition) => competition.status === query.status);
  } else if (query.status === "DRAFT") {
    competitions = (await listCompetitionsByCreator(kv, signedIn()))
      .filter((competition) => competition.status === "DRAFT");
  } else {
    competitions = (await listPublicCompetitions(kv, 200, query.status)).filter(isListedPublicly);
  }
  return { competitions: competitions.map((competition) => competitionView(competition, viewerId)) };
}

/**
 * The leaderboard JSON of a competition as `viewerId` (undefined: a stranger,
 * as on the live stream and the public API) may see it: its view, the ranked
 * entries, the stores taken out of the ranking and when the board last
 * changed. With divisions it is the board of division `division` (default
 * the first): `division` says which, and `unplaced` lists the stores not yet
 * placed in one (names only: a placement is decided by figures).
 */
export async function leaderboardView(
  kv: Deno.Kv,
  competition: Competition,
  limit = 100,
  viewerId?: string,
  division?: number,
) {
  const divided = hasDivisions(competition);
  const board = boardOf(competition, divided ? division ?? 1 : undefined);
  if (!board) throw new NotFoundError("There is no such division in this competition.");
  const [rows, out, unplaced, change] = await Promise.all([
    readLeaderboard(kv, competition.id, limit, board.division),
    readBoardDisqualified(kv, competition, board.division),
    divided ? readUnplaced(kv, competition.id, limit) : [],
    kv.get<{ at: number }>(keys.changes(competition.id)),
  ]);
  const places = competition.places && placesOfBoard(competition.places, board.division);
  const entries = toEntries(rows, { currency: competition.currency, ...board, places });
  return {
    competition: competitionView(competition, viewerId),
    ...(board.division === undefined ? {} : {
      /** The division whose board this is, with its winner once decided. */
      division: {
        ...divisionView(competition, board.division),
        winner: places?.[0] ? placeView(competition, places[0], viewerId) : undefined,
      },
      /** Stores not placed in a division yet: before the start, and until their first sync after it. */
      unplaced: unplaced.map((row) => ({
        participantId: row.id,
        displayName: row.displayName,
        shop: row.shop,
        connected: row.connection === "connected",
      })),
    }),
    entries: boardFor(competition, entries, viewerId),
    /** Stores the creator took out of the ranking (of this board, or not yet placed), with the public reason. */
    disqualified: out.map((row) => ({
      participantId: row.id,
      displayName: row.displayName,
      shop: row.shop,
      reason: row.disqualified?.reason ?? "",
      at: row.disqualified?.at ?? "",
    })),
    // Under privacy mode the board's change time would time every order: only those who see every figure get it.
    updatedAt: figureAccess(competition, viewerId) === "all" && change.value
      ? new Date(change.value.at).toISOString()
      : competition.updatedAt,
  };
}

/**
 * The stores taken out of the ranking that a board shows: with divisions,
 * those of `division` and those not yet placed in one; without, all of them.
 */
export async function readBoardDisqualified(
  kv: Deno.Kv,
  competition: Pick<Competition, "id" | "divisions">,
  division: number | undefined,
): Promise<LeaderboardRow[]> {
  const out = await readDisqualified(kv, competition.id);
  if (!hasDivisions(competition)) return out;
  return out.filter((row) => row.division === division || row.division === null);
}

/** One division as the JSON shows it: its number (the `?division=` value), name, range, prize and split. */
function divisionView(competition: Pick<Competition, "currency" | "divisions">, number: number) {
  const division = competition.divisions![number - 1];
  const money = (minor: number) => toDecimalString(minor, competition.currency);
  return {
    number,
    name: division.name,
    upTo: division.upTo === undefined ? undefined : money(division.upTo),
    prize: money(division.prize),
    prizeSplit: prizeSplitOf(division),
    /** Which stores it takes, for people. */
    range: divisionRange(competition.divisions!, number, competition.currency),
  };
}

/** The JSON shape of {@link leaderboardView}. */
export type LeaderboardView = Awaited<ReturnType<typeof leaderboardView>>;

/**
 * Whose live stream `viewerId` follows: their own under privacy mode when
 * they see figures strangers do not (the creator, or a store owner in the
 * competition), else the strangers' stream everyone shares (undefined).
 * The shared stream changes only when a rank or a band does, so it would
 * not carry their own figure as it moves.
 */
export async function liveViewerOf(
  kv: Deno.Kv,
  competition: Pick<Competition, "id" | "privacy" | "creatorId">,
  viewerId: string | undefined,
): Promise<string | undefined> {
  if (competition.privacy !== "ranks" || viewerId === undefined) return undefined;
  if (viewerId === competition.creatorId) return viewerId;
  return (await kv.get(keys.participantByUser(viewerId, competition.id))).value === null ? undefined : viewerId;
}

/**
 * The caller's profile (`GET /api/user`): who they are, the competitions
 * they created and those they entered (with which store). `balances` come
 * from Whop and are passed in (null when Whop did not answer).
 */
export async function userView<B>(kv: Deno.Kv, userId: string, balances: B[] | null) {
  const [user, created, participations] = await Promise.all([
    getUser(kv, userId),
    listCompetitionsByCreator(kv, userId),
    listParticipationsOfUser(kv, userId),
  ]);
  const joinedIds = [...new Set(participations.map((p) => p.competitionId))];
  const joinedCompetitions = new Map<string, Competition>();
  for (const competition of await readMany<Competition>(kv, joinedIds.map(keys.competition))) {
    if (competition) joinedCompetitions.set(competition.id, competition);
  }
  return {
    id: user.id,
    name: user.name,
    username: user.username ?? null,
    balance: balances?.[0] ?? null,
    balances,
    competitions: {
      created: created.map((competition) => competitionView(competition, userId)),
      joined: participations.flatMap((participant) => {
        const competition = joinedCompetitions.get(participant.competitionId);
        return competition
          ? [{
            ...competitionView(competition, userId),
            participation: {
              participantId: participant.id,
              shop: participant.shop,
              displayName: participant.displayName,
            },
          }]
          : [];
      }),
    },
  };
}

/**
 * Where a user lands after signing in with no page to go back to: a creator
 * on the competitions they created, a store owner on those they entered, a
 * newcomer on the browse page.
 */
export async function landingPageOf(kv: Deno.Kv, userId: string): Promise<"/dashboard" | "/my-competitions" | "/"> {
  const [created, entered] = await Promise.all([
    listCompetitionsByCreator(kv, userId),
    listParticipationsOfUser(kv, userId),
  ]);
  if (created.length > 0) return "/dashboard";
  return entered.length > 0 ? "/my-competitions" : "/";
}
