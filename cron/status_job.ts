/**
 * The status job (every minute): cancels unfunded drafts past their start,
 * starts funded competitions, moves ended ones into their settlement window
 * and settles them when it closes, and sends the notifications
 * that have come due (among them the creator's reminder of orders still to
 * review before the results freeze). A plain function of (services, clock): tests call it
 * directly; `cron/schedule.ts` only schedules it.
 */
import { keys, loadByIndex } from "../lib/core/db.ts";
import { type Competition, dueStep, updateCompetition } from "../lib/competitions/competitions.ts";
import { hasDivisions } from "../lib/competitions/divisions.ts";
import { listParticipants, type Participant } from "../lib/competitions/participants.ts";
import { appText, type NotificationText, notify, quoted } from "../lib/competitions/notifications.ts";
import { type LifecycleServices, moveMoney, settleCompetition } from "../lib/competitions/settlement.ts";
import { log } from "../lib/core/log.ts";
import { remindUndecidedFlags } from "../lib/competitions/flags.ts";
import { MAX_DURATION_S } from "../lib/competitions/input.ts";

/** How far ahead "starts soon" and "ends soon" notifications look. */
export const SOON_MS = 60 * 60_000;

/** What one status run did, for the operators' page and the tests. */
export interface StatusRunReport {
  cancelled: string[];
  started: string[];
  settled: string[];
  failed: { competitionId: string; error: string }[];
}

/** Competitions in `status` whose start is at or before `untilMs`. */
function startingBy(kv: Deno.Kv, status: string, untilMs: number): Promise<Competition[]> {
  const prefix = keys.competitionsByStatus(status);
  return loadByIndex<Competition>(kv, { prefix, end: [...prefix, untilMs + 1] }, keys.competition);
}

/** Runs every due status change once. */
export async function runStatusJob(services: LifecycleServices): Promise<StatusRunReport> {
  const { kv } = services;
  const now = services.now();
  const report: StatusRunReport = { cancelled: [], started: [], settled: [], failed: [] };
  const due = [
    ...await startingBy(kv, "DRAFT", now),
    ...await startingBy(kv, "UPCOMING", now + SOON_MS),
    ...await loadByIndex<Competition>(kv, keys.competitionsByStatus("ACTIVE"), keys.competition),
    ...await loadByIndex<Competition>(kv, keys.competitionsByStatus("SETTLING"), keys.competition),
  ];
  await healMoneyMovements(services, now);
  for (const competition of due) {
    try {
      await advance(services, competition, report);
    } catch (error) {
      log("error", "status change failed", { competitionId: competition.id, error });
      report.failed.push({
        competitionId: competition.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return report;
}

/** How long after a competition ends the status job keeps checking that its money moved. */
export const MONEY_HEAL_MS = 7 * 86400_000;

/**
 * Makes sure the money of recently finished competitions moved: the payout of
 * each decided place, the unearned places' return, the refund of a prize
 * nobody won or of a cancelled funded
 * competition. Each request is idempotent and queues only what is not yet
 * sent, so a payout or refund whose run died in a crash is resumed.
 */
async function healMoneyMovements(services: LifecycleServices, now: number) {
  const since = (status: string, ms: number) => {
    const prefix = keys.competitionsByStatus(status);
    return loadByIndex<Competition>(
      services.kv,
      { start: [...prefix, now - ms], end: [...prefix, Number.MAX_SAFE_INTEGER] },
      keys.competition,
    );
  };
  for (const competition of await since("CANCELLED", MONEY_HEAL_MS)) {
    if (competition.fundsTxId) await services.refundPrize(competition);
  }
  const longest = MAX_DURATION_S * 1000 + MONEY_HEAL_MS;
  for (const competition of await since("COMPLETED", longest)) {
    if (now - Date.parse(competition.completedAt ?? competition.endDate) > MONEY_HEAL_MS) continue;
    await moveMoney(services, competition);
  }
}

async function advance(services: LifecycleServices, competition: Competition, report: StatusRunReport) {
  const { kv } = services;
  const now = services.now();
  const step = dueStep(competition, now);
  if (competition.status === "SETTLING" && step === null) {
    await remindUndecidedFlags(kv, competition, now, services.sendNotification);
    return;
  }
  if (step === "cancel_unfunded") {
    const { changed } = await updateCompetition(
      kv,
      competition.id,
      now,
      "status",
      (current) =>
        current.status === "DRAFT" && dueStep(current, now) === "cancel_unfunded"
          ? { ...current, status: "CANCELLED", cancelledAt: new Date(now).toISOString(), cancelReason: "unfunded" }
          : null,
    );
    if (changed) report.cancelled.push(competition.id);
    await notify(
      kv,
      {
        dedupeKey: `unfunded:${competition.id}`,
        userId: competition.creatorId,
        kind: "cancelled",
        competitionId: competition.id,
        title: appText`${quoted(competition.title)} was cancelled`,
        body: appText`Its start passed before the prize was funded.`,
      },
      now,
      services.sendNotification,
    );
    return;
  }
  if (step === "start" || step === "settle") {
    const { changed } = await updateCompetition(
      kv,
      competition.id,
      now,
      "status",
      (current) =>
        current.status === "UPCOMING" && now >= Date.parse(current.startDate) ? { ...current, status: "ACTIVE" } : null,
    );
    if (changed) report.started.push(competition.id);
    // With divisions every store is placed by its first sync after the start: queue them now.
    if (changed && hasDivisions(competition) && services.queueSync) {
      for (const participant of await listParticipants(kv, competition.id)) {
        if (participant.connection === "connected") await services.queueSync(participant.id);
      }
    }
    // "It is live" is news only before the end, and only to stores that were waiting for the start.
    if (now < Date.parse(competition.endDate)) {
      await notifyParticipants(
        services,
        competition,
        "started",
        appText`${quoted(competition.title)} is live`,
        appText`Every order now counts.`,
        (participant) => Date.parse(participant.joinedAt) <= Date.parse(competition.startDate),
      );
    }
  }
  if (step === "settle") {
    if (await settleCompetition(services, competition.id) === "completed") report.settled.push(competition.id);
    return;
  }
  const start = Date.parse(competition.startDate);
  const end = Date.parse(competition.endDate);
  if (competition.status === "UPCOMING" && start - now <= SOON_MS && now < start) {
    await notifyParticipants(
      services,
      competition,
      "starting_soon",
      appText`${quoted(competition.title)} starts within the hour`,
      appText`Get your store ready.`,
    );
  }
  if (competition.status === "ACTIVE" && end - now <= SOON_MS && now < end) {
    await notifyParticipants(
      services,
      competition,
      "ending_soon",
      appText`${quoted(competition.title)} ends within the hour`,
      appText`Last chance to climb the leaderboard.`,
    );
  }
}

async function notifyParticipants(
  services: LifecycleServices,
  competition: Competition,
  kind: "started" | "starting_soon" | "ending_soon",
  title: NotificationText,
  body: NotificationText,
  concerns: (participant: Participant) => boolean = () => true,
) {
  for (const participant of await listParticipants(services.kv, competition.id)) {
    if (!concerns(participant)) continue;
    await notify(
      services.kv,
      {
        dedupeKey: `${kind}:${competition.id}:${participant.id}`,
        userId: participant.userId,
        kind,
        competitionId: competition.id,
        title,
        body,
      },
      services.now(),
      services.sendNotification,
    );
  }
}
