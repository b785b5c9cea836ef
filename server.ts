/**
 * Runs one process of the product, the same way from `main.ts` (islands
 * built from source) and from the release entry (`scripts/release.ts`, files
 * embedded): read the settings, open KV, bring its layout up to date, build
 * the product, start the queue worker and the jobs, serve, and stop cleanly
 * on SIGTERM or SIGINT. Also the operators' KV commands (backup, restore),
 * so the release file alone can run them. It imports no build tool, so the
 * release bundle carries none.
 */
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { log } from "./lib/core/log.ts";
import { LayoutError, prepareLayout } from "./lib/core/migrations.ts";
import { buildRuntime, openKv, type Runtime } from "./app.ts";
import { scheduleJobs } from "./cron/schedule.ts";
import { SlowClientError } from "./lib/live/hub.ts";
import { serveLiveStreams } from "./lib/live/stream_server.ts";
import { BackupError, backupKv, restoreKv, withKvFileSnapshot } from "./lib/core/backup.ts";
import type { SandboxDemo } from "./sandbox/mode.ts";

/** How long a shutdown waits, in all, for requests in flight, queue messages being handled and job runs, ms. */
export const DRAIN_MS = 5_000;

/** The settings from the environment; on a bad one, prints the sentence that names it and exits 1. */
export function settingsOrExit(): Config {
  try {
    return loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`CartBrawl cannot start: ${error.message}`);
    Deno.exit(1);
  }
}

/**
 * Serves the product until SIGTERM or SIGINT, then drains (see `shutdown`)
 * and exits 0. Data from a newer release stops the start with one sentence
 * and exit code 1.
 *
 * @example
 * await serveProduct(settingsOrExit());
 */
export async function serveProduct(settings: Config): Promise<void> {
  const kv = await openKv(settings.kvPath);
  try {
    const layout = await prepareLayout(kv, { now: Date.now });
    if (layout.result !== "current") log("info", "KV layout ready", layout);
  } catch (error) {
    if (!(error instanceof LayoutError)) throw error;
    console.error(`CartBrawl cannot start: ${error.message}`);
    kv.close();
    Deno.exit(1);
  }
  const runtime = await buildRuntime(settings, kv);
  const { config, worker, lifecycle } = runtime;
  worker.listen().catch((error) => log("error", "queue worker stopped", { error }));
  const jobs = new JobRuns();
  scheduleJobs(lifecycle, { signal: jobs.signal, track: (run) => jobs.track(run) });
  const requests = new RequestGate();
  // Deno.serve has no header-read or idle timeout (README "Limits": the reverse proxy sets them).
  const server = Deno.serve({
    hostname: config.listenAddress,
    port: config.port,
    // A live client dropped for not reading ends its stream with this error; it is expected.
    onError: (error) => {
      if (!(error instanceof SlowClientError)) log("error", "unhandled server error", { error });
      return new Response(null, { status: 500 });
    },
    onListen: ({ hostname, port }) => {
      log("info", "listening", { url: `http://${hostname}:${port}`, appUrl: config.appUrl, sandbox: config.sandbox });
      if (runtime.banner) console.log(runtime.banner);
    },
  }, requests.wrap(runtime.app.fetch));
  // `LIVE_PORT`: event streams also served by the lean stream server (the proxy routes them there).
  const streams = config.livePort
    ? serveLiveStreams({
      kv: runtime.deps.kv,
      hub: runtime.deps.live,
      hostname: config.listenAddress,
      port: config.livePort,
    })
    : undefined;
  if (streams) log("info", "event streams listening", { url: `http://${streams.addr.hostname}:${streams.addr.port}` });
  // Sandbox mode: the demo world (seeded once per data file) and its simulated customers.
  const demo = runtime.startDemo?.();
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: Deno.Signal) => {
    stopping ??= shutdown({ runtime, server, requests, jobs, demo }, signal).then(
      () => Deno.exit(0),
      (error) => {
        log("error", "shutdown failed", { error });
        Deno.exit(1);
      },
    );
  };
  Deno.addSignalListener("SIGTERM", () => onSignal("SIGTERM"));
  Deno.addSignalListener("SIGINT", () => onSignal("SIGINT"));
}

/**
 * Counts the requests being handled and, once closed, answers new ones 503
 * (`Connection: close`, `Retry-After`) so a proxy sends them to another
 * instance. Deno's own `shutdown()` cuts the bodies of requests still being
 * uploaded, so the drain waits here for those first.
 */
class RequestGate {
  #inFlight = 0;
  #closed = false;
  #idle = Promise.withResolvers<void>();

