/** What the Whop payment modules are built from. */
import type Whop from "@whop/sdk";
import type { NotificationSender } from "../competitions/notifications.ts";
import type { WhopSettings } from "./client.ts";
import type { RetryPolicy } from "./once.ts";

/** The Whop modules' dependencies; a subset of `AppDeps` plus timings. */
export interface WhopDeps {
  kv: Deno.Kv;
  config: WhopSettings;
  /** The clock, in epoch milliseconds. */
  now: () => number;
  /** The Whop client; calls out are impossible without it (records still are). */
  whop?: Whop;
  /** Retry timings of payouts and refunds; production defaults when absent. */
  retry?: RetryPolicy;
  /** Delivers notifications through Whop; in-app only when absent. */
  sendNotification?: NotificationSender;
}

/** A paid place (1…10), or `"creator"`: the unearned places' amount going back to the creator. */
export type PayoutPlace = number | "creator";

/** The Whop integration's queue messages, added to the one worker's registry (`lib/core/queue.ts`). */
declare module "../core/queue.ts" {
  interface QueueMessages {
    /** Make (or resume) the payout of one place of a competition (`payouts.ts`); no place: 1st; `division`: its number. */
    payout: { competitionId: string; place?: PayoutPlace; division?: number };
    /** Return a funded prize to its creator (`refunds.ts`). */
    prize_refund: { competitionId: string };
    /** Return a payment that could not fund its competition (`refunds.ts`). */
    payment_refund: { paymentId: string };
    /** Return a season's payment, or its rounds not played (`refunds.ts`). */
    season_refund: { seasonId: string };
    /** Make (or resume) the season prize payout of one place of one standings table (`season_payouts.ts`). */
    season_payout: { seasonId: string; table: number; place: PayoutPlace };
  }
}
