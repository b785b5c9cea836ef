/**
 * Webhook cost against a store's history: each of `--stores` stores is a
 * member of `--history` ended competitions (a season's past weekly rounds,
 * completed) and of one live competition; `--count` signed `orders/create`
 * deliveries of new orders (made by the simulated Shopify, its REST payload)
 * go over HTTP to the app in its own process (`bench/serve_app.ts`),
 * `--concurrency` at a time. Reported per history
 * size: the app process's CPU per delivery and the rate, and their ratio to
 * history 0 measured in the same run. The live totals must equal the sum of
 * the orders sent.
 *
 *   LOG_LEVEL=warn deno run -A bench/history_bench.ts [--history 0,4,12] [--stores 100] [--count 2000] [--concurrency 32]
 */
import { parseArgs } from "node:util";
import { parseMoney, toDecimalString } from "../lib/core/money.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { machine, report, round } from "./stats.ts";
import { cpuSeconds, deliver, orderBody, pool, shopOf, signedDelivery, startChildApp } from "./support.ts";

const { values } = parseArgs({
  options: {
    history: { type: "string", default: "0,4,12" },
    stores: { type: "string", default: "100" },
    count: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
  },
});
const histories = values.history.split(",").map(Number);
const stores = Number(values.stores);
const count = Number(values.count);
const concurrency = Number(values.concurrency);
const WEEK_MS = 7 * 86_400_000;
console.log(
  `machine: ${machine()}; ${stores} stores, ${count} deliveries ${concurrency} at a time, history ${
    histories.join(", ")
  }`,
);

/** Seeds `history` completed weekly rounds before this week, each with every store, in the KV file at `path`. */
async function seedHistory(path: string, history: number): Promise<void> {
  using kv = await Deno.openKv(path);
  const now = Date.now();
  for (let round = 1; round <= history; round++) {
    const { competition } = await activeCompetition(kv, {
      start: now - (history - round + 2) * WEEK_MS,
      durationMs: WEEK_MS,
      stores,
      creatorId: "bench_creator",
      title: `Past round ${round}`,
      shopOf: (i) => shopOf("bench", i),
      ownerOf: (i) => `owner_bench_${i}`,
    });
    await updateCompetition(kv, competition.id, now, "status", (c) => ({ ...c, status: "COMPLETED" }));
  }
}

const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });
const results: { history: number; cpuMs: number; rate: number }[] = [];
for (const history of histories) {
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl-history-" });
  await seedHistory(`${dir}/app.sqlite3`, history);
  const app = await startChildApp(dir, stores);
  const deliveries = await Promise.all(Array.from({ length: count }, (_, k) => {
    const shop = shopOf("bench", k % stores);
    const order = sandbox.createOrder(shop, { totalPrice: toDecimalString(100 + k, "USD") });
    return signedDelivery(shop, "orders/create", orderBody(sandbox, order));
  }));
  // A warm-up round of one delivery per store (not counted): each first order reads its competitions once, and takes
  // the completed ones off the store's open memberships.
  const warmUp = deliveries.slice(0, stores);
  for (const status of await pool(warmUp, concurrency, (d) => deliver(app.url, d))) {
    if (status !== 200) throw new Error(`warm-up delivery answered ${status}`);
  }
  const measured = deliveries.slice(stores);
  const cpuBefore = await cpuSeconds(app.child.pid);
  const started = performance.now();
  const statuses = await pool(measured, concurrency, (d) => deliver(app.url, d));
  const seconds = (performance.now() - started) / 1000;
  const cpu = await cpuSeconds(app.child.pid) - cpuBefore;
  if (statuses.some((status) => status !== 200)) throw new Error(`history ${history}: a delivery was refused`);
  const board = await (await fetch(`${app.url}/api/competitions/${app.competitionId}/leaderboard?limit=1000`)).json();
  const total = (board.entries as { revenue: string }[]).reduce((sum, e) => sum + parseMoney(e.revenue, "USD"), 0);
  const sent = Array.from({ length: count }, (_, k) => 100 + k).reduce((a, b) => a + b, 0);
  if (total !== sent) throw new Error(`history ${history}: the live board holds ${total}, ${sent} were sent`);
  await app.stop();
  await Deno.remove(dir, { recursive: true });
  results.push({ history, cpuMs: (cpu / measured.length) * 1000, rate: measured.length / seconds });
  console.log(`history ${history}: totals exact (${total} cents)`);
}
await sandbox.close();
const base = results[0];
for (const { history, cpuMs, rate } of results) {
  report(
    `history ${history}: app CPU per delivery`,
    cpuMs,
    `ms (${round(cpuMs / base.cpuMs, 2)}× history ${base.history})`,
  );
  report(`history ${history}: deliveries per second`, rate, `(${round(rate / base.rate, 2)}× history ${base.history})`);
}
