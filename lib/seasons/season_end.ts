/**
 * A season's results, round by round and at its end, each step once in
 * effect. A round is scored when its competition is COMPLETED (its places
 * frozen): its points are recorded once (`["season_results", id, round]`,
 * written only while absent). When the last played round is scored the
 * season prize's places are decided on the standings (recorded once on the
 * season), one payout per place is requested (each exactly once: its
 * record is written before Whop is called and its idempotence key derives
 * from the season, the table and the place), the places nobody earned go
 * back to the creator, the season is COMPLETED and everyone is told. A run
 * that dies at any point is finished by the next (every instance runs the
 * season job), and two runs at once end in the same state.
 */
import { commit, keys } from "../core/db.ts";
import { formatMoney } from "../core/money.ts";
import { log } from "../core/log.ts";
import type { Competition } from "../competitions/competitions.ts";
import { ordinal } from "../competitions/input.ts";
import { appText, fact, type NotificationSender, notify, quoted } from "../competitions/notifications.ts";
import type { LifecycleServices } from "../competitions/settlement.ts";
import { playedRounds, type Season, type SeasonPlace, standingsTables, updateSeason } from "./seasons.ts";
import {
  computeStandings,
  decideSeasonPlaces,
  listRoundResults,
  roundBoards,
  type RoundResult,
  scoreRound,
  type Standings,
} from "./standings.ts";
import type { RoundEntryServices } from "./rounds.ts";

/** The steps of a season's end, in order. */
export type SeasonStep = "scored" | "decided" | "paid" | "completed" | "notified";

/** What the season job needs: the competitions' lifecycle, Shopify's entry of stores, and the season's money (Whop). */
export interface SeasonServices extends Omit<LifecycleServices, "queueSync">, RoundEntryServices {
  /** Records and queues the season prize's payout of one place (Whop). Idempotent. */
  requestSeasonPayout(season: Season, place: SeasonPlace): Promise<void>;
  /** Returns the season prize of the places nobody earned (`season.unearned`) to the creator (Whop). Idempotent. */
  returnSeasonUnearned(season: Season): Promise<void>;
  /** Refunds a cancelled season in full, or a cut one's rounds not played (Whop). Idempotent. */
  refundSeason(season: Season): Promise<void>;
  /** Observes each end step as it completes (crash tests). */
  onSeasonStep?: (step: SeasonStep, seasonId: string) => void | Promise<void>;
}

/**
 * Records the result of every played round that is completed and not yet
 * scored, once each; returns every result recorded, in round order.
 */
export async function scoreRounds(kv: Deno.Kv, now: number, season: Season): Promise<RoundResult[]> {
  const results = await listRoundResults(kv, season.id);
  const scored = new Set(results.map((result) => result.round));
  const played = season.roundIds.slice(0, playedRounds(season));
  for (const [i, competitionId] of played.entries()) {
    const round = i + 1;
    if (scored.has(round)) continue;
    const competition = (await kv.get<Competition>(keys.competition(competitionId))).value;
    if (competition?.status !== "COMPLETED") continue;
    const boards = await roundBoards(kv, competition, season.points.length);
    const result = scoreRound(round, competitionId, boards, season.points, now);
    const key = keys.seasonResult(season.id, round);
    const written = await commit(() => kv.atomic().check({ key, versionstamp: null }).set(key, result));
    if (written.ok) log("info", "season round scored", { seasonId: season.id, round, entries: result.entries.length });
  }
  return await listRoundResults(kv, season.id);
}

/**
 * Requests the season's money movements once decided, each idempotent: one
 * payout per place, and the unearned places' amount back to the creator.
 * Run at the end and again by the season job's healing pass.
 */
export async function moveSeasonMoney(services: SeasonServices, season: Season): Promise<void> {
  for (const place of season.places ?? []) await services.requestSeasonPayout(season, place);
  if ((season.unearned ?? 0) > 0) await services.returnSeasonUnearned(season);
}

/**
 * Finishes an ACTIVE season whose played rounds are all scored (see the
 * module comment); `running` while a round is still to be scored.
 */
export async function finishSeason(services: SeasonServices, season: Season): Promise<"completed" | "running"> {
  const { kv } = services;
  const step = async (name: SeasonStep) => {
    log("info", "season step", { seasonId: season.id, step: name });
    await services.onSeasonStep?.(name, season.id);
  };
  const results = await scoreRounds(kv, services.now(), season);
  if (season.status !== "ACTIVE" || results.length < playedRounds(season)) return "running";
  await step("scored");
  const standings = computeStandings(results);
  let current = season;
  if (current.places === undefined) {
    const decided = decideSeasonPlaces(current, standings, standingsTables(current));
    ({ season: current } = await updateSeason(
      kv,
      season.id,
      services.now(),
      (latest) => latest.places === undefined ? { ...latest, ...decided } : null,
    ));
  }
  await step("decided");
  await moveSeasonMoney(services, current);
  await step("paid");
  ({ season: current } = await updateSeason(
    kv,
    season.id,
    services.now(),
    (latest) =>
      latest.status === "ACTIVE"
        ? { ...latest, status: "COMPLETED", completedAt: new Date(services.now()).toISOString() }
        : null,
  ));
  await step("completed");
  await notifySeasonResults(kv, current, standings, services.now(), services.sendNotification);
  await step("notified");
  return "completed";
}

/** Tells every store in the standings where it finished (and its prize), and the creator that the season is over. */
async function notifySeasonResults(
  kv: Deno.Kv,
  season: Season,
  standings: Standings,
  now: number,
  send?: NotificationSender,
): Promise<void> {
  const title = quoted(season.title);
  for (const row of standings.flat()) {
    const place = season.places?.find((paid) => paid.userId === row.userId && paid.division === row.division);
    const points = fact(`${row.points} point${row.points === 1 ? "" : "s"}`);
    await notify(
      kv,
      {
        dedupeKey: `season_result:${season.id}:${row.division ?? 0}:${row.userId}`,
        userId: row.userId,
        kind: place ? "won" : "lost",
        seasonId: season.id,
        title: appText`${title} is over: you finished ${fact(ordinal(row.position))}`,
        body: place
          ? appText`With ${points}, your ${
            fact(formatMoney(place.amount, season.currency))
          } season prize is on its way through Whop.`
          : appText`You finished with ${points}. Thanks for racing the whole season.`,
      },
      now,
      send,
    );
  }
  await notify(
    kv,
    {
      dedupeKey: `season_completed:${season.id}`,
      userId: season.creatorId,
      kind: "season_over",
      seasonId: season.id,
      title: appText`${title} is over`,
      body: (season.places?.length ?? 0) > 0
        ? appText`The season prize is being paid to ${fact(String(season.places!.length))} place(s) through Whop.`
        : appText`The final standings are on the season's page.`,
    },
    now,
    send,
  );
}
