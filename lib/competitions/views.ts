/**
 * The JSON views routes render: a competition and its leaderboard with money
 * as decimal strings, and the caller's profile. Computed here so that routes
 * neither read KV nor repeat the shape; the events stream, the pages and the
 * API all send the same leaderboard view. Every view takes the viewer (undefined:
 * a stranger) so that privacy mode (`privacy.ts`) hides what they may not see.
 */
import { keys } from "../core/db.ts";
import { toDecimalString } from "../core/money.ts";
import { getUser } from "../core/users.ts";
import { type Competition, competitionPrizeDecimal, listCompetitionsByCreator, type Winner } from "./competitions.ts";
import { readLeaderboard, toEntries } from "./leaderboard.ts";
import { listParticipationsOfUser } from "./participants.ts";
import { boardFor, canSeeWinnerFigure } from "./privacy.ts";

/**
 * A competition as the API shows it to `viewerId` (undefined: a stranger):
 * money as decimal strings; under privacy mode the winner's figure only for
 * the creator and the winner.
 */
export function competitionView(competition: Competition, viewerId?: string) {
  return { ...competition, prize: competitionPrizeDecimal(competition), winner: winnerView(competition, viewerId) };
}

/** The winner with its figure as a decimal string, or without it for a viewer privacy mode keeps it from. */
function winnerView(
  competition: Competition,
  viewerId: string | undefined,
): (Omit<Winner, "revenue"> & { revenue?: string }) | null | undefined {
  if (!competition.winner) return competition.winner;
  const { revenue, ...winner } = competition.winner;
  return canSeeWinnerFigure(competition, viewerId)
    ? { ...winner, revenue: toDecimalString(revenue, competition.currency) }
    : winner;
}

/** The JSON shape of {@link competitionView}. */
export type CompetitionView = ReturnType<typeof competitionView>;

/**
 * The leaderboard JSON of a competition as `viewerId` (undefined: a stranger,
 * as on the live stream and the public API) may see it: its view, the ranked
 * entries and when the board last changed.
 */
export async function leaderboardView(kv: Deno.Kv, competition: Competition, limit = 100, viewerId?: string) {
  const [rows, change] = await Promise.all([
    readLeaderboard(kv, competition.id, limit),
    kv.get<{ at: number }>(keys.changes(competition.id)),
  ]);
  return {
    competition: competitionView(competition, viewerId),
    entries: boardFor(competition, toEntries(rows, competition.currency), viewerId),
    updatedAt: new Date(change.value?.at ?? Date.parse(competition.updatedAt)).toISOString(),
  };
}

/** The JSON shape of {@link leaderboardView}. */
export type LeaderboardView = Awaited<ReturnType<typeof leaderboardView>>;

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
  for (let i = 0; i < joinedIds.length; i += 10) {
    const entries = await kv.getMany<Competition[]>(joinedIds.slice(i, i + 10).map(keys.competition));
    for (const entry of entries) if (entry.value) joinedCompetitions.set(entry.value.id, entry.value);
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
