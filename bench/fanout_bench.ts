/**
 * Fan-out: `--clients` (10,000) concurrent SSE clients of one competition,
 * served by one app process (`bench/serve_app.ts`, KV file, production live
 * timings), with the clients in `--workers` other processes
 * (`bench/fanout_clients.ts`) so the server's resident memory is its own.
 * `--updates` signed `orders/create` webhooks are sent `--gap` ms apart; each
 * moves a different store to a unique total. Reported: for every
 * (client, update) pair the time from the webhook's 2xx to the client
 * receiving the leaderboard event with the new total (p50/p99/max, share
 * within 1 s), and the server's resident memory (idle, with every client
 * connected, peak). Targets: every client gets every update within 1 s;
 * server RSS < 1 GB.
 *
 * Needs about clients + 100 open files in the server process: the script
 * raises nothing itself; run it from a shell with `ulimit -n 20000` (the
 * hard limit on the build machines is 20,000).
 *
 *   ulimit -n 20000; LOG_LEVEL=warn deno run -A bench/fanout_bench.ts [--clients 10000] [--workers 4] [--updates 5]
 */
import { parseArgs } from "node:util";
import { toDecimalString } from "../lib/core/money.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { machine, percentile, report, round } from "./stats.ts";
import {
  deliver,
  epochMs,
  JsonLines,
  orderBody,
  residentMemory,
  shopOf,
  signedDelivery,
  startChildApp,
} from "./support.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "10000" },
    workers: { type: "string", default: "4" },
    updates: { type: "string", default: "5" },
    gap: { type: "string", default: "2000" },
    stores: { type: "string", default: "20" },
  },
});
const clients = Number(values.clients);
const workers = Number(values.workers);
const updates = Number(values.updates);
const gapMs = Number(values.gap);
const stores = Math.max(Number(values.stores), updates);

const memInfo = Deno.systemMemoryInfo();
console.log(
  `machine: ${machine()}, ${round(memInfo.total / 2 ** 30, 1)} GiB RAM (${
    round(memInfo.available / 2 ** 30, 1)
  } GiB available); ${clients} clients in ${workers} worker processes; ${updates} updates ${gapMs} ms apart`,
);

const dir = await Deno.makeTempDir({ prefix: "cartbrawl-fanout-" });
const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });
const app = await startChildApp(dir, stores);
const { url, competitionId } = app;
const port = new URL(url).port;
const path = `/api/competitions/${competitionId}/events`;
// One request so the server has served a page and built its live state once.
await (await fetch(`${url}/api/competitions/${competitionId}/leaderboard`)).arrayBuffer();
const idle = await residentMemory(app.child.pid);

// Update k: store k's first order, a unique amount; clients look for its revenue string.
const amounts = Array.from({ length: updates }, (_, k) => 1_000_000 + 10_101 * (k + 1));
const markers = amounts.map((cents) => `"revenue":"${toDecimalString(cents, "USD")}"`);

const connectStarted = performance.now();
const children = Array.from({ length: workers }, (_, w) => {
  const count = Math.floor(clients / workers) + (w < clients % workers ? 1 : 0);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./fanout_clients.ts", import.meta.url).pathname,
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
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  return { child, lines: new JsonLines(child.stdout) };
});
const connected = await Promise.all(children.map((c) => c.lines.next<{ connected: number; failed: number }>(180_000)));
const subscribed = connected.reduce((sum, c) => sum + c.connected, 0);
const connectFailed = connected.reduce((sum, c) => sum + c.failed, 0);
const connectSeconds = (performance.now() - connectStarted) / 1000;
await new Promise((resolve) => setTimeout(resolve, 1000));
const withClients = await residentMemory(app.child.pid);
console.log(`${subscribed} clients subscribed (${connectFailed} failed) in ${round(connectSeconds, 1)} s`);

const ackedAt: number[] = [];
const sentAt: number[] = [];
let peakSample = withClients.rssMb;
for (let k = 0; k < updates; k++) {
  const shop = shopOf("bench", k);
  const order = sandbox.createOrder(shop, { totalPrice: toDecimalString(amounts[k], "USD") });
  const delivery = await signedDelivery(shop, "orders/create", orderBody(sandbox, order));
  sentAt.push(epochMs());
  const status = await deliver(url, delivery);
  ackedAt.push(epochMs());
  if (status !== 200) throw new Error(`update ${k} answered ${status}`);
  const until = performance.now() + gapMs;
  while (performance.now() < until) {
    peakSample = Math.max(peakSample, (await residentMemory(app.child.pid)).rssMb);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const results = await Promise.all(
  children.map((c) => c.lines.next<{ received: number[][]; complete: number; failed: number }>(180_000)),
);
const after = await residentMemory(app.child.pid);

const all: number[] = [];
const lastPerUpdate: number[] = [];
let missing = 0;
for (let k = 0; k < updates; k++) {
  const times = results.flatMap((r) => r.received[k]).map((at) => at - ackedAt[k]);
  missing += clients - times.length;
  all.push(...times);
  lastPerUpdate.push(Math.max(...times));
  console.log(
    `update ${k + 1}: ${times.length}/${clients} clients; p50 ${round(percentile(times, 50))} ms, ` +
      `p99 ${round(percentile(times, 99))} ms, last ${round(Math.max(...times))} ms after the 2xx ` +
      `(webhook answered in ${round(ackedAt[k] - sentAt[k])} ms)`,
  );
}
const within = all.filter((t) => t <= 1000).length;
report("clients subscribed", subscribed, `of ${clients}`);
report("(client, update) deliveries missing", missing, "");
report("delivery p50 (2xx → event at client)", percentile(all, 50), "ms");
report("delivery p99", percentile(all, 99), "ms");
report("delivery max (last client, worst update)", Math.max(...all), "ms (target ≤ 1000)");
report("deliveries within 1 s", (within / (clients * updates)) * 100, "%");
report("server RSS idle", idle.rssMb, "MiB");
report(`server RSS with ${subscribed} clients`, withClients.rssMb, "MiB");
report("server RSS peak (VmHWM)", Math.max(after.peakMb, peakSample), "MiB (target < 1024)");

for (const c of children) {
  await c.child.status;
  await c.lines.cancel();
}
await app.stop();
await sandbox.close();
await Deno.remove(dir, { recursive: true });