  /** The handler, counted. A response's body (an event stream) may outlive the count. */
  wrap(handler: Deno.ServeHandler): Deno.ServeHandler {
    return async (request, info) => {
      if (this.#closed) {
        return new Response("The server is restarting; please retry.\n", {
          status: 503,
          headers: { "Connection": "close", "Retry-After": "1", "Content-Type": "text/plain; charset=utf-8" },
        });
      }
      this.#inFlight++;
      try {
        return await handler(request, info);
      } finally {
        if (--this.#inFlight === 0 && this.#closed) this.#idle.resolve();
      }
    };
  }

  /** Refuses new requests; settles when none is in flight. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#inFlight === 0) this.#idle.resolve();
    return this.#idle.promise;
  }
}

/** The scheduled job runs of this process, and the switch that stops scheduling more. */
class JobRuns {
  readonly #stop = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  /** Aborted when the process stops: no new run starts. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Keeps `run` until it settles. */
  track(run: Promise<unknown>): void {
    const settled = run.catch(() => {});
    this.#running.add(settled);
    settled.finally(() => this.#running.delete(settled));
  }

  /** Stops scheduling; settles when the runs in progress have. */
  stop(): Promise<unknown> {
    this.#stop.abort();
    return Promise.all(this.#running);
  }
}

/** What a shutdown stops. */
interface Running {
  runtime: Runtime;
  server: Deno.HttpServer;
  requests: RequestGate;
  jobs: JobRuns;
  demo?: SandboxDemo;
}

/**
 * The drain: stop the sandbox demo's seeding at its next step (while the
 * server still answers it, so it records where it was); refuse new
 * requests and start no scheduled job; end every live
 * stream with a `retry:` hint (browsers reconnect, to another instance
 * behind the proxy); wait up to `DRAIN_MS` for requests in flight (webhooks
 * are applied before they are answered), queue messages being handled (the
 * rest are delivered again later) and job runs in progress (one cut short
 * keeps its lease until it expires); close the listener and KV.
 */
async function shutdown({ runtime, server, requests: gate, jobs, demo }: Running, signal: Deno.Signal): Promise<void> {
  const started = performance.now();
  log("info", "shutting down", { signal });
  const demoStopped = demo ? await withDeadline(demo.stop(), 2_000) : undefined;
  const closingStreams = runtime.deps.live.close();
  const runningJobs = jobs.stop();
  const left = () => Math.max(0, DRAIN_MS - (performance.now() - started));
  const requests = await withDeadline(gate.close(), left());
  const messages = await runtime.worker.stop(left());
  const jobRuns = await withDeadline(runningJobs, left());
  await withDeadline(closingStreams, 1_000);
  const listener = await withDeadline(server.shutdown(), 1_000);
  await withDeadline(Promise.all([runtime.sandboxes.shopify?.close(), runtime.sandboxes.whop?.close()]), 1_000);
  runtime.deps.kv.close();
  log("info", "stopped", {
    demo: demoStopped,
    requests,
    messages,
    jobRuns,
    listener,
    ms: Math.round(performance.now() - started),
  });
}

/** Waits for `work`, or `ms` at most. */
async function withDeadline(work: Promise<unknown>, ms: number): Promise<"done" | "timed_out"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timed_out">((resolve) => timer = setTimeout(() => resolve("timed_out"), ms));
  const outcome = await Promise.race([work.then(() => "done" as const), deadline]);
  clearTimeout(timer);
  return outcome;
}

/**
 * The operators' commands: `backup <file>` (`-` for standard output) and
 * `restore <file>`, on the KV at `KV_PATH`. Prints one line saying what was
 * done (or why not) and exits: 0 done, 1 refused, 2 usage.
 *
 * @example
 * await runKvCommand(["backup", "cartbrawl.ndjson"]); // `deno task backup cartbrawl.ndjson`
 */
export async function runKvCommand([command, path]: string[]): Promise<never> {
  if ((command !== "backup" && command !== "restore") || !path) {
    console.error("Usage: doctor | backup <file> (or - for standard output) | restore <file>");
    Deno.exit(2);
  }
  const { kvPath } = settingsOrExit();
  const local = kvPath !== ":memory:" && !/^https?:\/\//.test(kvPath);
  if (command === "backup" && local && !await Deno.stat(kvPath).then(() => true, () => false)) {
    console.error(`There is no KV data at ${kvPath}; set KV_PATH to the app's.`);
    Deno.exit(1);
  }
  const kv = await openKv(kvPath);
  try {
    if (command === "backup") {
      const partial = `${path}.partial`;
      const out = path === "-"
        ? Deno.stdout.writable
        : (await Deno.open(partial, { write: true, create: true, truncate: true })).writable;
      const { entries, sha256 } = local
        ? await withKvFileSnapshot(kvPath, (snapshot) => backupKv(snapshot, out, "snapshot"))
        : await backupKv(kv, out);
      if (path !== "-") await Deno.rename(partial, path);
      console.error(`backed up ${entries} entries of ${kvPath} to ${path} (sha256 ${sha256})`);
    } else {
      const { entries } = await restoreKv(kv, () => Deno.open(path).then((file) => file.readable));
      console.error(`restored ${entries} entries from ${path} into ${kvPath}`);
    }
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    console.error(`${command === "backup" ? "Backup" : "Restore"} refused: ${error.message}`);
    kv.close();
    Deno.exit(1);
  }
  kv.close();
  Deno.exit(0);
}
