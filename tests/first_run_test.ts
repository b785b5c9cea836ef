/**
 * First run: `main.ts` with no credentials, on an empty data file, seeds the
 * demo world (a live competition with five stores, an upcoming funded one, a
 * completed one with its payout); stopped (SIGTERM) while it still seeds, the
 * next start resumes the seeding, its simulated customers move the live
 * leaderboard, and a restart on the same file does not seed again. Then, in
 * process: two seedings at once on one KV seed once, and a live competition
 * that ended (fast-forwarded) is replaced by a new one, once even when the
 * first try stops midway; a seeding stopped
 * midway, and one whose process died, resume without making, selling or
 * paying anything twice.
 */
import assert from "node:assert/strict";
import { freePort, freePortRun, startAppProcess } from "../testing/app_process.ts";
import { loadConfig } from "../config.ts";
import { buildRuntime } from "../app.ts";
import { getSeason } from "../lib/seasons/seasons.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { listParticipants } from "../lib/competitions/participants.ts";
import { DEMO_COMMUNITY, DEMO_STORE_OWNERS } from "../sandbox/demo/data.ts";
import { ensureLiveDemo, seedDemoWorld } from "../sandbox/demo/seeding.ts";
import { CLAIM_MS, claimSeeding, readDemoWorld } from "../sandbox/demo/claim.ts";
import { keys } from "../lib/core/db.ts";
import { fastForwardCompetition } from "../sandbox/demo/fast_forward.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";

interface ApiCompetition {
  id: string;
  title: string;
  status: string;
  participantCount: number;
  winner?: { displayName: string } | null;
  /** Set on a season's round. */
  seasonId?: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return await response.json() as T;
}

/** The live competitions `/` lists, with their store counts, read from the page's cards. */
async function liveCardsOnHome(origin: string): Promise<{ title: string; stores: number }[]> {
  const html = await (await fetch(`${origin}/?status=ACTIVE`)).text();
  return [...html.matchAll(/<article class="card competition-card">([\s\S]*?)<\/article>/g)].map(([, card]) => ({
    title: /<a href="\/competitions\/\w+">([^<]+)<\/a>/.exec(card)?.[1] ?? "",
    stores: Number(/<dt>Stores<\/dt><dd>(\d+)<\/dd>/.exec(card)?.[1] ?? 0),
  }));
}

/** The leaderboard's total revenue in cents. */
async function boardTotal(origin: string, id: string): Promise<number> {
  const board = await getJson<{ entries: { revenue: string }[] }>(`${origin}/api/competitions/${id}/leaderboard`);
  return board.entries.reduce((sum, entry) => sum + Math.round(Number(entry.revenue) * 100), 0);
}

async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

