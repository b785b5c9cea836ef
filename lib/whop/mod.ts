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
import { processRefund, requestPrizeRefund } from "./refunds.ts";

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

/** The payment parts of `LifecycleServices`. */
export type WhopLifecycle = Pick<
  LifecycleServices,
  "requestPayout" | "refundPrize" | "returnUnearned" | "sendNotification"
>;

/**
 * Builds `requestPayout`, `refundPrize`, `returnUnearned` and `sendNotification` for
 * settlement. The first two only record and queue (exactly once); the queue
 * worker with {@link registerWhopJobs} makes the Whop calls.
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
    sendNotification,
  };
}

/**
 * Registers the handlers of `payout`, `prize_refund` and `payment_refund`
 * on the process's queue worker.
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
      await processPayout(withSender, message.competitionId, message.place);
    })
    .on("prize_refund", async (message) => {
      await processRefund(withSender, { kind: "prize", competitionId: message.competitionId });
    })
    .on("payment_refund", async (message) => {
      await processRefund(withSender, { kind: "payment", paymentId: message.paymentId });
    });
}
