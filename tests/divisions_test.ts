/**
 * Divisions end to end against the simulated Shopify: stores joined through
 * the real OAuth round trip are placed at the start by their 30-day sales
 * (a baseline equal to an `upTo` goes to the next division), a store joining
 * later at its first sync; each division's board, places and prize in the
 * leaderboard JSON, the public API and the embed (`?division=`), and
 * privacy mode per division.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { joinStore, openCompetition, participantOf, settledSync, waitFor } from "../testing/shopify.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { runSyncJob } from "../cron/sync_job.ts";
import { type Participant, updateParticipant } from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { competitionInDivisions, postForm } from "../testing/page_fixtures.ts";
import { type LifecycleServices, settleCompetition } from "../lib/competitions/settlement.ts";
import { listNotifications } from "../lib/competitions/notifications.ts";
import { getCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { DURING_MS, orderOf, serveApp, SseReader, START_MS, testHub } from "../testing/live.ts";

const DIVISIONS = [
  { name: "Rising", upTo: "1000.00", prize: "200.00", prizeSplit: [70, 30] },
  { name: "Established", prize: "300.00" },
];
const DAY = 86_400_000;

/** A shop with `total` of paid sales spread over the 30 days before `startMs` (and one older sale that never counts). */
function shopWithHistory(t: TestApp, shop: string, totals: string[], startMs: number) {
  t.shopify!.createShop({ shop, currency: "USD" });
  totals.forEach((total, i) => t.shopify!.createOrder(shop, { totalPrice: total, createdAt: startMs - (i + 1) * DAY }));
  t.shopify!.createOrder(shop, { totalPrice: "9999.00", createdAt: startMs - 31 * DAY });
}

async function placed(t: TestApp, competitionId: string, shop: string): Promise<Participant> {
  return await waitFor(async () => {
    const participant = await participantOf(t, competitionId, shop);
    return participant && participant.division !== null ? participant : undefined;
  }, `${shop} to be placed`);
}

async function sale(t: TestApp, shop: string, total: string) {
  t.shopify!.createOrder(shop, { totalPrice: total });
  await t.shopify!.flushWebhooks();
}

