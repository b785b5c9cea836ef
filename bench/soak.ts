/**
 * Soak: what drifts over minutes of steady traffic with an instance killed
 * every so often. Two app processes (`main.ts`, production settings against
 * a simulated Shopify and Whop run here) serve one KV file, each with its
 * lean stream server (`LIVE_PORT`); here:
 *
 * - customers buy at every store at ten times the demo's pace (20 orders a
 *   minute per store, Poisson, a refund after 5 % of orders and a
 *   cancellation after 3 %, the demo's amounts), on the simulated Shopify;
 *   each change is delivered as Shopify does it: a signed webhook to one of
 *   the instances, retried a second later (to the next instance) until it is
 *   answered 2xx;
 * - `--streams` event streams are held open, half on each instance's stream
 *   port, each reconnecting 250 ms after its stream ends (as `EventSource`);
 * - every `--kill-every` seconds instance B gets SIGKILL and is restarted on
 *   the same ports and file; competitions that end along the way are settled
 *   and paid out by whichever instance runs the status job.
 *
 * At the end it prints, and exits non-zero unless every one holds: every
 * store's total (revenue + held) equals the sum of the orders the simulated
 * Shopify accepted, and each store's books pass the audit
 * (`testing/order_audit.ts`); no transfer was made twice (per idempotence
 * key, and per competition no more than its places); after each restart
 * every stream held an event at least as new as the data at the restart
 * (its `id:` is the change key's versionstamp) within 5 s; each instance's
 * resident memory, sampled just before each kill, grew less than 5 % after
 * the warm-up (`--warm-up`, seconds): the growth of the least-squares line
 * through the samples from the first at or after the warm-up to the last,
 * not of two single samples (B's samples are each of another life of B, and
 * lives differ by ±15 % with no trend). Every sample is printed, so the
 * curve shows whether a rise is a cache filling (it levels off) or a leak
 * (it does not).
 *
 *   LOG_LEVEL=warn deno run -A bench/soak.ts [--seconds 600] [--kill-every 60] [--warm-up 300] [--streams 1000] \
 *     [--stores 20]
 *
 * `tests/soak_test.ts` runs it for 60 s (`runSoak`).
 */
import { parseArgs } from "node:util";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { startWhopSandbox, type WhopSandbox } from "../sandbox/whop/mod.ts";
import { orderAmountCents } from "../sandbox/demo/customers.ts";
import { SANDBOX_APP } from "../lib/shopify/library.ts";
import { keys } from "../lib/core/db.ts";
import { parseMoney } from "../lib/core/money.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import type { Participant } from "../lib/competitions/participants.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import { TEST_WHOP_SETTINGS } from "../testing/test_app.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { addSoldStore } from "../testing/settle_crash.ts";
import { auditStore } from "../testing/order_audit.ts";
import { type AppProcess, freePort, productionEnv, startAppProcess } from "../testing/app_process.ts";
import { machine } from "./stats.ts";
import {
  type Delivery,
  orderBody,
  postDelivery,
  residentMemory,
  rng,
  seedCompetition,
  signedDelivery,
} from "./support.ts";

/** How a soak runs. */
export interface SoakOptions {
  seconds: number;
  killEverySeconds: number;
  /**
   * Seconds from the start before memory is compared (default: one kill
   * interval): the group commit's entry cache, SQLite's page cache and V8's
   * heap grow to their working size first.
   */
  warmUpSeconds?: number;
  streams: number;
  stores: number;
  /** Orders a minute per store (the demo's 2, times ten). */
  ordersPerMinute: number;
  /** Seed of the customers' randomness. */
  seed: number;
  /** Printed lines go here (default `console.log`). */
  print?: (line: string) => void;
}

