/**
 * Where the webhook path spends its time: the app (`bench/serve_app.ts`, KV
 * file, `--stores` stores) runs under `--inspect`; this process sends
 * `--count` signed `orders/create` webhooks, `--concurrency` in flight, and
 * takes a V8 CPU profile of the app's main thread through the inspector
 * protocol meanwhile. Reported: the rate, the share of samples in which the
 * main thread was idle (waiting for KV, the network or the sender), and the
 * functions and files with the most samples (self, and inclusive by file and
 * by function).
 *
 *   LOG_LEVEL=warn deno run -A bench/ingest_profile.ts [--count 4000] [--concurrency 64] [--stores 1000]
 */
import { parseArgs } from "node:util";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { machine } from "./stats.ts";
import { deliver, JsonLines, orderBody, pool, shopOf, signedDelivery, threadCpuSeconds } from "./support.ts";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "4000" },
    concurrency: { type: "string", default: "64" },
    stores: { type: "string", default: "1000" },
    port: { type: "string", default: "9339" },
  },
});
const stores = Number(values.stores);
const dir = await Deno.makeTempDir({ prefix: "cartbrawl-profile-" });
const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });
const inspect = `127.0.0.1:${values.port}`;
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    `--inspect=${inspect}`,
    new URL("./serve_app.ts", import.meta.url).pathname,
    "--kv",
    `${dir}/app.sqlite3`,
    "--stores",
    String(stores),
  ],
  env: { LOG_LEVEL: "warn" },
  stdout: "piped",
  stderr: "null",
}).spawn();
const lines = new JsonLines(child.stdout);
const { url } = await lines.next<{ url: string }>(120_000);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const targets = await (await fetch(`http://${inspect}/json/list`)).json();
const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
await new Promise((resolve) => (socket.onopen = resolve));
const waiting = new Map<number, (result: Record<string, unknown>) => void>();
socket.onmessage = (event) => {
  const message = JSON.parse(event.data);
  waiting.get(message.id)?.(message.result);
  waiting.delete(message.id);
};
let nextId = 0;
function call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const id = ++nextId;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
}

async function deliveries(n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const shop = shopOf("bench", i % stores);
    const order = sandbox.createOrder(shop, { totalPrice: "12.34" });
    out.push(await signedDelivery(shop, "orders/create", orderBody(sandbox, order)));
  }
  return out;
}
await pool(await deliveries(1000), 32, (d) => deliver(url, d)); // warm-up
const batch = await deliveries(Number(values.count));
await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 100 });
await call("Profiler.start");
const threadsBefore = await threadCpuSeconds(child.pid);
const started = performance.now();
const statuses = await pool(batch, Number(values.concurrency), (d) => deliver(url, d));
const seconds = (performance.now() - started) / 1000;
const threadsAfter = await threadCpuSeconds(child.pid);
const { profile } = await call("Profiler.stop") as { profile: { nodes: ProfileNode[]; samples: number[] } };
if (statuses.some((status) => status !== 200)) throw new Error("a delivery was not answered 200");

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const hits = new Map<number, number>();
for (const sample of profile.samples) hits.set(sample, (hits.get(sample) ?? 0) + 1);
const total = profile.samples.length;
const where = (node: ProfileNode) => node.callFrame.url.replace(/^.*\/(node_modules\/\.deno\/|bench\/\.\.\/)/, "");
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const inclusiveFunctions = new Map<string, number>();
for (const [id, count] of hits) {
  const node = nodes.get(id)!;
  const name = `${node.callFrame.functionName || "(anonymous)"} ${where(node)}:${node.callFrame.lineNumber + 1}`;
  self.set(name, (self.get(name) ?? 0) + count);
  const files = new Set<string>();
  const functions = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const frame = nodes.get(at)!.callFrame;
    if (frame.url) {
      functions.add(`${frame.functionName || "(anonymous)"} ${where(nodes.get(at)!)}:${frame.lineNumber + 1}`);
    }
    const file = where(nodes.get(at)!).replace(/^file:\/\/.*?\/(lib|routes|app\.ts)/, "$1") || "(native)";
    files.add(file.split("/").slice(0, 3).join("/"));
  }
  for (const file of files) inclusive.set(file, (inclusive.get(file) ?? 0) + count);
  for (const name of functions) inclusiveFunctions.set(name, (inclusiveFunctions.get(name) ?? 0) + count);
}
const share = (count: number) => `${((count / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`machine: ${machine()}; ${batch.length} webhooks, ${values.concurrency} in flight`);
console.log(`rate: ${(batch.length / seconds).toFixed(0)} deliveries/s; ${total} samples of the app's main thread`);
console.log("the app process's CPU per delivery, by thread (µs):");
let allThreads = 0;
for (const [name, after] of [...threadsAfter].sort((a, b) => b[1] - a[1])) {
  const spent = after - (threadsBefore.get(name) ?? 0);
  allThreads += spent;
  if (spent > 0) console.log(`${((spent / batch.length) * 1e6).toFixed(0).padStart(6)}  ${name}`);
}
console.log(`${((allThreads / batch.length) * 1e6).toFixed(0).padStart(6)}  (all threads)`);
console.log("self time (top 25):");
for (const [name, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${share(count)}  ${name}`);
console.log("inclusive, by file (top 20):");
for (const [file, count] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${share(count)}  ${file}`);
}

console.log("inclusive, by function (top 40):");
for (const [name, count] of [...inclusiveFunctions].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${share(count)}  ${name}`);
}

socket.close();
child.kill("SIGTERM");
await child.status;
await lines.cancel();
await sandbox.close();
await Deno.remove(dir, { recursive: true });