Deno.test("divisions - stores land by their 30-day baseline at the start (equal to upTo goes on), a late one at its first sync; each division its own board", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t, { upcoming: true, rules: { prize: undefined, divisions: DIVISIONS } });
  const start = Date.parse(competition.startDate);
  shopWithHistory(t, "small.myshopify.com", ["500.00", "499.99"], start); // 999.99: below 1000.00
  shopWithHistory(t, "edge.myshopify.com", ["600.00", "400.00"], start); // 1000.00 exactly: the next division
  shopWithHistory(t, "new.myshopify.com", [], start); // no sales at all
  shopWithHistory(t, "big.myshopify.com", ["2500.00", "2500.00"], start);
  for (const [owner, shop] of [["owner_s", "small"], ["owner_e", "edge"], ["owner_n", "new"]]) {
    const { callback } = await joinStore(t, competition.id, owner, `${shop}.myshopify.com`);
    assert.equal(callback.status, 303);
    await settledSync(t, (await participantOf(t, competition.id, `${shop}.myshopify.com`))!.id);
  }

  // Before the start nobody is placed: every division's board is empty and the stores are listed apart.
  const before = await (await t.request(`/api/competitions/${competition.id}/leaderboard`)).json();
  assert.equal(before.division.number, 1);
  assert.deepEqual(before.entries, []);
  assert.deepEqual(before.unplaced.map((s: { shop: string }) => s.shop).sort(), [
    "edge.myshopify.com",
    "new.myshopify.com",
    "small.myshopify.com",
  ]);
  assert.deepEqual(
    before.competition.divisions.map((
      d: { number: number; name: string; upTo?: string; prize: string },
    ) => [d.number, d.name, d.upTo, d.prize]),
    [
      [1, "Rising", "1000.00", "200.00"],
      [2, "Established", undefined, "300.00"],
    ],
  );
  assert.equal(before.competition.prize, "500.00");

  // The start: the status job starts it and queues each store's first sync, which places it.
  t.clock.ms = start + 60_000;
  await runStatusJob(t.deps.lifecycle);
  const small = await placed(t, competition.id, "small.myshopify.com");
  const edge = await placed(t, competition.id, "edge.myshopify.com");
  const fresh = await placed(t, competition.id, "new.myshopify.com");
  assert.deepEqual([small.division, small.divisionBaseline], [1, 99_999]);
  assert.deepEqual([edge.division, edge.divisionBaseline], [2, 100_000], "a baseline equal to upTo goes to the next");
  assert.deepEqual([fresh.division, fresh.divisionBaseline], [1, 0]);

  // A store joining after the start is placed the same way at its first sync (its join backfill).
  t.clock.advance(3600_000);
  const { callback } = await joinStore(t, competition.id, "owner_b", "big.myshopify.com");
  assert.equal(callback.status, 303);
  const big = await placed(t, competition.id, "big.myshopify.com");
  assert.deepEqual([big.division, big.divisionBaseline], [2, 500_000]);

  // A placement never changes: later history (an order backdated before the start) and later syncs leave it.
  t.shopify!.createOrder("small.myshopify.com", { totalPrice: "5000.00", createdAt: start - 2 * DAY });
  await runSyncJob(t.deps.lifecycle);
  assert.equal((await participantOf(t, competition.id, "small.myshopify.com"))!.division, 1);

  await sale(t, "small.myshopify.com", "40.00");
  await sale(t, "new.myshopify.com", "60.00");
  await sale(t, "edge.myshopify.com", "10.00");
  await sale(t, "big.myshopify.com", "900.00");

  const first = await (await t.request(`/api/competitions/${competition.id}/leaderboard`)).json();
  assert.equal(first.division.name, "Rising", "without ?division= the first division's board");
  assert.deepEqual(
    first.entries.map((e: { shop: string; rank: number; prize?: string }) => [e.shop, e.rank, e.prize]),
    [
      ["new.myshopify.com", 1, "140.00"],
      ["small.myshopify.com", 2, "60.00"],
    ],
  );
  assert.deepEqual(first.unplaced, []);
  const second = await (await t.request(`/api/competitions/${competition.id}/leaderboard?division=2`)).json();
  assert.equal(second.division.name, "Established");
  assert.equal(second.division.range, "30-day sales of $1,000.00 and above");
  assert.deepEqual(
    second.entries.map((e: { shop: string; rank: number; prize?: string }) => [e.shop, e.rank, e.prize]),
    [
      ["big.myshopify.com", 1, "300.00"],
      ["edge.myshopify.com", 2, undefined],
    ],
  );
  for (const bad of ["3", "0", "Rising"]) {
    const refused = await t.request(`/api/competitions/${competition.id}/leaderboard?division=${bad}`);
    assert.equal(refused.status, 400, bad);
    assert.equal((await refused.json()).issues[0].path, "division");
  }

  // The public API and the embed take ?division= too.
  const publicBoard = await (await t.request(`/api/public/competitions/${competition.id}?division=2`)).json();
  assert.deepEqual(publicBoard.entries.map((e: { shop: string }) => e.shop), [
    "big.myshopify.com",
    "edge.myshopify.com",
  ]);
  assert.equal((await t.request(`/api/public/competitions/${competition.id}?division=9`)).status, 400);
  const embed = await (await t.request(`/embed/competitions/${competition.id}?division=2`)).text();
  assert.match(embed, /Established/);
  assert.ok(embed.includes(big.displayName) && !embed.includes(small.displayName), "only division 2's stores");

  // The competition page: a tab per division, links that work without JavaScript, the owner's division first.
  const page = await (await t.request(`/competitions/${competition.id}`, { userId: "owner_e" })).text();
  const tabs = [...page.matchAll(/href="\/competitions\/[^"?]+\?division=(\d)"( aria-current="page")?/g)];
  assert.deepEqual(tabs.map((tab) => [tab[1], Boolean(tab[2])]), [["2", true], ["1", false]]);
  const other = await (await t.request(`/competitions/${competition.id}?division=1`, { userId: "owner_e" })).text();
  assert.ok(other.includes(small.displayName) && !other.includes(`>${big.displayName}<`));
});

