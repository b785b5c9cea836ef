/**
 * The floor under a webhook's CPU (issue 28's ≤ 0.25 ms per delivery): what
 * no app code can go under without storing less per order. Four figures per
 * round, each the CPU of its process (every thread, SQLite's included) per
 * delivery, for `--count` signed `orders/create` bodies over `--stores`
 * stores, 64 in flight:
 *
 * - **over HTTP**: the app alone in its process (`bench/serve_app.ts`), the
 *   whole path a delivery takes;
 * - **app, no HTTP**: `processWebhook` called directly (the route's work
 *   after the HMAC: parse, the shop's memberships, `recordOrder` through the
 *   group commit) on a KV file;
 * - **KV floor**: the same run's KV calls — every read and every commit's
 *   mutations, recorded from a run on an identical copy of the file — replayed
 *   in order on another copy: only Deno KV's own work (serialising, SQLite)
 *   for exactly what the app reads and writes. The commits' checks are left
 *   out (their versionstamps belong to the recorded file), so it is a floor;
 * - **HTTP floor**: `bench/http_floor_server.ts`, `Deno.serve` that reads
 *   the body, checks its HMAC as the app does, and answers 200.
 *
 * KV floor + HTTP floor is what the delivery costs with no app code at all.
 * The KV floor is also taken apart: its reads alone and its commits alone
 * (each on a copy of its own).
 *
 *   LOG_LEVEL=warn deno run -A bench/ingest_floor.ts [--count 4000] [--stores 1000] [--rounds 2]
 */
import { parseArgs } from "node:util";
import { cpuUsage } from "node:process";
import { loadConfig } from "../config.ts";
import { createShopifyServices, processWebhook, SANDBOX_APP } from "../lib/shopify/mod.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { machine, median, report, round } from "./stats.ts";
import {
  cpuSeconds,
  deliver,
  type Delivery,
  JsonLines,
  type KvCall,
  observedKv,
  orderBody,
  pool,
  seedCompetition,
  shopOf,
  signedDelivery,
  spawnProcess,
  startChildApp,
} from "./support.ts";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "4000" },
    stores: { type: "string", default: "1000" },
    rounds: { type: "string", default: "2" },
  },
});
const count = Number(values.count);
const stores = Number(values.stores);
const CONCURRENCY = 64;

/** `kv` with every read and every commit appended to `calls`, its values copied as they were committed. */
function recording(kv: Deno.Kv, calls: KvCall[]): Deno.Kv {
  return observedKv(kv, (call) => calls.push(call.kind === "commit" ? structuredClone(call) : call));
}

/**
 * Replays `calls` on `kv`: the reads up to each commit together, then the
 * commit; `only` replays the reads or the commits alone.
 */
async function replay(kv: Deno.Kv, calls: KvCall[], only?: "reads" | "commits"): Promise<void> {
  let reads: Promise<unknown>[] = [];
  for (const call of calls) {
    if (call.kind !== "commit" && only === "commits") continue;
    if (call.kind === "get") reads.push(kv.get(call.key));
    else if (call.kind === "getMany") reads.push(kv.getMany(call.keys));
    else if (call.kind === "list") reads.push(Array.fromAsync(kv.list(call.selector, call.options)));
    else if (only === "reads") {
      await Promise.all(reads);
      reads = [];
    } else {
      await Promise.all(reads);
      reads = [];
      const op = kv.atomic();
      for (const { method, args } of call.mutations) {
        (op[method] as (...args: unknown[]) => Deno.AtomicOperation).apply(op, args);
      }
      const result = await op.commit();
      if (!result.ok) throw new Error("a replayed commit failed");
    }
  }
  await Promise.all(reads);
}

/** This process's CPU seconds so far (every thread). */
function ownCpuSeconds(): number {
  const { user, system } = cpuUsage();
  return (user + system) / 1e6;
}

/** Copies a closed KV file (with its WAL and shared-memory files, when present). */
async function copyKv(from: string, to: string): Promise<void> {
  for (const suffix of ["", "-wal", "-shm"]) {
    await Deno.copyFile(`${from}${suffix}`, `${to}${suffix}`).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
}

console.log(`machine: ${machine()}; ${count} orders/create over ${stores} stores, ${CONCURRENCY} in flight`);
const dir = await Deno.makeTempDir({ prefix: "cartbrawl-floor-" });
const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });
const config = loadConfig({ SANDBOX: "1" });

/** Fresh signed deliveries (new order ids each round, so none is a duplicate of an earlier round's). */
async function deliveries(): Promise<Delivery[]> {
  const made: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    const shop = shopOf("bench", i % stores);
    const order = sandbox.createOrder(shop, { totalPrice: `${10 + (i % 90)}.${String(i % 100).padStart(2, "0")}` });
    made.push(await signedDelivery(shop, "orders/create", orderBody(sandbox, order)));
  }
  return made;
}

