/**
 * A season's rounds: each a competition of the season's template on its own
 * window (`season_input.ts`), made ahead of its start and already funded from
 * the season's escrow (status UPCOMING, `seasonId` set, no payment of its
 * own). Round 1 is made as soon as the season is funded; round n as soon as
 * round n−1 starts, so the next round always exists one interval ahead and
 * stores can see it (and join it) before it begins. Making a round is one
 * atomic commit of the competition and the season's `roundIds`, checked on
 * the season as read: however many instances run it, each round is made
 * once. The season's entrants are entered in every round not yet ended,
 * each store once (its participant is created only if absent).
 */
import { keys, newId, readMany } from "../core/db.ts";
import { AppError } from "../core/errors.ts";
import { log } from "../core/log.ts";
import { type Competition, isOpenForJoining, newCompetitionOps } from "../competitions/competitions.ts";
import { createParticipant, listParticipants } from "../competitions/participants.ts";
import { playedRounds, type Season, updateSeason } from "./seasons.ts";
import { roundStartMs, roundTitle, roundWindows } from "./season_input.ts";
import { listEntrants, recordEntrant } from "./entrants.ts";

/** When round `round` (from 1) is made: round 1 once funded, round n once round n−1 has started. */
export function roundDueAt(season: Pick<Season, "startDate" | "every">, round: number): number {
  return round === 1 ? -Infinity : roundStartMs(Date.parse(season.startDate), season.every, round - 2);
}

/** Whether round `round` is the season's next to make at `now`. */
function roundIsDue(season: Season, round: number, now: number): boolean {
  return (season.status === "UPCOMING" || season.status === "ACTIVE") && season.roundIds.length === round - 1 &&
    round <= playedRounds(season) && now >= roundDueAt(season, round);
}

/** Round `round` of `season` as a new competition: funded by the season, its window from the calendar. */
function roundCompetition(season: Season, round: number, now: number): Competition {
  const window = roundWindows(season)[round - 1];
  const at = new Date(now).toISOString();
  return {
    ...season.template,
    title: roundTitle(season.title, round),
    description: season.description,
    startDate: window.startDate,
    endDate: window.endDate,
    id: newId(now),
    creatorId: season.creatorId,
    status: "UPCOMING",
    createdAt: at,
    updatedAt: at,
    participantCount: 0,
    seasonId: season.id,
    seasonRound: round,
  };
}

/**
 * Makes every round of `season` that is due at `now` (see the module
 * comment), each once; returns the season as it then stands.
 */
export async function makeDueRounds(kv: Deno.Kv, now: number, season: Season): Promise<Season> {
  let current = season;
  for (let round = current.roundIds.length + 1; roundIsDue(current, round, now); round++) {
    const competition = roundCompetition(current, round, now);
    const made = await updateSeason(
      kv,
      current.id,
      now,
      (latest) => roundIsDue(latest, round, now) ? { ...latest, roundIds: [...latest.roundIds, competition.id] } : null,
      (op) => newCompetitionOps(op, competition, now),
    );
    if (made.changed) log("info", "season round made", { seasonId: season.id, round, competitionId: competition.id });
    current = made.season;
  }
  return current;
}

/** A season's rounds as made so far, in order. */
export async function loadRounds(kv: Deno.Kv, season: Pick<Season, "roundIds">): Promise<Competition[]> {
  return (await readMany<Competition>(kv, season.roundIds.map(keys.competition))).filter((round) => round !== null);
}

/** The rounds stores can still enter: made, funded and not yet ended. */
export function openRounds(rounds: readonly Competition[], now: number): Competition[] {
  return rounds.filter((round) => isOpenForJoining(round, now));
}

/** What entering stores in rounds needs from Shopify. */
export interface RoundEntryServices {
  kv: Deno.Kv;
  now: () => number;
  /** Queues a store's first sync in a round it was entered in (the lifecycle's `queueSync`). */
  queueSync(participantId: string): Promise<void>;
  /** Whether `shop` is connected and its connection is `userId`'s: only then is it entered in a new round. */
  isConnectedStore(shop: string, userId: string): Promise<boolean>;
}

/**
 * Enters the season's stores in every round not yet ended: first the stores
 * that joined a round directly are recorded as entrants (healing a join whose
 * process died before it recorded the store), then every entrant still
 * connected is entered where it is not yet. Returns how many entries it made.
 */
export async function enterEntrants(services: RoundEntryServices, season: Season): Promise<number> {
  const { kv } = services;
  const rounds = openRounds(await loadRounds(kv, season), services.now());
  for (const round of rounds) {
    for (const participant of await listParticipants(kv, round.id)) {
      await recordEntrant(kv, season.id, participant, services.now());
    }
  }
  let entered = 0;
  const entrants = await listEntrants(kv, season.id);
  for (const round of rounds) {
    for (const entrant of entrants) {
      if ((await kv.get(keys.participantByUser(entrant.userId, round.id))).value) continue;
      if (!await services.isConnectedStore(entrant.shop, entrant.userId)) continue;
      try {
        const { userId, shop, displayName, currency } = entrant;
        const participant = await createParticipant(
          kv,
          round.id,
          { userId, shop, displayName, currency },
          services.now(),
        );
        await services.queueSync(participant.id);
        entered++;
        log("info", "season store entered", { seasonId: season.id, competitionId: round.id, shop: entrant.shop });
      } catch (error) {
        // The store joined meanwhile, the round closed, or its currency changed: it is not entered this time.
        if (!(error instanceof AppError)) throw error;
        log("info", "season store not entered", {
          seasonId: season.id,
          competitionId: round.id,
          reason: error.message,
        });
      }
    }
  }
  return entered;
}