Deno.test("divisions - privacy mode per division: strangers see shares of their division's leader, each owner its own figure", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t, {
    upcoming: true,
    rules: { prize: undefined, divisions: DIVISIONS, privacy: "ranks" },
  });
  const start = Date.parse(competition.startDate);
  shopWithHistory(t, "a.myshopify.com", ["100.00"], start);
  shopWithHistory(t, "b.myshopify.com", ["200.00"], start);
  shopWithHistory(t, "c.myshopify.com", ["5000.00"], start);
  for (const shop of ["a", "b", "c"]) await joinStore(t, competition.id, `owner_${shop}`, `${shop}.myshopify.com`);
  t.clock.ms = start + 60_000;
  await runStatusJob(t.deps.lifecycle);
  for (const shop of ["a", "b", "c"]) await placed(t, competition.id, `${shop}.myshopify.com`);
  await sale(t, "a.myshopify.com", "50.00");
  await sale(t, "b.myshopify.com", "100.00");
  await sale(t, "c.myshopify.com", "9000.00");

  const stranger = await (await t.request(`/api/competitions/${competition.id}/leaderboard?division=1`)).json();
  assert.deepEqual(
    stranger.entries.map((e: { shop: string; share: number; revenue?: string }) => [e.shop, e.share, e.revenue]),
    [
      ["b.myshopify.com", 1, undefined],
      ["a.myshopify.com", 0.5, undefined],
    ],
    "shares of the division's own leader, not of the biggest store",
  );
  const owner =
    await (await t.request(`/api/competitions/${competition.id}/leaderboard?division=1`, { userId: "owner_a" }))
      .json();
  assert.deepEqual(owner.entries.map((e: { shop: string; revenue?: string }) => [e.shop, e.revenue]), [
    ["b.myshopify.com", undefined],
    ["a.myshopify.com", "50.00"],
  ]);
  const creator =
    await (await t.request(`/api/competitions/${competition.id}/leaderboard?division=2`, { userId: "creator" }))
      .json();
  assert.deepEqual(creator.entries.map((e: { revenue?: string }) => e.revenue), ["9000.00"]);
  const embed = await (await t.request(`/embed/competitions/${competition.id}?division=2`)).text();
  assert.ok(!embed.includes("9000") && !embed.includes("9,000"), "the embed shows no figure under privacy mode");
});

/** A live competition in `DIVISIONS` with three stores: the first two in division 1, the third in division 2. */
async function storesInDivisions(t: TestApp) {
  const { competition, participants } = await activeCompetition(t.kv, {
    start: START_MS,
    stores: 3,
    divisions: DIVISIONS,
  });
  for (const [store, division] of [[participants[0], 1], [participants[1], 1], [participants[2], 2]] as const) {
    await updateParticipant(t.kv, store.id, DURING_MS, "leaderboard", (p) => ({ ...p, division }));
  }
  return { competition, stores: participants };
}

Deno.test("divisions - the live stream carries each division's board: ?division= picks it, a change elsewhere sends nothing", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv, { heartbeatMs: 60_000 });
  await using served = serveApp({ ...t.deps, live: hub });
  const { competition, stores: [a, b, c] } = await storesInDivisions(t);
  const open = async (query: string) => {
    const sse = new SseReader(await fetch(`${served.url}/api/competitions/${competition.id}/events${query}`));
    await sse.next(); // retry
    const snapshot = await sse.nextEvent();
    assert.equal(snapshot.event, "leaderboard");
    await sse.nextEvent(); // status
    return { sse, board: JSON.parse(snapshot.data!) };
  };
  await using rising = (await open("")).sse;
  const established = await open("?division=2");
  await using _ = established.sse;
  assert.deepEqual(established.board.entries.map((e: { participantId: string }) => e.participantId), [c.id]);
  assert.equal(hub.stats().competitions, 2, "one channel per division's board");

  await recordOrder(t.kv, c.id, orderOf("c1", 5000), DURING_MS + 1000);
  const update = JSON.parse((await established.sse.nextEvent()).data!);
  assert.deepEqual(update.entries.map((e: { revenue: string }) => e.revenue), ["50.00"]);

  // Division 1's viewers got nothing for that order: the next frame they get is their own board's change.
  await recordOrder(t.kv, b.id, orderOf("b1", 700), DURING_MS + 2000);
  const first = JSON.parse((await rising.nextEvent()).data!);
  assert.deepEqual(first.entries.map((e: { revenue: string }) => e.revenue), ["7.00", "0.00"]);
  assert.equal(first.division.number, 1);
  assert.deepEqual(first.entries.map((e: { participantId: string }) => e.participantId), [b.id, a.id]);

  const refused = await fetch(`${served.url}/api/competitions/${competition.id}/events?division=3`);
  assert.equal(refused.status, 400);
  await refused.body?.cancel();
});

