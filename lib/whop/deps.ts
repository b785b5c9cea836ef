/** What the Whop payment modules are built from. */
import type Whop from "@whop/sdk";
import type { Config } from "../../config.ts";
import type { NotificationSender } from "../notifications.ts";
import type { RetryPolicy } from "./once.ts";

/** The Whop modules' dependencies; a subset of `AppDeps` plus timings. */
export interface WhopDeps {
  kv: Deno.Kv;
  config: Config;
  /** The clock, in epoch milliseconds. */
  now: () => number;
  /** The Whop client; calls out are impossible without it (records still are). */
  whop?: Whop;
  /** Retry timings of payouts and refunds; production defaults when absent. */
  retry?: RetryPolicy;
  /** Delivers notifications through Whop; in-app only when absent. */
  sendNotification?: NotificationSender;
}