/** What a soak measured; `failures` is empty when every check held. */
export interface SoakReport {
  ordersAccepted: number;
  deliveries: { sent: number; retried: number };
  restarts: number;
  transfers: { made: number; twice: number; competitionsSettled: number; competitionsToSettle: number };
  /** The longest time a stream took after a restart to hold data at least as new as at the restart, ms. */
  worstStaleMs: number;
  /** Per instance: the memory trend after the warm-up (the fitted line at its first and last sample) and every sample. */
  memoryGrowth: { instance: string; firstMb: number; lastMb: number; growth: number; samplesMb: number[] }[];
  failures: string[];
}

const STALE_LIMIT_MS = 5000;
const GROWTH_LIMIT = 0.05;
/** Payout destinations the simulated Whop knows (the settlement tests' owners). */
const WINNERS = ["user_OwnerDevS2j6v", "user_OwnerCaraT8w3n", "user_OwnerEliP5h1z"];

/** One app instance: its process and its fixed ports (kept across restarts). */
interface Instance {
  name: string;
  env: Record<string, string>;
  url: string;
  liveUrl: string;
  process?: AppProcess;
}

/** An event stream held open and reopened, recording the newest event id it got. */
class HeldStream {
  newestId = "";
  #stop = new AbortController();
  readonly done: Promise<void>;

  constructor(url: string) {
    this.done = this.#hold(url);
  }

  #reader?: ReadableStreamDefaultReader<Uint8Array>;