Deno.test("divisions - a store owner's own stream carries its own division's board (another by ?division=) and its panels", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv, { heartbeatMs: 60_000 });
  await using served = serveApp({ ...t.deps, live: hub });
  const { competition, stores: [a, b, c] } = await storesInDivisions(t);
  const headers = { "x-whop-user-token": await t.signer.sign(c.userId) };
  const open = async (query: string) => {
    const sse = new SseReader(
      await fetch(`${served.url}/api/competitions/${competition.id}/my-events${query}`, { headers }),
    );
    const snapshot = [await sse.nextEvent(), await sse.nextEvent(), await sse.nextEvent()];
    assert.deepEqual(snapshot.map((e) => e.event), ["leaderboard", "status", "own"]);
    return { sse, board: JSON.parse(snapshot[0].data!), own: JSON.parse(snapshot[2].data!) };
  };
  const mine = await open("");
  await using _mine = mine.sse;
  assert.equal(mine.board.division.number, 2, "its own division's board by default");
  assert.deepEqual(mine.board.entries.map((e: { participantId: string }) => e.participantId), [c.id]);
  assert.deepEqual([mine.own.participantId, mine.own.division], [c.id, 2]);
  const other = await open("?division=1");
  await using _other = other.sse;
  assert.deepEqual(other.board.entries.map((e: { participantId: string }) => e.participantId), [a.id, b.id]);

  // An order in division 1 moves that board only: the owner's own board sends nothing, nor do its panels.
  await recordOrder(t.kv, b.id, orderOf("b1", 700), DURING_MS + 1000);
  const elsewhere = await other.sse.nextEvent();
  assert.equal(elsewhere.event, "leaderboard");
  assert.equal(JSON.parse(elsewhere.data!).division.number, 1);
  // Its own order: its division's board and its panels together, on both of its streams' own frames.
  await recordOrder(t.kv, c.id, { ...orderOf("c1", 5000), name: "#1001" }, DURING_MS + 2000);
  const [board, panels] = [await mine.sse.nextEvent(), await mine.sse.nextEvent()];
  assert.deepEqual([board.event, panels.event], ["leaderboard", "own"], "nothing came for division 1's order");
  assert.deepEqual(JSON.parse(board.data!).entries.map((e: { revenue: string }) => e.revenue), ["50.00"]);
  assert.deepEqual(JSON.parse(panels.data!).orders.map((o: { name: string }) => o.name), ["#1001"]);
  assert.equal((await other.sse.nextEvent()).event, "own", "the other board did not move; the panels did");

  const refused = await fetch(`${served.url}/api/competitions/${competition.id}/my-events?division=3`, { headers });
  assert.equal(refused.status, 400);
  await refused.body?.cancel();
});