/** Runs `processWebhook` for every delivery on `kv`, 64 at a time. */
async function applyAll(kv: Deno.Kv, batch: Delivery[]): Promise<void> {
  const deps = createShopifyServices({ kv, config, now: Date.now });
  await pool(batch, CONCURRENCY, async ({ topic, shop, webhookId, body }) => {
    const outcome = await processWebhook(deps, { topic, shop, webhookId, body });
    if (outcome.status !== 200 || outcome.result !== "applied") throw new Error(`not applied: ${outcome.status}`);
  });
}

/** CPU µs per delivery of a child process while `batch` is posted to `url`, 64 in flight. */
async function overHttp(pid: number, url: string, batch: Delivery[]): Promise<number> {
  const before = await cpuSeconds(pid);
  const statuses = await pool(batch, CONCURRENCY, (delivery) => deliver(url, delivery));
  const spent = await cpuSeconds(pid) - before;
  const refused = statuses.filter((status) => status !== 200).length;
  if (refused > 0) throw new Error(`${refused} deliveries were not answered 200`);
  return (spent / batch.length) * 1e6;
}

const figures = {
  http: [] as number[],
  app: [] as number[],
  kvFloor: [] as number[],
  reads: [] as number[],
  commits: [] as number[],
  httpFloor: [] as number[],
};
try {
  for (let r = 1; r <= Number(values.rounds); r++) {
    // Three identical files: one to record the KV calls on, one for the app's run, one to replay them on.
    const base = `${dir}/base-${r}.sqlite3`;
    const seeded = await Deno.openKv(base);
    await seedCompetition(seeded, { stores });
    seeded.close();
    for (const name of ["record", "app", "replay", "reads", "commits"]) {
      await copyKv(base, `${dir}/${name}-${r}.sqlite3`);
    }
    const batch = await deliveries();

    const child = await startChildApp(`${dir}`, stores);
    try {
      figures.http.push(await overHttp(child.child.pid, child.url, batch));
    } finally {
      await child.stop();
      await Deno.remove(`${dir}/app.sqlite3`).catch(() => {});
    }

    const calls: KvCall[] = [];
    const recorded = await Deno.openKv(`${dir}/record-${r}.sqlite3`);
    await applyAll(recording(recorded, calls), batch);
    recorded.close();

    const appKv = await Deno.openKv(`${dir}/app-${r}.sqlite3`);
    let started = ownCpuSeconds();
    await applyAll(appKv, batch);
    figures.app.push(((ownCpuSeconds() - started) / count) * 1e6);
    appKv.close();

    const replayKv = await Deno.openKv(`${dir}/replay-${r}.sqlite3`);
    started = ownCpuSeconds();
    await replay(replayKv, calls);
    figures.kvFloor.push(((ownCpuSeconds() - started) / count) * 1e6);
    replayKv.close();
    for (const only of ["reads", "commits"] as const) {
      const partKv = await Deno.openKv(`${dir}/${only}-${r}.sqlite3`);
      started = ownCpuSeconds();
      await replay(partKv, calls, only);
      figures[only].push(((ownCpuSeconds() - started) / count) * 1e6);
      partKv.close();
    }
    const commits = calls.filter((call) => call.kind === "commit") as Extract<KvCall, { kind: "commit" }>[];
    const mutations = commits.reduce((sum, call) => sum + call.mutations.length, 0);

    const floor = spawnProcess([
      Deno.execPath(),
      "run",
      "-A",
      new URL("./http_floor_server.ts", import.meta.url).pathname,
    ]);
    const lines = new JsonLines(floor.stdout);
    try {
      const { url } = await lines.next<{ url: string }>(30_000);
      figures.httpFloor.push(await overHttp(floor.pid, url, batch));
    } finally {
      floor.kill("SIGTERM");
      await floor.status;
      await lines.cancel();
    }
    console.log(
      `round ${r} (load ${(await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ")}): ` +
        `over HTTP ${round(figures.http.at(-1)!)} µs, app without HTTP ${round(figures.app.at(-1)!)} µs, ` +
        `KV floor ${round(figures.kvFloor.at(-1)!)} µs (${round(commits.length / count, 3)} commits and ` +
        `${round(mutations / count)} mutations per delivery; reads alone ${round(figures.reads.at(-1)!)} µs, ` +
        `commits alone ${round(figures.commits.at(-1)!)} µs), HTTP floor ${round(figures.httpFloor.at(-1)!)} µs`,
    );
  }
  const http = median(figures.http);
  const kvFloor = median(figures.kvFloor);
  const httpFloor = median(figures.httpFloor);
  report("CPU per delivery over HTTP (the app's process)", round(http), "µs");
  report("CPU per delivery, processWebhook without HTTP", round(median(figures.app)), "µs");
  report("KV floor: the same reads and mutations replayed", round(kvFloor), "µs");
  report("  its reads alone", round(median(figures.reads)), "µs");
  report("  its commits alone", round(median(figures.commits)), "µs");
  report("HTTP floor: Deno.serve, body read, HMAC, 200", round(httpFloor), "µs");
  report("floors together (no app code)", round(kvFloor + httpFloor), "µs");
  report("app code above the floors", round(http - kvFloor - httpFloor), "µs");
} finally {
  await sandbox.close();
  await Deno.remove(dir, { recursive: true });
}
