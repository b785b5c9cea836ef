/**
 * Fan-out: `--clients` concurrent SSE clients of one competition, served by
 * `--servers` app processes on one KV file (`bench/serve_app.ts`, production
 * live timings; the first seeds the competition, the others serve it as
 * further instances), with the clients in `--workers` other processes
 * (`bench/fanout_clients.ts`, worker w on server w mod servers) so the
 * servers' resident memory is their own. `--transport serve` streams through
 * `Deno.serve` (`GET /api/competitions/:id/events` on the app's port); `lean`
 * through the lean stream server (`LIVE_PORT`, `lib/live/stream_server.ts`).
 * `--updates` signed `orders/create` webhooks are sent to the first server
 * `--gap` ms apart; each moves a different store to a unique total (the
 * other servers see it through their change-key poll). Reported: for every
 * (client, update) pair the time from the webhook's 2xx to the client
 * receiving the leaderboard event with the new total (p50/p99/max, share
 * within 1 s), and the servers' resident memory (idle, with every client
 * connected, peak) in total and per client. Targets: every client gets every
 * update within 1 s; ≤ 16 KiB per client (50,000 under 1 GiB).
 *
 * `--generator native` runs the workers as `bench/fanout_clients.c` (built
 * with `cc`, same arguments and output): a read costs a system call rather
 * than an async op, so the load generator takes less of the cores it shares
 * with the servers it measures.
 *
 * Every server and worker process is started through `sh -c 'ulimit -n
 * <open-files>'` (default 20,000, the hard limit on the build machines), so
 * keep clients per server and per worker under that.
 *
 *   LOG_LEVEL=warn deno run -A bench/fanout_bench.ts [--clients 10000] [--servers 1] [--workers 4] \
 *     [--transport serve|lean] [--updates 5] [--gap 2000] [--generator deno|native]
 */
import { parseArgs } from "node:util";
import { toDecimalString } from "../lib/core/money.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { machine, percentile, report, round } from "./stats.ts";
import {
  type ChildApp,
  cpuSeconds,
  deliver,
  epochMs,
  JsonLines,
  orderBody,
  residentMemory,
  shopOf,
  signedDelivery,
  spawnProcess,
  startChildApp,
} from "./support.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "10000" },
    servers: { type: "string", default: "1" },
    workers: { type: "string", default: "4" },
    transport: { type: "string", default: "serve" },
    updates: { type: "string", default: "5" },
    gap: { type: "string", default: "2000" },
    stores: { type: "string", default: "20" },
    "open-files": { type: "string", default: "20000" },
    generator: { type: "string", default: "deno" },
  },
});
const clients = Number(values.clients);
const serverCount = Number(values.servers);
const workers = Number(values.workers);
const lean = values.transport === "lean";
if (!lean && values.transport !== "serve") throw new Error("--transport is serve or lean");
const updates = Number(values.updates);
const gapMs = Number(values.gap);
const stores = Math.max(Number(values.stores), updates);
const openFiles = Number(values["open-files"]);
if (values.generator !== "deno" && values.generator !== "native") throw new Error("--generator is deno or native");

const memInfo = Deno.systemMemoryInfo();
console.log(
  `machine: ${machine()}, ${round(memInfo.total / 2 ** 30, 1)} GiB RAM (${
    round(memInfo.available / 2 ** 30, 1)
  } GiB available); ${clients} clients in ${workers} ${values.generator} worker processes on ${serverCount} server processes ` +
    `(${values.transport}); ${updates} updates ${gapMs} ms apart`,
);

