/**
 * Settlement of an ended competition, exactly once in effect. At the end it
 * enters SETTLING for the settlement window (`SETTLEMENT_DELAY_S`): orders
 * created in the race keep being tracked, so a refund or cancellation still
 * lowers a total, while orders created after the end never count. When the
 * window closes: a bounded final sync, the results frozen, the places
 * decided, one payout per paid place (and the unearned places' amount back
 * to the creator) requested, COMPLETED, and everyone told. Every step is an
 * atomic transition or is idempotent, so a settlement that runs in two places
 * at once, or dies half-way and runs again, ends in the same state.
 *
 * One idea past 300 lines: the steps of one settlement, in the order they run.
 */
import { type Competition, getCompetition, updateCompetition, type Winner } from "./competitions.ts";
import { decidePlaces } from "./leaderboard.ts";
import { ordinal } from "./input.ts";
import { listParticipants, type Participant } from "./participants.ts";
import { appText, fact, type NotificationSender, notify, quoted, TIME_MARK } from "./notifications.ts";
import { acquireLease } from "../core/leases.ts";
import { enqueueIn, type QueueWorker } from "../core/queue.ts";
import { log } from "../core/log.ts";
import { formatMoney } from "../core/money.ts";

/** What settlement and the scheduled jobs need from the rest of the app. */
export interface LifecycleServices {
  kv: Deno.Kv;
  now: () => number;
  /** Fetches a participant's orders updated since its cursor (Shopify). */
  syncParticipant(participant: Participant): Promise<void>;
  /**
   * Queues one sync of a store (Shopify), run by the queue worker: at the
   * start of a competition with divisions, so its first sync after the start
   * (which reads its history and places it) is not left to the sync job's
   * next run. Absent: the sync job places stores within its period.
   */
  queueSync?(participantId: string): Promise<void>;
  /** Records and starts the payout of one paid place (`winner.place`, default 1) of a competition (Whop). Idempotent. */
  requestPayout(competition: Competition, winner: Winner): Promise<void>;
  /** Returns a funded prize to its creator (Whop). Idempotent. */
  refundPrize(competition: Competition): Promise<void>;
  /** Returns the prize of the places nobody earned (`competition.unearned`) to its creator (Whop). Idempotent. */
  returnUnearned(competition: Competition): Promise<void>;
  /** How long after the end refunds and cancellations still count (`SETTLEMENT_DELAY_S`); default 0. */
  settlementDelayMs?: number;
  /** Delivers notifications outside the app, where configured. */
  sendNotification?: NotificationSender;
  /**
   * How long a settlement's lease lasts without renewal (default one minute;
   * renewed after each store's final sync). A crashed settlement is taken
   * over once it expires.
   */
  settlementLeaseMs?: number;
  /** Observes each settlement step as it completes (progress logs, crash tests). */
  onSettlementStep?: (step: SettlementStep, competitionId: string) => void | Promise<void>;
}

/** The steps of a settlement, in order. */
export type SettlementStep = "frozen" | "decided" | "paid_or_refunded" | "completed" | "notified";

/** How often the final sync retries a failing store before counting what it has. */
export const FINAL_SYNC_ATTEMPTS = 3;

/** What a settlement run did. */
export type SettlementOutcome = "completed" | "settling" | "busy" | "not_due";

declare module "../core/queue.ts" {
  interface QueueMessages {
    /** Settle a competition whose settlement window has closed (`settleCompetition`). */
    settle: { competitionId: string };
  }
}

/**
 * Moves an active competition past its end into SETTLING, recording when its
 * window closes (the end plus the settlement delay). Atomic; a second call
 * changes nothing.
 */
async function enterSettling(services: LifecycleServices, competitionId: string): Promise<Competition> {
  const now = services.now();
  const { competition } = await updateCompetition(
    services.kv,
    competitionId,
    now,
    "status",
    (current) =>
      current.status === "ACTIVE" && !current.resultsFrozenAt
        ? {
          ...current,
          status: "SETTLING",
          settlesAt: new Date(Date.parse(current.endDate) + (services.settlementDelayMs ?? 0)).toISOString(),
        }
        : null,
    // Settled the moment its window closes (the status job's minute is the fallback), in the same commit.
    (op, next) => enqueueIn(op, { type: "settle", competitionId }, { delay: Date.parse(next.settlesAt!) - now + 1000 }),
  );
  return competition;
}

