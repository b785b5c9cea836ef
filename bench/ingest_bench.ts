/**
 * Webhook ingest: signed Shopify `orders/create` deliveries recorded end to
 * end over real HTTP (`POST /api/shopify/webhooks`) by the app running in its
 * own process on a KV file (`bench/serve_app.ts`), sent from this process.
 *
 * - Closed loop: N concurrent senders, each sending its next delivery when
 *   the previous one is answered → deliveries/s (max sustainable rate), for
 *   several N; spread over `--stores` stores, and all on one hot store.
 * - Open loop: sends scheduled on a timer at `--rate`/s (default: half the
 *   round's best closed-loop rate) whatever the answers → acknowledgement
 *   latency p50/p99, measured from the scheduled send time.
 * - Baseline, same run: bare KV atomic commits of the same shape as one
 *   recorded order (order set + participant set + leaderboard delete/set +
 *   change key), one commit per order, closed loop on a KV file in this
 *   process. Also `recordOrder` called directly (no HTTP, no webhook claim),
 *   which group-commits the orders arriving together
 *   (`lib/core/group_commit.ts`).
 *
 * At the end the leaderboard's total must equal the sum of every order sent.
 * Targets (issue 28): the app process's CPU ≤ 0.25 ms per delivery; HTTP
 * rate ≥ 1.5× the baseline's (each 2xx still only after its order is
 * committed); ack p99 < 20 ms at half the sustainable rate.
 *
 *   LOG_LEVEL=warn deno run -A bench/ingest_bench.ts [--rounds 3] [--count 3000] [--stores 1000] [--rate half|N]
 */
import { parseArgs } from "node:util";
import { keys } from "../lib/core/db.ts";
import { parseMoney } from "../lib/core/money.ts";
import { leaderboardKey, leaderboardRow, type Participant } from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { type ShopifySandbox, startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { machine, median, percentile, report, round } from "./stats.ts";
import {
  cpuSeconds,
  deliver,
  type Delivery,
  orderBody,
  pool,
  seedCompetition,
  shopOf,
  signedDelivery,
  startChildApp,
} from "./support.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    count: { type: "string", default: "3000" },
    stores: { type: "string", default: "1000" },
    rate: { type: "string", default: "half" },
    seconds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "8,32,128" },
  },
});
const rounds = Number(values.rounds);
const count = Number(values.count);
const stores = Number(values.stores);
/** The open loop's rate: fixed, or (`half`) half the round's best closed-loop rate. */
let rate = values.rate === "half" ? 0 : Number(values.rate);
const openSeconds = Number(values.seconds);
const concurrencies = values.concurrency.split(",").map(Number);
const BASELINE_CONCURRENCY = 32;

const dir = await Deno.makeTempDir({ prefix: "cartbrawl-ingest-" });
const sandbox: ShopifySandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });

let expectedCents = 0;
let sequence = 0;
/** `n` signed `orders/create` deliveries, round-robin over the stores (or all on store 0). */
async function deliveries(n: number, hot = false): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (let i = 0; i < n; i++) {
    const shop = shopOf("bench", hot ? 0 : sequence % stores);
    const cents = 100 + (sequence * 7919) % 99_900;
    sequence++;
    expectedCents += cents;
    const order = sandbox.createOrder(shop, { totalPrice: (cents / 100).toFixed(2) });
    out.push(await signedDelivery(shop, "orders/create", orderBody(sandbox, order)));
  }
  return out;
}

// The app, alone in its process.
const app = await startChildApp(dir, stores);
const { url, competitionId } = app;

