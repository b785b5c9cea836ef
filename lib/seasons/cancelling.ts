/**
 * Cancelling a season (creator only). Before round 1 starts the whole season
 * is cancelled (a funded one is then refunded in full, as a competition is).
 * Once round 1 has started, cancelling calls off every round not yet started:
 * the season ends after its last round already started, its season prize is
 * still paid on the standings of the rounds played (the stores raced for it),
 * and exactly the called-off rounds' prizes are refunded from the season's
 * payment (`requestSeasonRefund`). A round already made for a called-off slot
 * (the next one is made an interval ahead) is cancelled in the same commit as
 * the season, checked unstarted in it: a round starting at that moment is
 * either cancelled or plays, never both.
 */
import { commit, keys } from "../core/db.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../core/errors.ts";
import { type Competition, replaceCompetitionOps } from "../competitions/competitions.ts";
import { playedRounds, replaceSeasonOps, type Season } from "./seasons.ts";
import { roundStartMs } from "./season_input.ts";

/** What cancelling at `now` calls off: the whole season, or its rounds from `fromRound` on. Throws 409 when nothing can be. */
export function cancellationPlan(season: Season, now: number): { whole: boolean; fromRound: number } {
  if (season.status === "COMPLETED" || season.status === "CANCELLED") {
    throw new ConflictError(`This season is ${season.status.toLowerCase()}; there is nothing left to cancel.`);
  }
  if (season.status === "DRAFT" || now < Date.parse(season.startDate)) return { whole: true, fromRound: 1 };
  const startMs = Date.parse(season.startDate);
  for (let round = 1; round <= playedRounds(season); round++) {
    if (roundStartMs(startMs, season.every, round - 1) > now) return { whole: false, fromRound: round };
  }
  throw new ConflictError("Every round of this season has started; there is nothing left to cancel.");
}

/**
 * Cancels the season, or its rounds not yet started (see the module
 * comment), in one atomic commit with the rounds already made for them.
 * Returns the season as cancelled; the caller requests the refund.
 */
export async function cancelSeason(kv: Deno.Kv, seasonId: string, userId: string, now: number): Promise<Season> {
  for (;;) {
    const entry = await kv.get<Season>(keys.season(seasonId));
    const season = entry.value;
    if (!season) throw new NotFoundError("There is no season with that id.");
    if (season.creatorId !== userId) throw new ForbiddenError("Only the creator can cancel this season.");
    const { whole, fromRound } = cancellationPlan(season, now);
    const at = new Date(now).toISOString();
    const rounds = await kv.getMany<Competition[]>(season.roundIds.slice(fromRound - 1).map(keys.competition));
    for (const round of rounds) {
      const competition = round.value;
      if (!competition || competition.status !== "UPCOMING" || now >= Date.parse(competition.startDate)) {
        throw new ConflictError("A round of this season is starting; try again in a minute.");
      }
    }
    const next: Season = whole
      ? { ...season, status: "CANCELLED", cancelledAt: at, cancelReason: "creator", updatedAt: at }
      : { ...season, cancelledFromRound: fromRound, cancelledAt: at, updatedAt: at };
    const result = await commit(() => {
      const op = replaceSeasonOps(kv.atomic().check(entry, ...rounds), season, next);
      for (const { value: round } of rounds) {
        const cancelled: Competition = { ...round!, status: "CANCELLED", cancelledAt: at, cancelReason: "creator" };
        replaceCompetitionOps(op, round!, { ...cancelled, updatedAt: at }, "status", now);
      }
      return op;
    });
    if (result.ok) return next;
  }
}