  async #hold(url: string): Promise<void> {
    const decoder = new TextDecoder();
    while (!this.#stop.signal.aborted) {
      try {
        const res = await fetch(url, { signal: this.#stop.signal });
        if (!res.body) throw new Error("no body");
        this.#reader = res.body.getReader();
        let buffer = "";
        for (;;) {
          const { done, value } = await this.#reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, end);
            buffer = buffer.slice(end + 1);
            if (line.startsWith("id: ") && line.slice(4) > this.newestId) this.newestId = line.slice(4);
          }
        }
      } catch {
        // the instance went away: reopen, as EventSource does
      }
      if (!this.#stop.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Stops holding the stream. */
  close(): Promise<void> {
    this.#stop.abort();
    this.#reader?.cancel().catch(() => {});
    return this.done;
  }
}

/** The least-squares line through `samples` (one per kill interval), at its first and last sample. */
function trendEnds(samples: number[]): [number, number] {
  const n = samples.length;
  if (n < 2) return [samples[0], samples[0]];
  const meanX = (n - 1) / 2;
  const meanY = samples.reduce((sum, y) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  samples.forEach((y, x) => {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  });
  const slope = covariance / variance;
  return [meanY - slope * meanX, meanY + slope * meanX];
}

/** Runs one soak (see the module comment) and returns its report; prints as it goes. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const print = options.print ?? console.log;
  const random = rng(options.seed);
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl-soak-" });
  const kvPath = `${dir}/cartbrawl.sqlite3`;
  const shopify = await startShopifySandbox({ ...SANDBOX_APP });
  const whop: WhopSandbox = await startWhopSandbox({ ...TEST_WHOP_SETTINGS, companyBalances: { usd: 1_000_000 } });
  const failures: string[] = [];
  const instances: Instance[] = [];
  const streams: HeldStream[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopping = false;
  const kv = await Deno.openKv(kvPath);
  try {
    // The competition the customers buy for, and one that ends before each kill (settled and paid meanwhile).
    const { competition, participants } = await seedCompetition(kv, { stores: options.stores, prefix: "soak" });
    const shops = participants.map((p) => p.shop);
    for (const shop of shops) shopify.createShop({ shop, currency: "USD" });
    const restarts = Math.max(1, Math.floor(options.seconds / options.killEverySeconds));
    const toSettle: string[] = [];
    const now = Date.now();
    for (let k = 0; k < restarts; k++) {
      const endsAt = now + (k + 0.5) * options.killEverySeconds * 1000;
      const { competition: ending } = await activeCompetition(kv, {
        start: now - 9 * 60_000,
        durationMs: endsAt - (now - 9 * 60_000),
        creatorId: "user_CreatorAvaQ7m2x",
        title: `Soak cup ${k + 1}`,
        prize: "40.01",
        prizeSplit: [50, 30, 20],
      });
      await updateCompetition(kv, ending.id, now, "status", (c) => ({ ...c, fundsTxId: `pay_soak_${k}` }));
      for (const [i, userId] of WINNERS.entries()) {
        await addSoldStore(kv, ending.id, {
          userId,
          shop: `soak${k}-${i}.myshopify.com`,
          cents: 3000 - i * 500,
          minutesAgo: 5,
        }, now);
      }
      toSettle.push(ending.id);
    }

    for (const name of ["A", "B"]) {
      const port = freePort();
      const livePort = freePort();
      instances.push({
        name,
        env: { ...productionEnv({ kvPath, port, whop, shopify }), LIVE_PORT: String(livePort) },
        url: `http://127.0.0.1:${port}`,
        liveUrl: `http://127.0.0.1:${livePort}`,
      });
    }
    for (const instance of instances) instance.process = await startAppProcess(instance.env, { timeoutMs: 60_000 });
    const b = instances[1];
    print(
      `machine: ${machine()}; ${options.seconds} s, instance B killed every ${options.killEverySeconds} s; ` +
        `${options.stores} stores at ${options.ordersPerMinute} orders/min each; ${options.streams} streams`,
    );

    // Streams, half on each instance.
    for (let i = 0; i < options.streams; i++) {
      const instance = instances[i % 2];
      streams.push(new HeldStream(`${instance.liveUrl}/api/competitions/${competition.id}/events`));
    }

    // Shopify: every change delivered until an instance answers 2xx, retried a second later on the next one.
    const deliveries = { sent: 0, retried: 0 };
    const inFlight = new Set<Promise<void>>();
    let next = 0;
    const deliver = async (delivery: Delivery) => {
      for (let attempt = 0;; attempt++) {
        deliveries.sent++;
        if (attempt > 0) deliveries.retried++;
        const instance = instances[next++ % instances.length];
        try {
          const res = await postDelivery(instance.url, delivery, AbortSignal.timeout(5000));
          await res.body?.cancel();
          if (res.ok) return;
        } catch {
          // refused or cut off: Shopify retries
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    const send = async (shop: string, topic: string, body: unknown) => {
      const job = signedDelivery(shop, topic, body, undefined, SANDBOX_APP.apiSecret).then(deliver);
      inFlight.add(job);
      await job;
      inFlight.delete(job);
    };
    // Customers: Poisson arrivals per store; after an order, sometimes a refund or a cancellation of an earlier one.
    const placed = new Map<string, string[]>(shops.map((shop) => [shop, []]));
    const arrive = (shop: string) => {
      if (stopping) return;
      const cents = orderAmountCents(random);
      const order = shopify.createOrder(shop, { totalPrice: (cents / 100).toFixed(2) });
      placed.get(shop)!.push(String(order.id));
      void send(shop, "orders/create", orderBody(shopify, order));
      const earlier = placed.get(shop)!;
      const roll = random();
      if (earlier.length > 1 && roll < 0.05) {
        const id = earlier[Math.floor(random() * (earlier.length - 1))];
        const current = shopify.orders(shop).find((o) => String(o.id) === id)!;
        const left = parseMoney(current.currentTotalPrice, "USD");
        if (current.cancelledAt === null && left > 100) {
          const refunded = shopify.refundOrder(shop, id, (Math.ceil(left / 2) / 100).toFixed(2));
          void send(shop, "orders/updated", orderBody(shopify, refunded));
        }
      } else if (earlier.length > 1 && roll < 0.08) {
        const id = earlier.splice(Math.floor(random() * (earlier.length - 1)), 1)[0];
        const cancelled = shopify.cancelOrder(shop, id);
        void send(shop, "orders/cancelled", orderBody(shopify, cancelled));
      }
      schedule(shop);
    };
    const schedule = (shop: string) => {
      const waitMs = (-Math.log(1 - random()) * 60_000) / options.ordersPerMinute;
      const timer = setTimeout(() => {
        timers.delete(timer);
        arrive(shop);
      }, waitMs);
      timers.add(timer);
    };
    shops.forEach(schedule);

    // Kills, restarts and what the streams saw after each.
    const memory: Record<string, number[]> = { A: [], B: [] };
    const started = Date.now();
    let worstStaleMs = 0;
    let restarted = 0;
    const staleChecks: Promise<void>[] = [];
    const watchStreams = (restartedAt: number, versionstamp: string) =>
      (async () => {
        const waiting = new Set(streams);
        while (waiting.size > 0 && Date.now() - restartedAt < 30_000) {
          for (const stream of waiting) {
            if (stream.newestId >= versionstamp) {
              waiting.delete(stream);
              worstStaleMs = Math.max(worstStaleMs, Date.now() - restartedAt);
            }
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (waiting.size > 0) {
          worstStaleMs = Math.max(worstStaleMs, Date.now() - restartedAt);
          failures.push(`${waiting.size} streams still stale 30 s after a restart`);
        }
      })();
    for (let k = 1; k <= restarts; k++) {
      const due = started + k * options.killEverySeconds * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      for (const instance of instances) {
        memory[instance.name].push((await residentMemory(instance.process!.child.pid)).rssMb);
      }
      if (k === restarts && options.seconds - k * options.killEverySeconds < 1) break;
      await b.process!.kill("SIGKILL");
      b.process = await startAppProcess(b.env, { timeoutMs: 60_000 });
      restarted++;
      const restartedAt = Date.now();
      const change = await kv.get(keys.changes(competition.id));
      staleChecks.push(watchStreams(restartedAt, change.versionstamp ?? ""));
      print(
        `restart ${restarted} at ${Math.round((restartedAt - started) / 1000)} s; RSS A ${
          memory.A.at(-1)!.toFixed(1)
        } MiB, B ${memory.B.at(-1)!.toFixed(1)} MiB`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + options.seconds * 1000 - Date.now())));

    // Quiet: no more orders; every delivery answered; the last settlements given a status job.
    stopping = true;
    for (const timer of timers) clearTimeout(timer);
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    await Promise.all(staleChecks);
    const settleBy = Date.now() + 150_000;
    const settled = async () => {
      let count = 0;
      for (const id of toSettle) {
        if ((await kv.get<Competition>(keys.competition(id))).value?.status === "COMPLETED") count++;
      }
      return count;
    };
    while (await settled() < toSettle.length && Date.now() < settleBy) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    print(`quiet and settled at ${Math.round((Date.now() - started) / 1000)} s`);
    // Totals: Shopify's accepted orders, store by store, and each store's books.
    let ordersAccepted = 0;
    for (const p of participants) {
      let expected = 0;
      for (const order of shopify.orders(p.shop)) {
        if (order.test || order.cancelledAt !== null) continue;
        expected += parseMoney(order.currentTotalPrice, order.currency);
        ordersAccepted++;
      }
      const record = (await kv.get<Participant>(keys.participant(p.id))).value!;
      const total = record.revenue + (record.held ?? 0);
      if (total !== expected) failures.push(`${p.shop}: total ${total} ≠ Shopify's ${expected}`);
      try {
        await auditStore(kv, p.id);
      } catch (error) {
        failures.push(`${p.shop}: books: ${(error as Error).message}`);
      }
    }

    // Transfers: one per idempotence key, and per competition at most its places.
    const byKey = new Map<string, number>();
    for (const transfer of whop.transfers) {
      const key = transfer.idempotenceKey ?? "(none)";
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
    const twice = [...byKey.values()].filter((n) => n > 1).length;
    if (twice > 0) failures.push(`${twice} transfers made twice`);
    for (const id of toSettle) {
      const made = whop.transfers.filter((t) => (t.idempotenceKey ?? "").startsWith(`payout_${id}`)).length;
      if (made > WINNERS.length) failures.push(`competition ${id}: ${made} transfers for ${WINNERS.length} places`);
    }
    const competitionsSettled = await settled();
    if (competitionsSettled < toSettle.length) {
      failures.push(`${toSettle.length - competitionsSettled} of ${toSettle.length} ended competitions not settled`);
    }

    if (worstStaleMs > STALE_LIMIT_MS) failures.push(`a stream was stale ${worstStaleMs} ms after a restart`);
    // Sample k is taken at k kill intervals; the first compared is the first at or after the warm-up.
    const firstCompared = Math.max(
      0,
      Math.ceil((options.warmUpSeconds ?? options.killEverySeconds) / options.killEverySeconds) - 1,
    );
    const memoryGrowth = instances.map(({ name }) => {
      const samplesMb = memory[name];
      const [firstMb, lastMb] = trendEnds(samplesMb.slice(Math.min(firstCompared, samplesMb.length - 1)));
      return { instance: name, firstMb, lastMb, growth: (lastMb - firstMb) / firstMb, samplesMb };
    });
    for (const m of memoryGrowth) {
      if (m.growth >= GROWTH_LIMIT) failures.push(`instance ${m.instance} grew ${(m.growth * 100).toFixed(1)} %`);
    }

    const report: SoakReport = {
      ordersAccepted,
      deliveries,
      restarts: restarted,
      transfers: { made: whop.transfers.length, twice, competitionsSettled, competitionsToSettle: toSettle.length },
      worstStaleMs,
      memoryGrowth,
      failures,
    };
    print(
      `orders Shopify accepted: ${ordersAccepted}; totals exact and books audited: ${!failures.some((f) =>
        f.includes("myshopify")
      )}`,
    );
    print(`deliveries sent ${deliveries.sent}, of them retries ${deliveries.retried}; restarts of B: ${restarted}`);
    print(
      `transfers made ${report.transfers.made}, made twice ${twice}; ended competitions settled ${competitionsSettled} of ${toSettle.length}`,
    );
    print(`worst stream staleness after a restart: ${worstStaleMs} ms (limit ${STALE_LIMIT_MS})`);
    for (const m of memoryGrowth) {
      print(
        `instance ${m.instance}: RSS trend ${m.firstMb.toFixed(1)} → ${m.lastMb.toFixed(1)} MiB after warm-up, ${
          (m.growth * 100).toFixed(2)
        } % (limit ${GROWTH_LIMIT * 100} %); every sample: ${m.samplesMb.map((mb) => mb.toFixed(1)).join(", ")}`,
      );
    }
    print(failures.length === 0 ? "soak: every check held" : `soak: FAILED\n- ${failures.join("\n- ")}`);
    return report;
  } finally {
    stopping = true;
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(streams.map((stream) => stream.close()));
    for (const instance of instances) await instance.process?.kill("SIGTERM");
    kv.close();
    await shopify.close();
    await whop.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "600" },
      "kill-every": { type: "string", default: "60" },
      "warm-up": { type: "string", default: "300" },
      streams: { type: "string", default: "1000" },
      stores: { type: "string", default: "20" },
      "orders-per-minute": { type: "string", default: "20" },
      seed: { type: "string", default: "20261206" },
    },
  });
  const report = await runSoak({
    seconds: Number(values.seconds),
    killEverySeconds: Number(values["kill-every"]),
    warmUpSeconds: Number(values["warm-up"]),
    streams: Number(values.streams),
    stores: Number(values.stores),
    ordersPerMinute: Number(values["orders-per-minute"]),
    seed: Number(values.seed),
  });
  Deno.exit(report.failures.length === 0 ? 0 : 1);
}