/** Closed loop: deliveries/s with `concurrency` senders; every answer must be 200. */
async function closedLoop(batch: Delivery[], concurrency: number): Promise<number> {
  const started = performance.now();
  const [cpuBefore, senderBefore] = [await cpuSeconds(app.child.pid), await cpuSeconds(Deno.pid)];
  const statuses = await pool(batch, concurrency, (d) => deliver(url, d));
  const seconds = (performance.now() - started) / 1000;
  serverCpuMs.push(((await cpuSeconds(app.child.pid)) - cpuBefore) * 1000 / batch.length);
  senderCpuMs.push(((await cpuSeconds(Deno.pid)) - senderBefore) * 1000 / batch.length);
  const bad = statuses.filter((s) => s !== 200).length;
  if (bad) throw new Error(`${bad} deliveries were not answered 200`);
  return batch.length / seconds;
}
/** The app process's CPU time per delivery in each closed-loop run, ms. */
const serverCpuMs: number[] = [];
/** This (sending) process's CPU time per delivery in each closed-loop run, ms. */
const senderCpuMs: number[] = [];

/** Open loop at `rate`/s: latency (ms) of each delivery from its scheduled send time. */
async function openLoop(batch: Delivery[]): Promise<{ latencies: number[]; maxInFlight: number }> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const started = performance.now();
  let sent = 0;
  while (sent < batch.length) {
    const due = Math.min(batch.length, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (sent < due) {
      const scheduled = started + (sent * 1000) / rate;
      const delivery = batch[sent++];
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      pending.push(
        deliver(url, delivery).then((status) => {
          inFlight--;
          if (status !== 200) throw new Error(`a delivery was answered ${status}`);
          latencies.push(performance.now() - scheduled);
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  return { latencies, maxInFlight };
}

// Baseline KV files, in this process.
const baselineKv = await Deno.openKv(`${dir}/baseline.sqlite3`);
const recordKv = await Deno.openKv(`${dir}/record.sqlite3`);
const { participants: baseParticipants } = await seedCompetition(baselineKv, { stores });
const { participants: recordParticipants } = await seedCompetition(recordKv, { stores });

/** Bare commits of the shape of one recorded order, `concurrency` at a time. */
async function bareCommits(n: number, concurrency: number, hot = false): Promise<number> {
  const state = baseParticipants.map((p) => ({ ...p }));
  const started = performance.now();
  let orderId = 0;
  await pool(Array.from({ length: n }), concurrency, async () => {
    const p: Participant = state[hot ? 0 : orderId % stores];
    const id = String(++orderId);
    const cents = 100 + (orderId * 7919) % 99_900;
    const before = leaderboardKey(p);
    const at = new Date().toISOString();
    p.revenue += cents;
    p.orders += 1;
    p.reachedAt = at;
    const result = await baselineKv.atomic()
      .set(keys.order(p.id, id), { amount: cents, counted: true, createdAt: at, updatedAt: at })
      .set(keys.participant(p.id), p)
      .delete(before)
      .set(leaderboardKey(p), leaderboardRow(p))
      .set(keys.changes(p.competitionId), { at: Date.now(), kind: "leaderboard" })
      .commit();
    if (!result.ok) throw new Error("bare commit failed");
  });
  return n / ((performance.now() - started) / 1000);
}

/** `recordOrder` called directly, `concurrency` at a time. */
async function directRecords(n: number, concurrency: number, hot = false): Promise<number> {
  const started = performance.now();
  let orderId = 0;
  await pool(Array.from({ length: n }), concurrency, async () => {
    const i = orderId++;
    const p = recordParticipants[hot ? 0 : i % stores];
    const at = new Date().toISOString();
    const outcome = await recordOrder(recordKv, p.id, {
      orderId: `${hot ? "h" : "s"}${sequence}-${i}`,
      createdAt: at,
      updatedAt: at,
      amount: 100 + i,
      currency: "USD",
      test: false,
      cancelled: false,
    }, Date.now());
    if (outcome !== "recorded") throw new Error(`recordOrder: ${outcome}`);
  });
  sequence++;
  return n / ((performance.now() - started) / 1000);
}

console.log(
  `machine: ${machine()}; ${stores} stores; ${rounds} rounds; closed loop ${count} deliveries per run; ` +
    `open loop ${values.rate === "half" ? "half the best closed-loop rate" : `${rate}/s`} for ${openSeconds} s`,
);
// Warm-up: connections, JIT, KV pages.
await closedLoop(await deliveries(500), 32);
await bareCommits(500, BASELINE_CONCURRENCY);
await directRecords(500, BASELINE_CONCURRENCY);

const results: Record<string, number[]> = {};
const add = (name: string, value: number) => (results[name] ??= []).push(value);
for (let r = 0; r < rounds; r++) {
  add("baseline", await bareCommits(count, BASELINE_CONCURRENCY));
  add("baseline hot", await bareCommits(count, BASELINE_CONCURRENCY, true));
  add("direct", await directRecords(count, BASELINE_CONCURRENCY));
  add("direct hot", await directRecords(count, BASELINE_CONCURRENCY, true));
  let roundBest = 0;
  for (const c of concurrencies) {
    const perSecond = await closedLoop(await deliveries(count), c);
    add(`http c${c}`, perSecond);
    roundBest = Math.max(roundBest, perSecond);
  }
  add("http hot", await closedLoop(await deliveries(count, true), BASELINE_CONCURRENCY));
  if (values.rate === "half") rate = Math.round(roundBest / 2);
  add("open rate", rate);
  const open = await openLoop(await deliveries(rate * openSeconds));
  add("open p50", percentile(open.latencies, 50));
  add("open p99", percentile(open.latencies, 99));
  add("open max", Math.max(...open.latencies));
  add("open in flight", open.maxInFlight);
}

const m = (name: string) => median(results[name]);
report(`bare KV commits, ${stores} stores, ${BASELINE_CONCURRENCY} concurrent (baseline)`, m("baseline"), "commits/s");
report(`bare KV commits, one hot store, ${BASELINE_CONCURRENCY} concurrent (baseline)`, m("baseline hot"), "commits/s");
report(`recordOrder direct, ${stores} stores, ${BASELINE_CONCURRENCY} concurrent`, m("direct"), "orders/s");
report(`recordOrder direct, one hot store, ${BASELINE_CONCURRENCY} concurrent`, m("direct hot"), "orders/s");
let best = 0;
for (const c of concurrencies) {
  report(`webhooks over HTTP, ${stores} stores, ${c} concurrent senders`, m(`http c${c}`), "deliveries/s");
  best = Math.max(best, m(`http c${c}`));
}
report(`webhooks over HTTP, one hot store, ${BASELINE_CONCURRENCY} concurrent senders`, m("http hot"), "deliveries/s");
report("max sustainable rate / baseline", best / m("baseline"), "x (target ≥ 1.5)");
report("recordOrder direct / baseline", m("direct") / m("baseline"), "x");
report("hot store rate / hot baseline", m("http hot") / m("baseline hot"), "x");
report("app process CPU per delivery (closed loops, median)", median(serverCpuMs), "ms (target ≤ 0.25)");
report("deliveries per CPU-second of the app process", 1000 / median(serverCpuMs), "deliveries/s");
report("sender (this process) CPU per delivery (closed loops, median)", median(senderCpuMs), "ms");
const openRate = `${round(m("open rate"))}/s`;
report(`ack latency p50 at ${openRate} open loop`, m("open p50"), "ms");
report(`ack latency p99 at ${openRate} open loop`, m("open p99"), "ms (target < 20)");
report(`ack latency max at ${openRate} open loop`, m("open max"), "ms");
report(`deliveries in flight at most at ${openRate}`, m("open in flight"), "");

// Every order sent, recorded exactly once.
const board = await (await fetch(`${url}/api/competitions/${competitionId}/leaderboard?limit=1000`)).json();
const recorded = (board.entries as { revenue: string }[]).reduce((sum, e) => sum + parseMoney(e.revenue, "USD"), 0);
console.log(
  `check: leaderboard total ${round(recorded / 100)} = sum of orders sent ${round(expectedCents / 100)}: ${
    recorded === expectedCents
  }`,
);

await app.stop();
baselineKv.close();
recordKv.close();
await sandbox.close();
await Deno.remove(dir, { recursive: true });
if (recorded !== expectedCents) Deno.exit(1);