Deno.test("first run - main.ts on an empty data file shows a seeded live demo within 10 s; customers move it; a restart does not seed again", async () => {
  await ensureIslandBundles();
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl-first-run-" });
  const port = freePortRun(2);
  // No credentials at all: sandbox mode by default.
  const env = {
    PORT: String(port),
    KV_PATH: `${dir}/data/cartbrawl.sqlite3`,
    LOG_LEVEL: "info",
    SHOPIFY_API_KEY: "",
    WHOP_API_KEY: "",
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    const spawned = performance.now();
    let first = await startAppProcess(env, { timeoutMs: 10_000 });
    let live: { id: string; title: string };
    try {
      const cards = await poll(
        "a live competition with 4+ stores on /",
        10_000 - (performance.now() - spawned),
        async () => {
          const found = (await liveCardsOnHome(origin)).find((card) => card.stores >= 4);
          return found;
        },
      );
      const demoMs = Math.round(performance.now() - spawned);
      console.log(`start to demo on /: ${demoMs} ms (${cards.title}, ${cards.stores} stores)`);
      assert.ok(demoMs < 10_000, `the demo took ${demoMs} ms`);
      assert.equal(cards.stores, DEMO_STORE_OWNERS.length);
      // One human-readable banner names the app and the simulators, on the ports next to the app's.
      const banner = first.output().split("\n").filter((line) => !line.startsWith("{")).join("\n");
      assert.match(banner, new RegExp(`Open the app +http://localhost:${port}`));
      assert.match(banner, new RegExp(`Simulated Whop +http://127\\.0\\.0\\.1:${port + 1}`));
      assert.match(banner, new RegExp(`Simulated Shopify +http://127\\.0\\.0\\.1:${port + 2}`));

      // Stopped while it still seeds (the sprint's sales, the season and the settlement are to come): the next
      // start resumes it from what it recorded.
      assert.doesNotMatch(first.output(), /sandbox demo seeded/);
      assert.equal((await first.kill("SIGTERM")).code, 0);
      assert.match(first.output(), /sandbox demo: seeding stopped; the next start resumes it/);
      assert.doesNotMatch(first.output(), /"level":"error"/);
      first = await startAppProcess(env, { timeoutMs: 10_000 });
      await poll(
        "the next start to resume the seeding",
        10_000,
        () => Promise.resolve(/sandbox demo: resuming a seeding that stopped/.test(first.output()) || undefined),
      );

      // The sprint is live too for a moment, until the seeding fast-forwards it.
      live = await poll("one live competition", 10_000, async () => {
        const { competitions } = await getJson<{ competitions: ApiCompetition[] }>(
          `${origin}/api/competitions?status=ACTIVE`,
        );
        // The demo season's round 1 races beside it.
        const standalone = competitions.filter((c) => !c.seasonId);
        return standalone.length === 1 ? standalone[0] : undefined;
      });
      assert.equal(live.title, cards.title);
      // Each store's sales before the start were placed once: Maya's Candles ($84,000 in 30 days) races in Rising.
      const rising = await getJson<{ entries: { shop: string }[] }>(
        `${origin}/api/competitions/${live.id}/leaderboard?division=1`,
      );
      assert.deepEqual(rising.entries.map((entry) => entry.shop).sort(), [
        "maya-candles.myshopify.com",
        "pixel-pet-supply.myshopify.com",
      ]);
      const before = await boardTotal(origin, live.id);
      const moved = performance.now();
      const after = await poll("the live leaderboard to move", 60_000, async () => {
        const total = await boardTotal(origin, live.id);
        return total !== before ? total : undefined;
      });
      console.log(
        `first leaderboard move: ${Math.round(performance.now() - moved)} ms after the demo was up ` +
          `($${(before / 100).toFixed(2)} → $${(after / 100).toFixed(2)})`,
      );

      // The sprint completes after the sandbox's settlement window (SETTLEMENT_DELAY_S, 30 s); its payout then waits
      // for the simulated Whop's 30 s hold on the prize's funds, trying at most 15 s apart.
      const completed = await poll("the completed demo competition with its payout", 90_000, async () => {
        const { competitions } = await getJson<{ competitions: ApiCompetition[] }>(
          `${origin}/api/competitions?status=COMPLETED`,
        );
        return competitions.length === 1 && competitions[0].winner && /payout sent/.test(first.output())
          ? competitions[0]
          : undefined;
      });
      assert.equal(completed.participantCount, 3);
      assert.equal(completed.winner?.displayName, "Northwind Outfitters", "$212.40 beats $193.50 and $83.99");
      const { competitions: upcoming } = await getJson<{ competitions: ApiCompetition[] }>(
        `${origin}/api/competitions?status=UPCOMING`,
      );
      assert.deepEqual(upcoming.filter((c) => !c.seasonId).map((c) => [c.title, c.participantCount]), [[
        "Holiday Cup",
        2,
      ]]);
      await poll(
        "the seeding to finish",
        10_000,
        () => Promise.resolve(/sandbox demo seeded/.test(first.output()) || undefined),
      );
      assert.doesNotMatch(first.output(), /"level":"error"/);
    } finally {
      await first.kill();
    }

    first = await startAppProcess(env, { timeoutMs: 10_000 });
    try {
      await poll(
        "the restart to find the demo",
        10_000,
        () => Promise.resolve(/sandbox demo already seeded on this data file/.test(first.output()) || undefined),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const { competitions: all } = await getJson<{ competitions: ApiCompetition[] }>(`${origin}/api/competitions`);
      const competitions = all.filter((c) => !c.seasonId);
      assert.deepEqual(
        competitions.map((c) => c.status).sort(),
        ["ACTIVE", "COMPLETED", "UPCOMING"],
        "nothing seeded twice",
      );
      assert.equal(competitions.find((c) => c.status === "ACTIVE")!.id, live.id, "the same live competition");
      assert.deepEqual(
        [...new Set(all.filter((c) => c.seasonId).map((c) => c.seasonId))].length,
        1,
        "one demo season, its rounds 1 and 2",
      );
      assert.doesNotMatch(first.output(), /sandbox demo seeded|"level":"error"/);
    } finally {
      await first.kill();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A sandbox app on a KV of its own, served on loopback with its simulators, and the seeding's dependencies. */
async function demoRuntime() {
  const kv = await Deno.openKv(":memory:");
  const port = freePort();
  const runtime = await buildRuntime(
    loadConfig({ PORT: String(port), KV_PATH: ":memory:", SANDBOX: "1", SETTLEMENT_DELAY_S: "0" }),
    kv,
  );
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, runtime.app.fetch);
  const worker = runtime.worker.listen();
  const deps = {
    kv,
    config: runtime.config,
    lifecycle: runtime.lifecycle,
    whop: runtime.sandboxes.whop!,
    shopify: runtime.sandboxes.shopify!,
    appOrigin: `http://127.0.0.1:${port}`,
    leadMs: 1_500,
  };
  return {
    kv,
    runtime,
    deps,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await runtime.sandboxes.shopify!.close();
      await runtime.sandboxes.whop!.close();
      kv.close();
      await worker;
    },
  };
}

Deno.test("first run - two seedings at once on one data file seed once; an ended live competition is replaced", async () => {
  await using app = await demoRuntime();
  const { kv, runtime, deps } = app;
  const outcomes = await Promise.all([seedDemoWorld(deps), seedDemoWorld(deps)]);
  assert.deepEqual(outcomes.sort(), ["seeded", "seeded_elsewhere"]);
  assert.equal(await seedDemoWorld(deps), "already_seeded");
  const world = (await readDemoWorld(kv))!;
  assert.equal(world.state, "seeded");
  assert.equal((await getCompetition(kv, world.activeId!)).status, "ACTIVE");
  assert.equal((await getCompetition(kv, world.upcomingId!)).status, "UPCOMING");
  assert.equal((await getCompetition(kv, world.completedId!)).status, "COMPLETED");
  const community = await getCompetition(kv, world.communityId!);
  assert.equal(community.status, "UPCOMING");
  assert.equal(community.experienceId, DEMO_COMMUNITY.id);
  const asUser = async (userId: string) =>
    (await fetch(`${deps.appOrigin}/api/competitions/${community.id}`, {
      headers: { "x-whop-user-token": await deps.whop.signUserToken(userId) },
    })).status;
  assert.equal(await asUser(DEMO_STORE_OWNERS[0].id), 200, "a member of the demo community sees its competition");
  assert.equal(await asUser(DEMO_STORE_OWNERS[4].id), 404, "a non-member does not");
  const payments = runtime.sandboxes.whop!.payments;
  assert.equal(payments.length, 5, "four prizes and the season funded through the checkout");
  const season = await getSeason(kv, world.seasonId!);
  assert.equal(season.status, "ACTIVE", "the demo season races its round 1");
  assert.deepEqual(season.template.divisions?.map((division) => division.name), ["Rising", "Established"]);
  assert.equal((await listParticipants(kv, season.roundIds[0])).length, DEMO_STORE_OWNERS.length);
  // The sprint's payout waits for the simulated Whop's 30 s hold on the prize's funds.
  await poll("the sprint's payout after the hold", 60_000, () => {
    return Promise.resolve(runtime.sandboxes.whop!.transfers.length === 1 || undefined);
  });
  assert.equal(runtime.sandboxes.whop!.transfers.length, 1, "one payout");

  const ended = await fastForwardCompetition(runtime.lifecycle, world.activeId!);
  assert.equal(ended.status, "COMPLETED");
  // The first try at a new one stops once it is funded (the process stopping): the next try starts that one.
  const stopping = new AbortController();
  const stoppedTry = ensureLiveDemo({ ...deps, signal: stopping.signal });
  const funded = await poll("the new live competition to be recorded", 30_000, async () => {
    return (await readDemoWorld(kv))?.nextLiveId;
  });
  stopping.abort();
  await assert.rejects(stoppedTry);
  const renewed = (await ensureLiveDemo(deps))!;
  assert.equal(renewed.activeId, funded, "the one funded before the stop");
  assert.equal(renewed.nextLiveId, undefined);
  assert.equal(runtime.sandboxes.whop!.payments.length, 6, "funded once");
  assert.notEqual(renewed.activeId, world.activeId);
  assert.equal(renewed.reseeded, 1);
  const next = await getCompetition(kv, renewed.activeId!);
  assert.equal(next.status, "ACTIVE");
  assert.equal((await listParticipants(kv, next.id)).length, DEMO_STORE_OWNERS.length);
  assert.equal((await ensureLiveDemo(deps))!.activeId, renewed.activeId, "a live one is kept");
});

Deno.test("first run - a seeding stopped midway, and one whose process died, resume: nothing made, sold or paid twice", async () => {
  await using app = await demoRuntime();
  const { kv, runtime, deps } = app;
  const stopping = new AbortController();
  const seeding = seedDemoWorld({ ...deps, signal: stopping.signal });
  const firstMade = await poll("the live competition to be recorded", 30_000, async () => {
    const world = await readDemoWorld(kv);
    return world?.activeId ? world : undefined;
  });
  stopping.abort();
  assert.equal(await seeding, "stopped");
  const stopped = (await readDemoWorld(kv))!;
  assert.equal(stopped.state, "seeding");
  assert.equal(stopped.holder, "", "a seeding that stopped gives its claim back");
  assert.equal(stopped.activeId, firstMade.activeId, "and keeps what it made");
  assert.equal(stopped.seasonId, undefined, "it stopped before the season");

  // Then a process takes it over and dies: its claim holds others off until it is CLAIM_MS old.
  const died = { ...stopped, holder: "a process that died", claimedAt: new Date().toISOString() };
  await kv.set(keys.sandboxDemo(), died);
  assert.equal(await claimSeeding(kv, Date.now()), "busy");
  await kv.set(keys.sandboxDemo(), { ...died, claimedAt: new Date(Date.now() - CLAIM_MS - 1).toISOString() });
  assert.equal(await seedDemoWorld(deps), "seeded");

  const world = (await readDemoWorld(kv))!;
  assert.equal(world.activeId, stopped.activeId, "the live competition made before the stop is the demo's");
  assert.equal(runtime.sandboxes.whop!.payments.length, 5, "four prizes and the season, each funded once");
  const { competitions } = await getJson<{ competitions: ApiCompetition[] }>(`${deps.appOrigin}/api/competitions`);
  const titles = competitions.filter((c) => !c.seasonId).map((c) => c.title).sort();
  assert.deepEqual(titles, ["Autumn Sprint", "Holiday Cup", "Winter Sales Brawl"]);
  for (const id of [world.activeId!, world.completedId!]) {
    assert.notEqual((await getCompetition(kv, id)).status, "UPCOMING");
  }
  const live = await getCompetition(kv, world.activeId!);
  for (const owner of DEMO_STORE_OWNERS) {
    const before = runtime.sandboxes.shopify!.orders(owner.shop)
      .filter((order) => order.createdAt < Date.parse(live.startDate));
    assert.equal(before.length, owner.salesBefore[0], `${owner.shop}'s sales before the start, placed once`);
  }
  const sprint = await getJson<{ entries: { revenue: string }[] }>(
    `${deps.appOrigin}/api/competitions/${world.completedId}/leaderboard`,
  );
  assert.equal(
    sprint.entries.reduce((sum, entry) => sum + Math.round(Number(entry.revenue) * 100), 0),
    48_989,
    "the sprint's five sales, sold once",
  );
  assert.equal((await listParticipants(kv, world.completedId!)).length, 3);
  assert.equal((await listParticipants(kv, world.activeId!)).length, DEMO_STORE_OWNERS.length);
  assert.equal((await getSeason(kv, world.seasonId!)).status, "ACTIVE");
});