/**
 * Settles one competition whose end has passed: enters SETTLING, and once
 * its window has closed, completes it. Returns `settling` while the window
 * is open, `busy` when another instance holds its settlement lease,
 * `not_due` when it is not running past its end.
 */
export async function settleCompetition(
  services: LifecycleServices,
  competitionId: string,
): Promise<SettlementOutcome> {
  const { kv } = services;
  let competition = await getCompetition(kv, competitionId);
  if (competition.status === "COMPLETED") return "completed";
  const running = competition.status === "ACTIVE" || competition.status === "SETTLING";
  if (!running || services.now() < Date.parse(competition.endDate)) return "not_due";
  competition = await enterSettling(services, competitionId);
  if (services.now() < Date.parse(competition.settlesAt ?? competition.endDate)) {
    await notifySettling(services, competition);
    return "settling";
  }
  const lease = `settle:${competitionId}`;
  const leaseMs = services.settlementLeaseMs ?? 60_000;
  const holder = crypto.randomUUID();
  const release = await acquireLease(kv, lease, services.now(), leaseMs, holder);
  if (!release) return "busy";
  const renew = () => acquireLease(kv, lease, services.now(), leaseMs, holder);
  const step = async (name: SettlementStep) => {
    log("info", "settlement step", { competitionId, step: name });
    await services.onSettlementStep?.(name, competitionId);
  };
  try {
    if (!competition.resultsFrozenAt) competition = await freezeResults(services, competition, renew);
    await step("frozen");
    if (competition.winner === undefined) competition = await recordPlaces(services, competition);
    await step("decided");
    await moveMoney(services, competition);
    await step("paid_or_refunded");
    const { competition: completed, changed } = await updateCompetition(
      kv,
      competitionId,
      services.now(),
      "winner",
      (current) =>
        current.status === "ACTIVE" || current.status === "SETTLING"
          ? { ...current, status: "COMPLETED", completedAt: new Date(services.now()).toISOString() }
          : null,
    );
    if (changed) {
      log("info", "competition completed", { competitionId, winner: completed.winner?.participantId ?? null });
    }
    await step("completed");
    await notifyResults(services, completed);
    await step("notified");
    return "completed";
  } finally {
    await release();
  }
}

async function freezeResults(
  services: LifecycleServices,
  competition: Competition,
  renewLease: () => Promise<unknown>,
): Promise<Competition> {
  const notes: string[] = [];
  for (const participant of await listParticipants(services.kv, competition.id)) {
    await renewLease();
    if (participant.connection !== "connected") {
      notes.push(`${participant.displayName} was disconnected; it counts with the orders recorded before.`);
      continue;
    }
    let lastError: unknown;
    for (let attempt = 1; attempt <= FINAL_SYNC_ATTEMPTS; attempt++) {
      try {
        await services.syncParticipant(participant);
        lastError = undefined;
        break;
      } catch (error) {
        lastError = error;
      }
    }
    if (lastError !== undefined) {
      log("warn", "final sync failed", { competitionId: competition.id, shop: participant.shop, error: lastError });
      notes.push(`The final sync of ${participant.displayName} failed; it counts with the orders recorded before.`);
    }
  }
  const { competition: frozen } = await updateCompetition(
    services.kv,
    competition.id,
    services.now(),
    "status",
    (current) =>
      current.resultsFrozenAt
        ? null
        : { ...current, resultsFrozenAt: new Date(services.now()).toISOString(), settlementNotes: notes },
  );
  return frozen;
}

/** The places of a decided competition: `places`, or its lone `winner` when decided before splits. */
export function paidPlaces(competition: Pick<Competition, "places" | "winner">): Winner[] {
  return competition.places ?? (competition.winner ? [competition.winner] : []);
}

/**
 * Requests the money movements of a decided competition, each idempotent:
 * one payout per paid place, and the unearned places' amount back to the
 * creator (the whole funded prize by refund when nobody earned a place).
 * Run by settlement and again by the status job's healing pass.
 */
export async function moveMoney(services: LifecycleServices, competition: Competition): Promise<void> {
  const places = paidPlaces(competition);
  for (const place of places) await services.requestPayout(competition, place);
  if (!competition.fundsTxId) return;
  if (places.length === 0) await services.refundPrize(competition);
  else if ((competition.unearned ?? 0) > 0) await services.returnUnearned(competition);
}