const dir = await Deno.makeTempDir({ prefix: "cartbrawl-fanout-" });
/** Builds `bench/fanout_clients.c` into `dir` with `cc`; returns the program's path. */
async function buildNativeWorker(dir: string): Promise<string> {
  const built = `${dir}/fanout_clients`;
  const source = new URL("./fanout_clients.c", import.meta.url).pathname;
  const cc = await new Deno.Command("cc", { args: ["-O2", "-o", built, source], stdout: "inherit", stderr: "inherit" })
    .output().catch(() => undefined);
  if (!cc?.success) throw new Error("--generator native needs a C compiler (`cc`) to build bench/fanout_clients.c");
  return built;
}
/** The worker program: the Deno script, or the C one built here. */
const workerCommand = values.generator === "native"
  ? [await buildNativeWorker(dir)]
  : [Deno.execPath(), "run", "-A", new URL("./fanout_clients.ts", import.meta.url).pathname];
const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });
const first = await startChildApp(dir, stores, { live: lean, openFiles });
const servers: ChildApp[] = [first];
for (let i = 1; i < serverCount; i++) {
  servers.push(await startChildApp(dir, stores, { live: lean, openFiles, competitionId: first.competitionId }));
}
const { url, competitionId } = first;
const path = `/api/competitions/${competitionId}/events`;
// One request each so every server has served a page before it is measured idle.
for (const server of servers) {
  await (await fetch(`${server.url}/api/competitions/${competitionId}/leaderboard`)).arrayBuffer();
}
/** The servers' resident memory, summed (MiB). */
async function serversMemory() {
  const each = await Promise.all(servers.map((server) => residentMemory(server.child.pid)));
  return {
    rssMb: each.reduce((sum, m) => sum + m.rssMb, 0),
    peakMb: each.reduce((sum, m) => sum + m.peakMb, 0),
    each: each.map((m) => round(m.rssMb, 1)),
  };
}
const idle = await serversMemory();

// Update k: store k's first order, a unique amount; clients look for its revenue string.
const amounts = Array.from({ length: updates }, (_, k) => 1_000_000 + 10_101 * (k + 1));
const markers = amounts.map((cents) => `"revenue":"${toDecimalString(cents, "USD")}"`);

const connectStarted = performance.now();
const children = Array.from({ length: workers }, (_, w) => {
  const count = Math.floor(clients / workers) + (w < clients % workers ? 1 : 0);
  const server = servers[w % servers.length];
  const port = new URL(lean ? server.liveUrl! : server.url).port;
  const child = spawnProcess([
    ...workerCommand,
    "--port",
    port,
    "--path",
    path,
    "--count",
    String(count),
    "--expect",
    markers.join("|"),
    "--timeout",
    String(Math.ceil((updates * gapMs) / 1000) + 60),
  ], openFiles);
  return { child, lines: new JsonLines(child.stdout) };
});
const connected = await Promise.all(
  children.map((c) => c.lines.next<{ connected: number; failed: number; cpu: number }>(180_000)),
);
const subscribed = connected.reduce((sum, c) => sum + c.connected, 0);
const connectFailed = connected.reduce((sum, c) => sum + c.failed, 0);
const connectSeconds = (performance.now() - connectStarted) / 1000;
await new Promise((resolve) => setTimeout(resolve, 1000));
const withClients = await serversMemory();
console.log(`${subscribed} clients subscribed (${connectFailed} failed) in ${round(connectSeconds, 1)} s`);

