/**
 * Freshness: from a signed `orders/create` webhook accepted (its 2xx received
 * by the sender) to the SSE `leaderboard` event carrying the store's new
 * total at a client of `GET /api/competitions/:id/events`. The app runs in
 * its own process (`bench/serve_app.ts`) with the production live timings
 * (250 ms change-key poll; a change after a quiet 100 ms is sent at once,
 * changes in a row share one rebuild per 100 ms); orders go to `--stores`
 * stores one at a time with random gaps (so they land at every phase of the
 * coalescing window). Also reported: the orders that arrived on a quiet
 * board (none in the 100 ms before), which should be seen in a few ms.
 * Target: p99 ≤ 150 ms.
 *
 *   LOG_LEVEL=warn deno run -A bench/freshness_bench.ts [--orders 300] [--rounds 1]
 */
import { parseArgs } from "node:util";
import { parseMoney } from "../lib/core/money.ts";
import { SseReader } from "../testing/live.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { machine, median, percentile, report } from "./stats.ts";
import { deliver, orderBody, rng, shopOf, signedDelivery, startChildApp } from "./support.ts";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "300" },
    rounds: { type: "string", default: "1" },
    stores: { type: "string", default: "50" },
    "max-gap": { type: "string", default: "400" },
    seed: { type: "string", default: "7" },
  },
});
const ordersPerRound = Number(values.orders);
const rounds = Number(values.rounds);
const stores = Number(values.stores);
const maxGap = Number(values["max-gap"]);
const random = rng(Number(values.seed));

const dir = await Deno.makeTempDir({ prefix: "cartbrawl-fresh-" });
const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });
const app = await startChildApp(dir, stores);
const { url, competitionId } = app;

console.log(`machine: ${machine()}; ${stores} stores; ${rounds} × ${ordersPerRound} orders, gaps 0–${maxGap} ms`);

interface Pending {
  shop: string;
  cents: number;
  ackAt?: number;
  seenAt?: number;
  /** No other order was acknowledged in the 100 ms before this one was sent. */
  quiet: boolean;
}
const totals = new Map<string, number>();
const results: Record<string, number[]> = { p50: [], p99: [], max: [], ack: [], quietP50: [], quietP99: [] };
const QUIET_MS = 100;
for (let r = 0; r < rounds; r++) {
  const sse = new SseReader(await fetch(`${url}/api/competitions/${competitionId}/events`));
  const pending: Pending[] = [];
  let reading = true;
  const reader = (async () => {
    while (reading) {
      const event = await sse.nextEvent(5000).catch(() => undefined);
      if (!event || event.event !== "leaderboard") continue;
      const at = performance.now();
      const board = JSON.parse(event.data!) as { entries: { shop: string; revenue: string }[] };
      const seen = new Map(board.entries.map((e) => [e.shop, parseMoney(e.revenue, "USD")]));
      for (const p of pending) if (p.seenAt === undefined && (seen.get(p.shop) ?? 0) >= p.cents) p.seenAt = at;
    }
  })();
  const acks: number[] = [];
  for (let i = 0; i < ordersPerRound; i++) {
    const shop = shopOf("bench", Math.floor(random() * stores));
    const cents = 100 + Math.floor(random() * 50_000);
    totals.set(shop, (totals.get(shop) ?? 0) + cents);
    const order = sandbox.createOrder(shop, { totalPrice: (cents / 100).toFixed(2) });
    const delivery = await signedDelivery(shop, "orders/create", orderBody(sandbox, order));
    const lastAck = pending.at(-1)?.ackAt ?? -Infinity;
    const entry: Pending = { shop, cents: totals.get(shop)!, quiet: performance.now() - lastAck > QUIET_MS };
    pending.push(entry);
    const sent = performance.now();
    const status = await deliver(url, delivery);
    if (status !== 200) throw new Error(`delivery answered ${status}`);
    entry.ackAt = performance.now();
    acks.push(entry.ackAt - sent);
    await new Promise((resolve) => setTimeout(resolve, random() * maxGap));
  }
  const deadline = Date.now() + 5000;
  while (pending.some((p) => p.seenAt === undefined) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  reading = false;
  await sse[Symbol.asyncDispose]();
  await reader;
  const missing = pending.filter((p) => p.seenAt === undefined).length;
  if (missing) throw new Error(`${missing} updates never reached the client`);
  const latencies = pending.map((p) => Math.max(0, p.seenAt! - p.ackAt!));
  const early = pending.filter((p) => p.seenAt! < p.ackAt!).length;
  console.log(`round ${r + 1}: ${pending.length} orders, ${early} seen by the client before the sender's 2xx`);
  const quiet = pending.filter((p) => p.quiet).map((p) => Math.max(0, p.seenAt! - p.ackAt!));
  console.log(`round ${r + 1}: ${quiet.length} orders arrived on a quiet board`);
  results.quietP50.push(percentile(quiet, 50));
  results.quietP99.push(percentile(quiet, 99));
  results.p50.push(percentile(latencies, 50));
  results.p99.push(percentile(latencies, 99));
  results.max.push(Math.max(...latencies));
  results.ack.push(percentile(acks, 50));
}

report("webhook ack latency p50 (sequential)", median(results.ack), "ms");
report("freshness p50 (2xx → SSE leaderboard event with the new total)", median(results.p50), "ms");
report("freshness p99", median(results.p99), "ms (target ≤ 150)");
report("freshness max", median(results.max), "ms");
report(`freshness p50 on a quiet board (no order in the ${QUIET_MS} ms before)`, median(results.quietP50), "ms");
report("freshness p99 on a quiet board", median(results.quietP99), "ms");

await app.stop();
await sandbox.close();
await Deno.remove(dir, { recursive: true });
