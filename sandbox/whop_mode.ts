/**
 * `SANDBOX=1` without Whop settings: start the simulated Whop in-process on
 * loopback and point the app's Whop settings (origin, keys, OAuth client,
 * webhook secret) at it, so sign-in, funding and payouts work end to end.
 * Its users, balances, payments and transfers are kept in a file next to the
 * KV file, so a restart continues the same sandbox. It charges the fee the
 * app's settings name and holds new funds for `DEFAULT_HOLD_MS` (30 s), so
 * a demo shows the fee breakdown and the wait for funds to clear; a payout
 * waiting for them tries again at least every
 * {@link SANDBOX_PAYOUT_RETRY_MAX_S} seconds, so it is paid within a minute.
 */
import type { Config } from "../config.ts";
import { type DemoUser, startWhopSandbox, type WhopSandbox } from "./whop/mod.ts";
import { beside, onPreferredPort, SIMULATOR_PORT_OFFSET } from "./ports.ts";

/** The simulated Whop's fixed credentials (nothing secret: loopback only). */
export const SANDBOX_WHOP_SETTINGS = {
  apiKey: "apik_cartbrawl_sandbox",
  appId: "app_CartBrawlSandbox",
  companyId: "biz_CartBrawlSandbox",
  clientId: "app_CartBrawlSandbox",
  clientSecret: "cartbrawl-sandbox-client-secret",
  webhookSecret: "ws_cartbrawl_sandbox_secret",
} as const;

/** The sandbox's ceiling on `PAYOUT_RETRY_MAX_S`: a hold of 30 s is waited out in seconds, not an hour. */
export const SANDBOX_PAYOUT_RETRY_MAX_S = 15;

/**
 * Starts the simulated Whop when the app runs sandboxed with no Whop key,
 * and returns the settings to run with (unchanged otherwise).
 *
 * @example
 * const { config: effective, sandbox } = await withWhopSandbox(config, `http://127.0.0.1:${config.port}`);
 * // `options.users`: the demo users its sign-in page offers (default: the simulator's own cast).
 */
export async function withWhopSandbox(
  config: Config,
  appOrigin: string,
  options: { users?: readonly DemoUser[] } = {},
): Promise<{ config: Config; sandbox?: WhopSandbox }> {
  if (!config.sandbox || config.whop.apiKey) return { config };
  const onDisk = config.kvPath !== ":memory:" && !/^https?:\/\//.test(config.kvPath);
  const sandbox = await onPreferredPort(config.port + SIMULATOR_PORT_OFFSET.whop, (port) =>
    startWhopSandbox({
      ...SANDBOX_WHOP_SETTINGS,
      webhookUrl: `${appOrigin}/api/webhooks/whop`,
      appUrl: appOrigin,
      users: options.users,
      fees: { percent: config.whop.feePercent, fixed: config.whop.feeFixed },
      statePath: onDisk ? config.kvPath.replace(/[^/]*$/, "") + "whop-sandbox.json" : undefined,
      port,
      checkoutPort: beside(port, SIMULATOR_PORT_OFFSET.whopCheckout - SIMULATOR_PORT_OFFSET.whop),
    }));
  return {
    sandbox,
    config: {
      ...config,
      whop: { ...config.whop, ...SANDBOX_WHOP_SETTINGS, origin: sandbox.origin },
      payoutRetryMaxS: Math.min(config.payoutRetryMaxS, SANDBOX_PAYOUT_RETRY_MAX_S),
    },
  };
}