Deno.test("divisions - the create and edit forms take division rows without JavaScript, each message beside its field", async () => {
  await using t = await createTestApp();
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  const start = t.clock.ms + 2 * 3600_000;
  const form = {
    title: "Store League",
    prize: "500.00",
    currency: "USD",
    prizeSplit: "100",
    startDate: iso(start),
    endDate: iso(start + 48 * 3600_000),
    "divisions.0.name": "Rising",
    "divisions.0.upTo": "1000.00",
    "divisions.0.prize": "200.00",
    "divisions.0.prizeSplit": "70, 30",
    "divisions.1.name": "Established",
    "divisions.1.prize": "300.00",
  };
  const created = await postForm(t, "/competitions/new", form, "creator");
  assert.equal(created.status, 303);
  const id = created.headers.get("location")!.split("/")[2];
  const competition = await getCompetition(t.kv, id);
  assert.equal(competition.prize, 50_000);
  assert.deepEqual(competition.divisions, [
    { name: "Rising", upTo: 100_000, prize: 20_000, prizeSplit: [70, 30] },
    { name: "Established", prize: 30_000, prizeSplit: [100] },
  ]);

  const refused = await postForm(t, "/competitions/new", {
    ...form,
    "divisions.1.upTo": "900.00",
    "divisions.2.name": "Pros",
  }, "creator");
  assert.equal(refused.status, 400);
  const html = await refused.text();
  const errorAfter = (name: string) =>
    html.split('<div class="field">').find((part) => part.includes(`name="${name}"`))
      ?.match(/class="field-error"[^>]*>([^<]+)</)?.[1].replaceAll("&quot;", '"').replaceAll("&#39;", "'");
  assert.equal(
    errorAfter("divisions.1.upTo"),
    `Each division's upTo must be above the one before: "Established"'s overlaps the division above it.`,
  );
  assert.equal(errorAfter("divisions.2.prize"), 'Give "Pros" a prize.');
  const mismatch = await (await postForm(t, "/competitions/new", { ...form, prize: "450.00" }, "creator")).text();
  assert.match(mismatch, /With divisions the prize is their total: the divisions(&#39;|') prizes add up to 500.00/);
  assert.match(html, /value="Pros"/, "the rows keep what was typed");

  // Editing the draft: the rows start from the stored divisions; emptying them all leaves one board.
  const manage = await (await t.request(`/competitions/${id}/manage`, { userId: "creator" })).text();
  assert.match(
    manage,
    /name="divisions.1.name"[^>]*value="Established"|value="Established"[^>]*name="divisions.1.name"/,
  );
  const edited = await postForm(t, `/competitions/${id}/manage/edit`, {
    ...form,
    "divisions.0.name": "",
    "divisions.0.upTo": "",
    "divisions.0.prize": "",
    "divisions.0.prizeSplit": "",
    "divisions.1.name": "",
    "divisions.1.prize": "",
  }, "creator");
  assert.equal(edited.status, 303);
  const single = await getCompetition(t.kv, id);
  assert.equal(single.divisions, undefined);
  assert.equal(single.prize, 50_000);

  // The API derives the prize from the divisions; once funded they are locked like every rule.
  const patch = (json: unknown) => t.request(`/api/competitions/${id}`, { method: "PATCH", userId: "creator", json });
  const divided = await patch({
    divisions: [{ name: "Small", upTo: "50", prize: "10" }, { name: "Big", prize: "15" }],
  });
  assert.equal(divided.status, 200);
  assert.equal((await divided.json()).competition.prize, "25.00");
  await updateCompetition(t.kv, id, t.clock.ms, "status", (c) => ({ ...c, status: "UPCOMING", fundsTxId: "pay_1" }));
  const locked = await patch({ divisions: [] });
  assert.equal(locked.status, 409);
  assert.match((await locked.json()).error, /^divisions can no longer change/);
});

Deno.test("divisions - settlement tells each store about its own division, and the pages show each division's result", async () => {
  await using t = await createTestApp();
  t.clock.ms = Date.now() - 3 * 3600_000;
  const { competition, participants } = await competitionInDivisions(t, "creator");
  const paid: [number | undefined, number | undefined, string][] = [];
  const services: LifecycleServices = {
    kv: t.kv,
    now: () => Date.parse(competition.endDate) + 60_000,
    syncParticipant: async () => {},
    requestPayout: (_, place) => {
      paid.push([place.division, place.place, place.userId]);
      return Promise.resolve();
    },
    refundPrize: async () => {},
    returnUnearned: async () => {},
  };
  assert.equal(await settleCompetition(services, competition.id), "completed");
  // Established: Store 0 (120.00), Store 2, Store 4; Rising: Store 1 (45.00), Store 3 (60.00).
  assert.deepEqual(paid, [[1, 1, "owner_3"], [1, 2, "owner_1"], [2, 1, "owner_0"], [2, 2, "owner_2"], [
    2,
    3,
    "owner_4",
  ]]);
  const { notifications: won } = await listNotifications(t.kv, "owner_3");
  assert.match(won[0].body, /took 1st place in “Rising”/);
  const { notifications: second } = await listNotifications(t.kv, "owner_1");
  assert.match(second[0].title, /You placed 2nd/);
  assert.match(second[0].body, /took 2nd place in “Rising”/);

  t.clock.ms = services.now();
  const page = await (await t.request(`/competitions/${competition.id}`)).text();
  assert.match(page, /Rising: <strong>Store 3<\/strong> won and takes \$140\.00/);
  assert.match(page, /Established: <strong>Store 0<\/strong> won and takes \$180\.00/);
  const standings = await (await t.request("/my-competitions", { userId: participants[3].userId })).text();
  assert.match(standings, /<span>Won<\/span>/, "1st of its division is a win");
});
