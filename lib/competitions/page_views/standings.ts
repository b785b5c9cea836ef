/**
 * The store owner's "My competitions" model (`GET /my-competitions`): each
 * competition their stores are in, with the store's rank and whether it won.
 */
import { type Competition, getCompetition } from "../competitions.ts";
import { readLeaderboard } from "../leaderboard.ts";
import { listParticipationsOfUser, type Participant } from "../participants.ts";
import { paidPlaces } from "../settlement.ts";

/** One participation with its standing. */
export interface Standing {
  participant: Participant;
  competition: Competition;
  /** Rank in the leaderboard (its division's, with divisions; shared ranks for ties), or `null` outside the top 1000 or not yet placed. */
  rank: number | null;
  outcome: "won" | "lost" | "running" | "cancelled";
}

/** Where the user's stores stand, newest competition first. */
export async function readStandings(kv: Deno.Kv, userId: string): Promise<Standing[]> {
  const participations = await listParticipationsOfUser(kv, userId);
  const standings = await Promise.all(participations.map(async (participant): Promise<Standing> => {
    const [competition, rows] = await Promise.all([
      getCompetition(kv, participant.competitionId),
      // With divisions a store ranks in its own division (not yet placed: no rank).
      participant.division === null ? [] : readLeaderboard(kv, participant.competitionId, 1000, participant.division),
    ]);
    const rank = rows.find((row) => row.id === participant.id)?.rank ?? null;
    const outcome = competition.status === "COMPLETED"
      ? paidPlaces(competition).some((place) => place.participantId === participant.id && (place.place ?? 1) === 1)
        ? "won"
        : "lost"
      : competition.status === "CANCELLED"
      ? "cancelled"
      : "running";
    return { participant, competition, rank, outcome };
  }));
  return standings.sort((a, b) => b.competition.startDate.localeCompare(a.competition.startDate));
}
