/**
 * Sandbox mode: the one module of `sandbox/` the app loads, with `import()`
 * and only when `config.sandbox` (`buildRuntime` in `app.ts`), so a
 * production process loads nothing of `sandbox/` (the module graph is
 * checked in `tests/architecture_test.ts`, a running production process in
 * `tests/production_start_test.ts`).
 *
 * It starts the simulated Whop and Shopify in place of each platform that
 * has no credentials, says where they are, runs the demo world on them, and
 * hands the sandbox routes their time controls.
 */
import type { Config } from "../config.ts";
import { log } from "../lib/core/log.ts";
import type { SeasonServices } from "../lib/seasons/season_end.ts";
import type { WhopSandbox } from "./whop/mod.ts";
import type { ShopifySandbox } from "./shopify/mod.ts";
import { withWhopSandbox } from "./whop_mode.ts";
import { withShopifySandbox } from "./shopify_mode.ts";
import { sandboxBanner } from "./banner.ts";
import { SANDBOX_USERS } from "./demo/data.ts";
import { type SandboxDemo, startSandboxDemo } from "./demo/seeding.ts";
import { fastForwardCompetition, type SandboxControls, startCompetitionNow } from "./demo/fast_forward.ts";

export type { SandboxControls, SandboxDemo };

/** The sandbox routes' time controls (`routes/sandbox.ts`). */
export const SANDBOX_CONTROLS: SandboxControls = { fastForwardCompetition, startCompetitionNow };

/** The simulators this process runs; none for a platform whose credentials point elsewhere. */
export interface Simulators {
  whop?: WhopSandbox;
  shopify?: ShopifySandbox;
}

/** What the demo world runs with, besides the simulators. */
export interface DemoRunDeps {
  kv: Deno.Kv;
  lifecycle: SeasonServices;
}

/** What {@link startSandbox} started. */
export interface StartedSandbox {
  /** The settings to run with: the simulators' origins and credentials filled in. */
  config: Config;
  simulators: Simulators;
  /** The lines to print once the app listens (where the app and the simulators are); none without a simulator. */
  banner?: string;
  /**
   * With both simulators: seeds the demo world (once per data file) and
   * starts its simulated customers (`demo/seeding.ts`). Call once the app
   * listens on `config.port`.
   */
  startDemo?: (deps: DemoRunDeps, options?: { ordersPerMinute?: number }) => SandboxDemo;
}

/**
 * Starts the simulated Whop and Shopify (each unless credentials point
 * elsewhere) on loopback, on the ports after `settings.port`, and returns
 * the settings that point the app at them.
 *
 * @example
 * const { config: effective, simulators } = await startSandbox(config, `http://127.0.0.1:${config.port}`);
 */
export async function startSandbox(settings: Config, appOrigin: string): Promise<StartedSandbox> {
  const withWhop = await withWhopSandbox(settings, appOrigin, { users: SANDBOX_USERS });
  const whop = withWhop.sandbox;
  if (whop) log("info", "simulated Whop started", { origin: whop.origin });
  const { config, sandbox: shopify } = await withShopifySandbox(withWhop.config, appOrigin);
  if (shopify) log("info", "simulated Shopify started", { origin: shopify.origin });
  return {
    config,
    simulators: { whop, shopify },
    banner: whop || shopify
      ? sandboxBanner({ appUrl: config.appUrl, whopOrigin: whop?.origin, shopifyOrigin: shopify?.origin })
      : undefined,
    startDemo: whop && shopify
      ? ({ kv, lifecycle }, options) => startSandboxDemo({ kv, lifecycle, whop, shopify, appOrigin }, options)
      : undefined,
  };
}
