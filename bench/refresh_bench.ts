/**
 * What a crowd of readers costs the server: when a competition ends (or a
 * store is disqualified) every open competition page asks for its regions
 * again (`islands/live_page.tsx`), and a shared link brings its visitors'
 * first page loads. The app runs in its own process (`bench/serve_app.ts`)
 * with `--stores` stores, each with orders from the simulated Shopify (so the
 * board and the race chart are full); `--requests` page requests per reader
 * kind go over HTTP, `--concurrency` at a time, readers spread over four time
 * zones (a signed-in reader keeps one: the app remembers a user's zone, and
 * writes it when it changes). Reported per kind: the app process's CPU per request, its ratio to a
 * store owner's full page (rendered for them alone: what every page and
 * refresh cost before renderings were shared), the latency, and what 10,000
 * such readers cost.
 *
 *   LOG_LEVEL=warn deno run -A bench/refresh_bench.ts [--stores 100] [--requests 2000] [--concurrency 32]
 */
import { parseArgs } from "node:util";
import { toDecimalString } from "../lib/core/money.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { LIVE_REGIONS_HEADER, liveRegionsVersion } from "../lib/live/regions.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { machine, percentile, report, round } from "./stats.ts";
import { cpuSeconds, deliver, orderBody, pool, shopOf, signedDelivery, startChildApp } from "./support.ts";

const { values } = parseArgs({
  options: {
    stores: { type: "string", default: "100" },
    requests: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
  },
});
const stores = Number(values.stores);
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"];
console.log(`machine: ${machine()}; ${stores} stores, ${requests} requests per reader kind, ${concurrency} at a time`);

const dir = await Deno.makeTempDir({ prefix: "cartbrawl-refresh-" });
const app = await startChildApp(dir, stores);
const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });
const orders = await Promise.all(Array.from({ length: stores * 3 }, (_, k) => {
  const shop = shopOf("bench", k % stores);
  const order = sandbox.createOrder(shop, { totalPrice: toDecimalString(1_000 + k * 37, "USD") });
  return signedDelivery(shop, "orders/create", orderBody(sandbox, order));
}));
for (const status of await pool(orders, concurrency, (d) => deliver(app.url, d))) {
  if (status !== 200) throw new Error(`an order delivery answered ${status}`);
}
await sandbox.close();

/** Session cookies for `count` users named by `userOf`, made in the app's KV file. */
async function sessions(count: number, userOf: (i: number) => string): Promise<string[]> {
  using kv = await Deno.openKv(`${dir}/app.sqlite3`);
  const name = sessionCookieName(app.url);
  return await Promise.all(
    Array.from({ length: count }, async (_, i) => `${name}=${await createSession(kv, userOf(i), Date.now())}`),
  );
}
const onlookers = await sessions(50, (i) => `onlooker_${i}`);
const owners = await sessions(Math.min(stores, 50), (i) => `owner_bench_${i}`);

const path = `/competitions/${app.competitionId}`;
const version = liveRegionsVersion("ACTIVE", []);
interface Kind {
  name: string;
  cookies: string[];
  refresh: boolean;
}
const kinds: Kind[] = [
  { name: "store owner, full page (their own)", cookies: owners, refresh: false },
  { name: "signed out, full page", cookies: [""], refresh: false },
  { name: "signed out, refresh", cookies: [""], refresh: true },
  { name: "signed in (no store in it), full page", cookies: onlookers, refresh: false },
  { name: "signed in (no store in it), refresh", cookies: onlookers, refresh: true },
  { name: "store owner, refresh (their own)", cookies: owners, refresh: true },
];

async function measure(kind: Kind) {
  const send = async (_: unknown, i: number) => {
    const reader = i % kind.cookies.length;
    const session = kind.cookies[reader];
    const zone = `tz=${encodeURIComponent(ZONES[(session ? reader : i) % ZONES.length])}`;
    const headers: Record<string, string> = { cookie: session ? `${zone}; ${session}` : zone };
    if (kind.refresh) headers[LIVE_REGIONS_HEADER] = version;
    const started = performance.now();
    const res = await fetch(`${app.url}${path}`, { headers });
    const body = await res.text();
    if (res.status !== 200 || !body.includes('data-live-region="competition"')) {
      throw new Error(`${kind.name}: answered ${res.status}`);
    }
    return performance.now() - started;
  };
  await pool(Array.from({ length: 200 }), concurrency, send); // warm-up, not counted
  const before = await cpuSeconds(app.child.pid);
  const latencies = await pool(Array.from({ length: requests }), concurrency, send);
  const cpuMs = ((await cpuSeconds(app.child.pid) - before) / requests) * 1000;
  return { name: kind.name, cpuMs, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const results = [];
for (const kind of kinds) results.push(await measure(kind));
await app.stop();
await Deno.remove(dir, { recursive: true });
const base = results[0];
for (const { name, cpuMs, p50, p99 } of results) {
  report(`${name}: app CPU per request`, cpuMs, `ms (${round(cpuMs / base.cpuMs, 2)}× ${base.name})`);
  report(`${name}: latency p50 / p99`, p50, `/ ${round(p99)} ms`);
  report(`${name}: 10,000 such readers`, (cpuMs * 10_000) / 1000, "CPU-s");
}
