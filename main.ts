/**
 * Entry point: read the settings, open KV, build the app and serve it.
 */
import { ConfigError, loadConfig } from "./config.ts";
import { createApp } from "./lib/app.ts";
import { log } from "./lib/log.ts";
import { createUserTokenVerifier } from "./lib/user_token.ts";
import { ensureIslandBundles } from "./lib/island_build.ts";
import { QueueWorker } from "./lib/queue.ts";
import { createWhopClient } from "./lib/whop/client.ts";
import { createWhopLifecycle, registerWhopJobs } from "./lib/whop/mod.ts";
import type { LifecycleServices } from "./lib/settlement.ts";
import { scheduleJobs } from "./cron/schedule.ts";
import { SlowClientError } from "./lib/live.ts";
import { withWhopSandbox } from "./lib/whop/sandbox_mode.ts";
import { createShopifyServices, registerShopifyJobs } from "./lib/shopify/mod.ts";
import { withShopifySandbox } from "./lib/shopify/sandbox_mode.ts";

async function openKv(path: string): Promise<Deno.Kv> {
  if (path !== ":memory:" && !/^https?:\/\//.test(path)) {
    const dir = path.replace(/[^/]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  return Deno.openKv(path);
}

if (import.meta.main) {
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`CartBrawl cannot start: ${error.message}`);
    Deno.exit(1);
  }
  const kv = await openKv(config.kvPath);
  const whopSandbox = await withWhopSandbox(config, `http://127.0.0.1:${config.port}`);
  if (whopSandbox.sandbox) {
    config = whopSandbox.config;
    log("info", "simulated Whop started", { origin: whopSandbox.sandbox.origin });
  }
  const shopifySandbox = await withShopifySandbox(config, `http://127.0.0.1:${config.port}`);
  if (shopifySandbox.sandbox) {
    config = shopifySandbox.config;
    log("info", "simulated Shopify started", { origin: shopifySandbox.sandbox.origin });
  }
  const whop = createWhopClient(config);
  // Shopify: joining, webhooks, backfills; `shopify.syncParticipant` is the lifecycle's.
  const shopify = createShopifyServices({ kv, config, now: Date.now });
  await ensureIslandBundles();
  const lifecycle: LifecycleServices = {
    kv,
    now: Date.now,
    syncParticipant: shopify.syncParticipant,
    ...createWhopLifecycle({ kv, config, now: Date.now, whop }),
  };
  const app = createApp({
    kv,
    config,
    now: Date.now,
    whop,
    shopify,
    lifecycle,
    verifyUserToken: createUserTokenVerifier({
      jwksUrl: new URL("/.well-known/jwks.json", config.whop.origin),
      appId: config.whop.appId ?? "app_sandbox",
    }),
  });
  // The process's one queue worker: every module registers its job types here.
  const worker = new QueueWorker(kv);
  registerWhopJobs(worker, { kv, config, now: Date.now, whop });
  registerShopifyJobs(worker, shopify);
  worker.listen().catch((error) => log("error", "queue worker stopped", { error }));
  scheduleJobs(lifecycle);
  Deno.serve({
    port: config.port,
    // A live client dropped for not reading ends its stream with this error; it is expected.
    onError: (error) => {
      if (!(error instanceof SlowClientError)) log("error", "unhandled server error", { error });
      return new Response(null, { status: 500 });
    },
    onListen: ({ hostname, port }) =>
      log("info", "listening", { url: `http://${hostname}:${port}`, appUrl: config.appUrl, sandbox: config.sandbox }),
  }, app.fetch);
}
