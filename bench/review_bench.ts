/**
 * What a big review queue costs its creator's manage page. Stores that take
 * payment later (cash on delivery, bank transfers) send orders that are held
 * until paid: each is a flag, cleared by its payment, and stays in the
 * queue's history. The app runs in its own process (`bench/serve_app.ts`)
 * with `--stores` stores; `--flags` pending orders arrive over signed
 * webhooks, `--paid` of every ten are then paid (cleared) and the creator
 * decides `--decided` of the rest through the API. Then `--requests` manage
 * pages, whole flag lists and first pages of 50 are asked for, one at a time: the app process's CPU
 * per request, the latency and the bytes of each, beside a manage page of
 * the same competition without flags (its baseline, measured first).
 *
 *   LOG_LEVEL=warn deno run -A bench/review_bench.ts [--stores 50] [--flags 5000] [--paid 6] [--decided 200] [--requests 20]
 */
import { parseArgs } from "node:util";
import { toDecimalString } from "../lib/core/money.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { machine, percentile, report, round } from "./stats.ts";
import { cpuSeconds, deliver, orderBody, pool, shopOf, signedDelivery, startChildApp } from "./support.ts";

const { values } = parseArgs({
  options: {
    stores: { type: "string", default: "50" },
    flags: { type: "string", default: "5000" },
    paid: { type: "string", default: "6" },
    decided: { type: "string", default: "200" },
    requests: { type: "string", default: "20" },
  },
});
const stores = Number(values.stores);
const flags = Number(values.flags);
const paidOfTen = Number(values.paid);
const decided = Number(values.decided);
const requests = Number(values.requests);
console.log(
  `machine: ${machine()}; ${stores} stores, ${flags} held orders (${paidOfTen} of 10 paid), ${decided} decided`,
);

const dir = await Deno.makeTempDir({ prefix: "cartbrawl-review-" });
const app = await startChildApp(dir, stores);
const cookie = await (async () => {
  using kv = await Deno.openKv(`${dir}/app.sqlite3`);
  return `${sessionCookieName(app.url)}=${await createSession(kv, "bench_creator", Date.now())}`;
})();
const managePath = `/competitions/${app.competitionId}/manage`;
const flagsPath = `/api/competitions/${app.competitionId}/flags`;

/** `path` asked `requests` times one at a time: app CPU per request, latency p50 and the answer's bytes. */
async function measure(path: string) {
  const ask = async () => {
    const started = performance.now();
    const res = await fetch(`${app.url}${path}`, { headers: { cookie } });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return { ms: performance.now() - started, bytes: body.byteLength };
  };
  await ask(); // warm-up, not counted
  const before = await cpuSeconds(app.child.pid);
  const answers = [];
  for (let i = 0; i < requests; i++) answers.push(await ask());
  const cpuMs = ((await cpuSeconds(app.child.pid) - before) / requests) * 1000;
  return { cpuMs, p50: percentile(answers.map((a) => a.ms), 50), bytes: answers[0].bytes };
}

const empty = await measure(managePath);

const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });
const placed = Array.from({ length: flags }, (_, k) => {
  const shop = shopOf("bench", k % stores);
  return sandbox.createOrder(shop, { totalPrice: toDecimalString(1_000 + k * 37, "USD"), payment: "pending" });
});
const send = async (topic: string, snapshots: typeof placed) => {
  const deliveries = await Promise.all(snapshots.map((o) => signedDelivery(o.shop, topic, orderBody(sandbox, o))));
  for (const status of await pool(deliveries, 32, (d) => deliver(app.url, d))) {
    if (status !== 200) throw new Error(`an ${topic} delivery answered ${status}`);
  }
};
await send("orders/create", placed);
await send(
  "orders/updated",
  placed.filter((_, k) => k % 10 < paidOfTen).map((o) => sandbox.markOrderPaid(o.shop, o.id)),
);
await sandbox.close();
const open = ((await (await fetch(`${app.url}${flagsPath}`, { headers: { cookie } })).json()) as {
  flags: { id: string; status: string }[];
}).flags.filter((flag) => flag.status === "open");
await pool(open.slice(0, decided), 8, async (flag, i) => {
  const res = await fetch(`${app.url}${flagsPath}/${flag.id}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json", origin: app.url },
    body: JSON.stringify({ decision: i % 2 ? "count" : "exclude" }),
  });
  if (res.status !== 200) throw new Error(`a decision answered ${res.status}: ${await res.text()}`);
});

const results = [
  { name: "manage page, no flags", ...empty },
  { name: `manage page, ${flags} flags`, ...await measure(managePath) },
  { name: `flags API, ${flags} flags`, ...await measure(flagsPath) },
  { name: `flags API, ${flags} flags, a page of 50`, ...await measure(`${flagsPath}?limit=50`) },
];
await app.stop();
await Deno.remove(dir, { recursive: true });
for (const { name, cpuMs, p50, bytes } of results) {
  report(`${name}: app CPU per request`, cpuMs, `ms (${round(cpuMs / empty.cpuMs, 1)}× the page without flags)`);
  report(`${name}: latency p50`, p50, "ms");
  report(`${name}: size`, round(bytes / 1024, 1), "KiB");
}
