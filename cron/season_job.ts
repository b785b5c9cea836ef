/**
 * The season job (every minute): cancels unfunded seasons past their start,
 * makes each funded season's rounds ahead of their start (round 1 once
 * funded, round n once round n−1 starts), enters the season's stores in
 * every round not yet ended, marks a season ACTIVE when round 1 starts,
 * scores each completed round and finishes the season after its last played
 * round (the season prize decided, paid once per place, the season
 * COMPLETED). It also makes sure recent seasons' money moved (refunds of
 * cancelled seasons and rounds, season prize payouts). The rounds themselves
 * are competitions: the status job starts and settles them.
 *
 * A plain function of (services, clock): tests call it directly. Every state
 * change is an atomic transition checked on the record it changes, so two
 * runs, in one instance or several, have the effect of one.
 */
import { keys, loadByIndex } from "../lib/core/db.ts";
import { log } from "../lib/core/log.ts";
import { appText, notify, quoted } from "../lib/competitions/notifications.ts";
import { listSeasonsByStatus, type Season, updateSeason } from "../lib/seasons/seasons.ts";
import { enterEntrants, makeDueRounds } from "../lib/seasons/rounds.ts";
import { finishSeason, moveSeasonMoney, type SeasonServices } from "../lib/seasons/season_end.ts";

/** What one season run did. */
export interface SeasonRunReport {
  cancelled: string[];
  started: string[];
  roundsMade: number;
  entered: number;
  completed: string[];
  failed: { seasonId: string; error: string }[];
}

/** How long after a season ends (or is cancelled) the job keeps checking that its money moved. */
export const SEASON_MONEY_HEAL_MS = 7 * 86400_000;

/** Runs every due season step once. */
export async function runSeasonJob(services: SeasonServices): Promise<SeasonRunReport> {
  const { kv } = services;
  const now = services.now();
  const report: SeasonRunReport = { cancelled: [], started: [], roundsMade: 0, entered: 0, completed: [], failed: [] };
  const prefix = keys.seasonsByStatus("DRAFT");
  const due = [
    ...await loadByIndex<Season>(kv, { prefix, end: [...prefix, now + 1] }, keys.season),
    ...await listSeasonsByStatus(kv, "UPCOMING"),
    ...await listSeasonsByStatus(kv, "ACTIVE"),
  ];
  await healSeasonMoney(services, now);
  for (const season of due) {
    try {
      await advanceSeason(services, season, report);
    } catch (error) {
      log("error", "season step failed", { seasonId: season.id, error });
      report.failed.push({ seasonId: season.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}

/**
 * Makes sure recent seasons' money moved, each request idempotent: the
 * refund of a cancelled funded season or of a season's cancelled rounds,
 * and a finished season's prize payouts.
 */
async function healSeasonMoney(services: SeasonServices, now: number): Promise<void> {
  const recent = (at: string | undefined) => at !== undefined && now - Date.parse(at) <= SEASON_MONEY_HEAL_MS;
  // The latest-starting ones: a season that ended or was cancelled this week is among them.
  const latest = (status: "CANCELLED" | "COMPLETED") =>
    loadByIndex<Season>(services.kv, keys.seasonsByStatus(status), keys.season, { reverse: true, limit: 100 });
  for (const season of await latest("CANCELLED")) {
    if (season.fundsTxId && recent(season.cancelledAt)) await services.refundSeason(season);
  }
  for (const season of await listSeasonsByStatus(services.kv, "ACTIVE")) {
    if (season.cancelledFromRound !== undefined) await services.refundSeason(season);
  }
  for (const season of await latest("COMPLETED")) {
    if (!recent(season.completedAt)) continue;
    if (season.cancelledFromRound !== undefined) await services.refundSeason(season);
    await moveSeasonMoney(services, season);
  }
}

async function advanceSeason(services: SeasonServices, season: Season, report: SeasonRunReport): Promise<void> {
  const { kv } = services;
  const now = services.now();
  if (season.status === "DRAFT") {
    const { season: cancelled, changed } = await updateSeason(
      kv,
      season.id,
      now,
      (current) =>
        current.status === "DRAFT" && now >= Date.parse(current.startDate)
          ? { ...current, status: "CANCELLED", cancelledAt: new Date(now).toISOString(), cancelReason: "unfunded" }
          : null,
    );
    if (changed) report.cancelled.push(season.id);
    if (cancelled.cancelReason !== "unfunded") return;
    await notify(
      kv,
      {
        dedupeKey: `season_unfunded:${season.id}`,
        userId: season.creatorId,
        kind: "cancelled",
        seasonId: season.id,
        title: appText`${quoted(season.title)} was cancelled`,
        body: appText`Its start passed before it was funded.`,
      },
      now,
      services.sendNotification,
    );
    return;
  }
  let current = await makeDueRounds(kv, now, season);
  report.roundsMade += current.roundIds.length - season.roundIds.length;
  if (current.status === "UPCOMING" && now >= Date.parse(current.startDate)) {
    const started = await updateSeason(
      kv,
      current.id,
      now,
      (latest) => latest.status === "UPCOMING" ? { ...latest, status: "ACTIVE" } : null,
    );
    if (started.changed) report.started.push(current.id);
    current = started.season;
  }
  report.entered += await enterEntrants(services, current);
  if (current.status === "ACTIVE" && await finishSeason(services, current) === "completed") {
    report.completed.push(current.id);
  }
}
