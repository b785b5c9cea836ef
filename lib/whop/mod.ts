/**
 * The Whop side of CartBrawl: the client, sign-in, balance, prize escrow,
 * refunds, the payout and notification delivery. `createWhopLifecycle`
 * plugs the payment steps into settlement; `registerWhopJobs` puts their
 * queue handlers on the process's one worker.
 */
import type { LifecycleServices } from "../competitions/settlement.ts";
import type { QueueWorker } from "../core/queue.ts";
import type { WhopDeps } from "./deps.ts";
import { createWhopNotificationSender } from "./notification_sender.ts";
import { processPayout, requestPayout, requestUnearnedReturn } from "./payouts.ts";
import { processRefund, requestPrizeRefund, requestSeasonRefund } from "./refunds.ts";
import { processSeasonPayout, requestSeasonPayout, requestSeasonUnearnedReturn } from "./season_payouts.ts";
import type { SeasonServices } from "../seasons/season_end.ts";

export type { WhopDeps } from "./deps.ts";
export { createWhopClient, fromWhopAmount, toWhopAmount } from "./client.ts";
export { createWhopNotificationSender } from "./notification_sender.ts";
export {
  getPayout,
  listPayouts,
  type Payout,
  processPayout,
  requestPayout,
  requestUnearnedReturn,
  retryPayout,
} from "./payouts.ts";
export {
  getRefund,
  processRefund,
  type Refund,
  requestPaymentRefund,
  requestPrizeRefund,
  retryRefund,
} from "./refunds.ts";
export { COMPETITION_FUNDING } from "./funding.ts";
export { SEASON_FUNDING } from "./season_funding.ts";
export { applyEscrowPayment, createEscrowCheckout } from "./escrow.ts";
export { DEFAULT_RETRY, type OnceOutcome, type RetryPolicy } from "./once.ts";

/** The payment parts of `LifecycleServices` and of the season job's services. */
export type WhopLifecycle =
  & Pick<LifecycleServices, "requestPayout" | "refundPrize" | "returnUnearned" | "sendNotification">
  & Pick<SeasonServices, "requestSeasonPayout" | "returnSeasonUnearned" | "refundSeason">;

/**
 * Builds `requestPayout`, `refundPrize`, `returnUnearned` and `sendNotification` for
 * settlement, and the season job's money (`requestSeasonPayout`,
 * `returnSeasonUnearned`, `refundSeason`). They only record and queue
 * (exactly once); the queue worker with {@link registerWhopJobs} makes the
 * Whop calls.
 *
 * @example
 * const lifecycle: LifecycleServices = { kv, now, syncParticipant, ...createWhopLifecycle({ kv, config, now, whop }) };
 */
export function createWhopLifecycle(deps: WhopDeps): WhopLifecycle {
  const sendNotification = deps.sendNotification ?? createWhopNotificationSender(deps.whop, deps.kv);
  return {
    async requestPayout(competition, winner) {
      await requestPayout(deps, competition, winner);
    },
    async returnUnearned(competition) {
      await requestUnearnedReturn(deps, competition);
    },
    async refundPrize(competition) {
      await requestPrizeRefund(deps, competition, competition.status === "CANCELLED" ? "cancelled" : "no_winner");
    },
    async requestSeasonPayout(season, place) {
      await requestSeasonPayout(deps, season, place);
    },
    async returnSeasonUnearned(season) {
      await requestSeasonUnearnedReturn(deps, season);
    },
    async refundSeason(season) {
      await requestSeasonRefund(deps, season);
    },
    sendNotification,
  };
}

/**
 * Registers the handlers of `payout`, `prize_refund`, `payment_refund`,
 * `season_refund` and `season_payout` on the process's queue worker.
 *
 * @example
 * const worker = new QueueWorker(kv);
 * registerWhopJobs(worker, { kv, config, now: Date.now, whop });
 * worker.listen();
 */
export function registerWhopJobs(worker: QueueWorker, deps: WhopDeps): void {
  const withSender: WhopDeps = {
    ...deps,
    sendNotification: deps.sendNotification ?? createWhopNotificationSender(deps.whop, deps.kv),
  };
  worker
    .on("payout", async (message) => {
      await processPayout(withSender, message.competitionId, message.place, message.division);
    })
    .on("prize_refund", async (message) => {
      await processRefund(withSender, { kind: "prize", competitionId: message.competitionId });
    })
    .on("payment_refund", async (message) => {
      await processRefund(withSender, { kind: "payment", paymentId: message.paymentId });
    })
    .on("season_refund", async (message) => {
      await processRefund(withSender, { kind: "season", seasonId: message.seasonId });
    })
    .on("season_payout", async (message) => {
      await processSeasonPayout(withSender, message.seasonId, message.table, message.place);
    });
}