/** CPU seconds the servers have used so far (the workers report their own). */
async function serversCpu() {
  return (await Promise.all(servers.map((s) => cpuSeconds(s.child.pid)))).reduce((a, b) => a + b, 0);
}
const serversCpuBefore = await serversCpu();
const wallBefore = performance.now();
const ackedAt: number[] = [];
const sentAt: number[] = [];
let peakSample = withClients.rssMb;
for (let k = 0; k < updates; k++) {
  const shop = shopOf("bench", k);
  const order = sandbox.createOrder(shop, { totalPrice: toDecimalString(amounts[k], "USD") });
  const delivery = await signedDelivery(shop, "orders/create", orderBody(sandbox, order));
  sentAt.push(epochMs());
  // As Shopify does, a delivery without a 2xx (a timeout on a saturated machine) is sent again; it is idempotent.
  let status = 0;
  for (let attempt = 1; status !== 200 && attempt <= 3; attempt++) {
    status = await deliver(url, delivery, 20_000);
    if (status !== 200) console.error(`update ${k + 1}: attempt ${attempt} answered ${status}`);
  }
  ackedAt.push(epochMs());
  if (status !== 200) throw new Error(`update ${k + 1} answered ${status}`);
  const until = performance.now() + gapMs;
  while (performance.now() < until) {
    peakSample = Math.max(peakSample, (await serversMemory()).rssMb);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const results = await Promise.all(
  children.map((c) => c.lines.next<{ received: number[][]; complete: number; failed: number; cpu: number }>(180_000)),
);
const after = await serversMemory();
const serversCpuAfter = await serversCpu();
const wallSeconds = (performance.now() - wallBefore) / 1000;

/** The largest value (a spread of millions of values would overflow the stack). */
function largest(values: number[]): number {
  return values.reduce((max, value) => Math.max(max, value), -Infinity);
}
const all: number[] = [];
const lastPerUpdate: number[] = [];
let missing = 0;
for (let k = 0; k < updates; k++) {
  const times = results.flatMap((r) => r.received[k]).map((at) => at - ackedAt[k]);
  missing += clients - times.length;
  all.push(...times);
  lastPerUpdate.push(largest(times));
  console.log(
    `update ${k + 1}: ${times.length}/${clients} clients; p50 ${round(percentile(times, 50))} ms, ` +
      `p99 ${round(percentile(times, 99))} ms, last ${round(largest(times))} ms after the 2xx ` +
      `(webhook answered in ${round(ackedAt[k] - sentAt[k])} ms)`,
  );
}
const within = all.filter((t) => t <= 1000).length;
report("clients subscribed", subscribed, `of ${clients}`);
report("(client, update) deliveries missing", missing, "");
report("delivery p50 (2xx → event at client)", percentile(all, 50), "ms");
report("delivery p99", percentile(all, 99), "ms");
report("delivery max (last client, worst update)", largest(all), "ms (target ≤ 1000)");
report("deliveries within 1 s", (within / (clients * updates)) * 100, "%");
const serverCpu = (serversCpuAfter - serversCpuBefore) / updates;
const workerCpu = results.reduce((sum, r, w) => sum + r.cpu - connected[w].cpu, 0) / updates;
report("CPU per update, servers (build + write to every client)", serverCpu, "s");
report(`CPU per update, client workers (${values.generator}: read + search)`, workerCpu, "s");
report("CPU per client per update, servers", (serverCpu / subscribed) * 1e6, "µs");
report("CPU per client per update, client workers", (workerCpu / subscribed) * 1e6, "µs");
report(
  `CPU used / CPU available over the updates (${navigator.hardwareConcurrency} cores × ${round(wallSeconds, 1)} s)`,
  (((serverCpu + workerCpu) * updates) / (navigator.hardwareConcurrency * wallSeconds)) * 100,
  "%",
);
report(`servers' RSS idle (${servers.length} processes: ${idle.each.join(", ")} MiB)`, idle.rssMb, "MiB");
report(
  `servers' RSS with ${subscribed} clients (${withClients.each.join(", ")} MiB)`,
  withClients.rssMb,
  "MiB",
);
// VmHWM is each process's high-water mark since it started: after connecting it holds the connection storm's peak;
// the samples taken every 100 ms while the updates ran say what the updates needed.
report("servers' RSS peak while the clients connected (sum of VmHWM then)", withClients.peakMb, "MiB");
report("servers' RSS peak while the updates ran (sum sampled every 100 ms)", peakSample, "MiB");
report("servers' RSS peak over the run (sum of VmHWM at the end)", after.peakMb, "MiB");
report("RSS per client above idle", ((withClients.rssMb - idle.rssMb) * 1024) / subscribed, "KiB (target ≤ 16)");
report("RSS per client, all included", (withClients.rssMb * 1024) / subscribed, "KiB");

for (const c of children) {
  await c.child.status;
  await c.lines.cancel();
}
for (const server of servers) await server.stop();
await sandbox.close();
await Deno.remove(dir, { recursive: true });
