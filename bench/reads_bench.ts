/**
 * Reads: the leaderboard JSON and the competition page at 100 and at 10,000
 * participants, over real HTTP on loopback. Target: the 10,000 case within
 * 1.5× of the 100 case (the leaderboard is a prefix read of an index).
 *
 *   LOG_LEVEL=warn deno run -A bench/reads_bench.ts [--rounds 5] [--requests 300]
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { createApp } from "../app.ts";
import { createCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant } from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { createUserTokenVerifier } from "../lib/whop/user_token.ts";
import { machine, median, percentile, report, round } from "./stats.ts";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, requests: { type: "string", default: "300" } },
});
const rounds = Number(values.rounds);
const requests = Number(values.requests);

const start = Date.now() + 60_000;
const kv = await Deno.openKv(":memory:");

async function competitionWith(participants: number): Promise<string> {
  const competition = await createCompetition(kv, "bench_creator", {
    title: `Bench ${participants}`,
    prize: "1000.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 7 * 86400_000).toISOString(),
  }, { now: Date.now(), minDurationS: 60 });
  await updateCompetition(kv, competition.id, start, "status", (c) => ({ ...c, status: "UPCOMING" }));
  await updateCompetition(kv, competition.id, start, "status", (c) => ({ ...c, status: "ACTIVE" }));
  for (let i = 0; i < participants; i++) {
    const p = await createParticipant(kv, competition.id, {
      userId: `owner_${participants}_${i}`,
      shop: `bench-${participants}-${i}.myshopify.com`,
      displayName: `Store ${i}`,
      currency: "USD",
    }, start + 1);
    await recordOrder(kv, p.id, {
      orderId: "1",
      createdAt: new Date(start + 1000).toISOString(),
      updatedAt: new Date(start + 1000 + i).toISOString(),
      amount: 100 + ((i * 7919) % 500_000),
      currency: "USD",
      test: false,
      cancelled: false,
    }, start + 2000);
  }
  return competition.id;
}

const seeded = performance.now();
const small = await competitionWith(100);
const large = await competitionWith(10_000);
console.log(`seeded 10,100 participants in ${round((performance.now() - seeded) / 1000)} s`);

const app = createApp({
  kv,
  config: loadConfig({ SANDBOX: "1" }),
  now: Date.now,
  verifyUserToken: createUserTokenVerifier({ jwksUrl: new URL("http://127.0.0.1:9/jwks.json"), appId: "bench" }),
});
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
const base = `http://127.0.0.1:${server.addr.port}`;

async function latencies(path: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    const res = await fetch(base + path);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

console.log(`machine: ${machine()}; ${rounds} rounds of ${requests} sequential requests each`);
const paths = {
  json: (id: string) => `/api/competitions/${id}/leaderboard`,
  page: (id: string) => `/competitions/${id}`,
};
for (const [kind, path] of Object.entries(paths)) {
  const probe = await fetch(base + path(small));
  await probe.body?.cancel();
  if (!probe.ok) {
    console.log(`${kind}: skipped (${path(small)} answered ${probe.status})`);
    continue;
  }
  await latencies(path(small));
  await latencies(path(large));
  const medians: Record<string, number[]> = { small: [], large: [], smallP99: [], largeP99: [] };
  for (let r = 0; r < rounds; r++) {
    const s = await latencies(path(small));
    const l = await latencies(path(large));
    medians.small.push(median(s));
    medians.large.push(median(l));
    medians.smallP99.push(percentile(s, 99));
    medians.largeP99.push(percentile(l, 99));
  }
  report(`${kind} 100 participants p50`, median(medians.small), "ms");
  report(`${kind} 10,000 participants p50`, median(medians.large), "ms");
  report(`${kind} 100 participants p99`, median(medians.smallP99), "ms");
  report(`${kind} 10,000 participants p99`, median(medians.largeP99), "ms");
  report(`${kind} ratio 10,000 / 100 (p50)`, median(medians.large) / median(medians.small), "x (target ≤ 1.5)");
}

await server.shutdown();
kv.close();