async function recordPlaces(services: LifecycleServices, competition: Competition): Promise<Competition> {
  const { places, unearned } = await decidePlaces(services.kv, competition, services.now());
  const { competition: decided } = await updateCompetition(
    services.kv,
    competition.id,
    services.now(),
    "winner",
    (current) => current.winner === undefined ? { ...current, winner: places[0] ?? null, places, unearned } : null,
  );
  return decided;
}

/** Tells each store, once, that the race is over and the results are provisional until the window closes. */
async function notifySettling(services: LifecycleServices, competition: Competition): Promise<void> {
  const final = new Date(competition.settlesAt ?? competition.endDate).toISOString();
  for (const participant of await listParticipants(services.kv, competition.id)) {
    await notify(
      services.kv,
      {
        dedupeKey: `settling:${competition.id}:${participant.id}`,
        userId: participant.userId,
        kind: "settling",
        competitionId: competition.id,
        title: appText`${quoted(competition.title)} has ended: results are provisional`,
        body:
          appText`Refunds and cancellations of orders placed during the race still count until the results are final (${
            fact(TIME_MARK)
          }); then the prizes are paid.`,
        at: final,
      },
      services.now(),
      services.sendNotification,
    );
  }
}

async function notifyResults(services: LifecycleServices, competition: Competition): Promise<void> {
  const now = services.now();
  const prize = formatMoney(competition.prize, competition.currency);
  const title = quoted(competition.title);
  const places = paidPlaces(competition);
  for (const participant of await listParticipants(services.kv, competition.id)) {
    const placed = places.find((place) => place.participantId === participant.id);
    const won = placed !== undefined;
    const amount = fact(formatMoney(placed?.amount ?? competition.prize, competition.currency));
    const rank = fact(ordinal(placed?.place ?? 1));
    // With divisions a store races its own division: its winner, and its place "in" it (the name quoted).
    const division = participant.division ? competition.divisions?.[participant.division - 1] : undefined;
    const winner = division ? places.find((place) => place.division === participant.division) : competition.winner;
    const where = fact(division ? ` in ${quoted(division.name)}` : "");
    await notify(
      services.kv,
      {
        dedupeKey: `result:${competition.id}:${participant.id}`,
        userId: participant.userId,
        kind: won ? "won" : "lost",
        competitionId: competition.id,
        title: won
          ? (placed.place ?? 1) === 1 ? appText`You won ${title}!` : appText`You placed ${rank} in ${title}!`
          : appText`${title} has ended`,
        body: won
          ? appText`${
            quoted(participant.displayName)
          } took ${rank} place${where}; your ${amount} prize is on its way through Whop.`
          : winner
          ? appText`${quoted(winner.displayName)} won${where}. Thanks for competing with ${
            quoted(participant.displayName)
          }.`
          : appText`Nobody${where} recorded a sale, so there is no winner this time.`,
      },
      now,
      services.sendNotification,
    );
  }
  if (!competition.winner) {
    await notify(
      services.kv,
      {
        dedupeKey: `no_winner:${competition.id}`,
        userId: competition.creatorId,
        kind: "refunded",
        competitionId: competition.id,
        title: appText`${title} ended with no winner`,
        body: competition.fundsTxId
          ? appText`No store recorded a sale, so your ${fact(prize)} prize is refunded through Whop.`
          : appText`No store recorded a sale.`,
      },
      now,
      services.sendNotification,
    );
  } else if ((competition.unearned ?? 0) > 0 && competition.fundsTxId) {
    await notify(
      services.kv,
      {
        dedupeKey: `unearned:${competition.id}`,
        userId: competition.creatorId,
        kind: "refunded",
        competitionId: competition.id,
        title: appText`${title}: unearned places`,
        body: appText`Fewer stores recorded a sale than there are paid places, so ${
          fact(formatMoney(competition.unearned!, competition.currency))
        } goes back to you through Whop.`,
      },
      now,
      services.sendNotification,
    );
  }
}

/**
 * Registers the `settle` handler on the process's queue worker: the message
 * queued for the moment a competition's settlement window closes.
 *
 * @example
 * registerSettlementJobs(worker, lifecycle);
 */
export function registerSettlementJobs(worker: QueueWorker, services: LifecycleServices): void {
  worker.on("settle", async (message) => {
    await settleCompetition(services, message.competitionId);
  });
}
