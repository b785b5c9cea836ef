/**
 * The running product, assembled from the settings: the simulated Whop and
 * Shopify in sandbox mode, the outside clients, the lifecycle services, the
 * app and the process's one queue worker. `main.ts` serves it; tests that
 * run a real process (crash tests) build the same thing.
 */
import type { Config } from "../config.ts";
import { type AppDeps, createApp } from "./app.ts";
import { log } from "./log.ts";
import { createUserTokenVerifier } from "./user_token.ts";
import { QueueWorker } from "./queue.ts";
import { createWhopClient } from "./whop/client.ts";
import { createWhopLifecycle, registerWhopJobs, type RetryPolicy } from "./whop/mod.ts";
import { withWhopSandbox } from "./whop/sandbox_mode.ts";
import { createShopifyServices, registerShopifyJobs } from "./shopify/mod.ts";
import { withShopifySandbox } from "./shopify/sandbox_mode.ts";
import type { LifecycleServices } from "./settlement.ts";
import type { ShopifySandbox } from "./sandbox/shopify/mod.ts";
import type { WhopSandbox } from "./sandbox/whop/mod.ts";
import { SANDBOX_USERS, type SandboxDemo, startSandboxDemo } from "./sandbox/world.ts";

/** Everything a process of the product runs. */
export interface Runtime {
  /** The effective settings (sandbox origins filled in). */
  config: Config;
  deps: AppDeps & { lifecycle: LifecycleServices };
  app: ReturnType<typeof createApp>;
  lifecycle: LifecycleServices;
  worker: QueueWorker;
  sandboxes: { whop?: WhopSandbox; shopify?: ShopifySandbox };
  /**
   * Sandbox mode with both simulators only: seeds the demo world (once per
   * data file) and starts the simulated customers (`lib/sandbox/world.ts`).
   * Call once the app listens on `config.port`.
   */
  startDemo?: (options?: { ordersPerMinute?: number }) => SandboxDemo;
}

/**
 * Opens the KV store at `path` (a file, whose folder is created, `:memory:`
 * or a remote URL).
 */
export async function openKv(path: string): Promise<Deno.Kv> {
  if (path !== ":memory:" && !/^https?:\/\//.test(path)) {
    const dir = path.replace(/[^/]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  return Deno.openKv(path);
}

/**
 * Builds the product on `kv`. The queue worker is created with every job
 * type registered but not yet listening. `payoutRetry` overrides the payout
 * and refund timings (tests of crashes shorten the lease).
 *
 * @example
 * const runtime = await buildRuntime(loadConfig(Deno.env.toObject()), kv);
 * runtime.worker.listen();
 * Deno.serve(runtime.app.fetch);
 */
export async function buildRuntime(
  settings: Config,
  kv: Deno.Kv,
  options: { now?: () => number; payoutRetry?: RetryPolicy } = {},
): Promise<Runtime> {
  const now = options.now ?? Date.now;
  let config = settings;
  const appOrigin = `http://127.0.0.1:${config.port}`;
  const whopSandbox = await withWhopSandbox(config, appOrigin, { users: SANDBOX_USERS });
  config = whopSandbox.config;
  if (whopSandbox.sandbox) log("info", "simulated Whop started", { origin: whopSandbox.sandbox.origin });
  const shopifySandbox = await withShopifySandbox(config, appOrigin);
  config = shopifySandbox.config;
  if (shopifySandbox.sandbox) log("info", "simulated Shopify started", { origin: shopifySandbox.sandbox.origin });

  const whop = createWhopClient(config);
  const shopify = createShopifyServices({ kv, config, now });
  const whopDeps = { kv, config, now, whop, retry: options.payoutRetry };
  const lifecycle: LifecycleServices = {
    kv,
    now,
    syncParticipant: shopify.syncParticipant,
    ...createWhopLifecycle(whopDeps),
  };
  const deps = {
    kv,
    config,
    now,
    whop,
    shopify,
    lifecycle,
    verifyUserToken: createUserTokenVerifier({
      jwksUrl: new URL("/.well-known/jwks.json", config.whop.origin),
      appId: config.whop.appId ?? "app_sandbox",
    }),
  };
  const worker = new QueueWorker(kv);
  registerWhopJobs(worker, whopDeps);
  registerShopifyJobs(worker, shopify);
  const sims = { whop: whopSandbox.sandbox, shopify: shopifySandbox.sandbox };
  return {
    config,
    deps,
    app: createApp(deps),
    lifecycle,
    worker,
    sandboxes: sims,
    startDemo: sims.whop && sims.shopify
      ? (demo) => startSandboxDemo({ kv, config, lifecycle, whop: sims.whop!, shopify: sims.shopify!, appOrigin }, demo)
      : undefined,
  };
}
