/**
 * Entry point: read the settings, open KV, build the product (with the
 * simulated Whop and Shopify in sandbox mode), start the queue worker and the
 * scheduled jobs, and serve.
 */
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { log } from "./lib/core/log.ts";
import { ensureIslandBundles } from "./lib/web/island_build.ts";
import { buildRuntime, openKv } from "./app.ts";
import { scheduleJobs } from "./cron/schedule.ts";
import { SlowClientError } from "./lib/live/hub.ts";
import { serveLiveStreams } from "./lib/live/stream_server.ts";

if (import.meta.main) {
  let settings: Config;
  try {
    settings = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`CartBrawl cannot start: ${error.message}`);
    Deno.exit(1);
  }
  const kv = await openKv(settings.kvPath);
  await ensureIslandBundles();
  const { app, config, deps, worker, lifecycle, startDemo } = await buildRuntime(settings, kv);
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
  if (config.livePort) {
    const streams = serveLiveStreams({ kv, hub: deps.live, port: config.livePort });
    log("info", "event streams listening", { port: streams.addr.port });
  }
  // Sandbox mode: the demo world (seeded once per data file) and its simulated customers.
  startDemo?.();
}
