/**
 * Privacy mode (`privacy: "ranks"`): no exact figure of another store
 * anywhere a stranger or a rival store owner can look — page HTML, the JSON
 * API, the live stream's frames, the public API, the embed and the share
 * card (its SVG) — while each owner still sees its own figure and the creator sees all.
 * The test greps every answer for the figures, in every format they could take.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { DURING_MS, orderOf, SseReader, START_MS } from "../testing/live.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { type Competition, getCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { listParticipants } from "../lib/competitions/participants.ts";
import { shareCardData } from "../routes/share_card.ts";
import { shareCardSvg } from "../lib/web/share_card.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";

/** Each store's revenue in cents: distinctive, so a grep finds them in any format. */
const CENTS = [1_234_567, 876_543, 55_501];

/** The ways a figure of `cents` could be written. */
function spellings(cents: number): string[] {
  const units = (cents / 100).toFixed(2);
  const grouped = Number(units).toLocaleString("en-US", { minimumFractionDigits: 2 });
  return [String(cents), units, grouped];
}

/** The figures of stores `indexes` found in `text`. */
function leaked(text: string, indexes: number[]): string[] {
  return indexes.flatMap((i) => spellings(CENTS[i]).filter((spelling) => text.includes(spelling)));
}

async function privateRace(t: TestApp): Promise<Competition> {
  const { competition, participants } = await activeCompetition(t.kv, { start: START_MS, stores: 3 });
  await updateCompetition(t.kv, competition.id, START_MS, "status", (c) => ({ ...c, privacy: "ranks" }));
  for (const [i, participant] of participants.entries()) {
    await recordOrder(t.kv, participant.id, orderOf(`order-${i}`, CENTS[i]), DURING_MS);
  }
  t.clock.ms = DURING_MS;
  return competition;
}

/** Every place a viewer can read the board, as text. */
async function everything(t: TestApp, id: string, userId?: string): Promise<Record<string, string>> {
  const read = async (path: string) => {
    const res = await t.request(path, { userId });
    assert.equal(res.status, 200, `${path} answered ${res.status}`);
    return await res.text();
  };
  const events = await t.request(`/api/competitions/${id}/events`, { userId });
  await using reader = new SseReader(events);
  const frames = [await reader.nextEvent(), await reader.nextEvent()].map((event) => event.data).join("\n");
  return {
    page: await read(`/competitions/${id}`),
    competition: await read(`/api/competitions/${id}`),
    list: await read("/api/competitions"),
    leaderboard: await read(`/api/competitions/${id}/leaderboard`),
    publicApi: await read(`/api/public/competitions/${id}`),
    embed: await read(`/embed/competitions/${id}`),
    // The PNG's pixels cannot be grepped: its SVG source can, exactly as the card route draws it.
    card: shareCardSvg(await shareCardData(t.deps, await getCompetition(t.kv, id))),
    events: frames,
  };
}

Deno.test("privacy - a stranger and a rival owner see ranks and shares, never another store's figure", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp();
  const competition = await privateRace(t);

  for (const [who, userId, own] of [["stranger", undefined, -1], ["owner of store 2", "owner_2", 2]] as const) {
    const places = await everything(t, competition.id, userId);
    for (const [place, text] of Object.entries(places)) {
      const others = [0, 1, 2].filter((i) => i !== own);
      assert.deepEqual(leaked(text, others), [], `${who}: ${place} shows another store's figure`);
    }
    const board = JSON.parse(places.leaderboard);
    assert.deepEqual(
      board.entries.map((e: Record<string, unknown>) => [e.displayName, e.share, "orders" in e]),
      [["Store 0", 1, false], ["Store 1", 0.7, false], ["Store 2", 0, own === 2]],
    );
    assert.equal(JSON.parse(places.publicApi).entries[1].share, 0.7);
    assert.match(places.page, /<meter[^>]*class="share-bar"/, "the page draws bars relative to the leader");
    assert.match(places.embed, /<meter[^>]*class="share-bar"/, "so does the embed");
    assert.match(places.card, /Store 1/, "the card names the stores, with bars for figures");
    if (own === 2) {
      assert.equal(board.entries[2].revenue, "555.01", "an owner sees its own figure");
      assert.match(places.page, /555\.01/);
      // The owner's own stream: the shared frames, and its store's panels with its own figure only.
      await using mine = new SseReader(await t.request(`/api/competitions/${competition.id}/my-events`, { userId }));
      const frames = [await mine.nextEvent(), await mine.nextEvent(), await mine.nextEvent()];
      assert.deepEqual(frames.map((frame) => frame.event), ["leaderboard", "status", "own"]);
      const text = frames.map((frame) => frame.data).join("\n");
      assert.deepEqual(leaked(text, [0, 1]), [], "the owner's own stream shows no other store's figure");
      assert.equal(JSON.parse(frames[2].data!).figures.revenue, "555.01");
    }
  }

  const creator = await everything(t, competition.id, "creator");
  for (const cents of CENTS) {
    assert.ok(creator.leaderboard.includes(`"${(cents / 100).toFixed(2)}"`), "the creator sees every figure");
    assert.ok(creator.page.includes((cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })));
  }
  // The creator follows a stream of their own (the strangers' shared one carries no figure, above).
  for (const i of [0, 1, 2]) {
    assert.ok(leaked(creator.events, [i]).length > 0, `the creator's stream has store ${i}'s figure`);
  }
});

Deno.test("privacy - the winner's figure is shown to the creator and the winner only", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp();
  const competition = await privateRace(t);
  await updateCompetition(t.kv, competition.id, DURING_MS, "status", (c) => ({
    ...c,
    status: "COMPLETED",
    winner: {
      participantId: "p0",
      userId: "owner_0",
      displayName: "Store 0",
      shop: "store-0.myshopify.com",
      revenue: CENTS[0],
      reachedAt: new Date(DURING_MS).toISOString(),
      decidedAt: new Date(DURING_MS).toISOString(),
    },
  }));
  for (const userId of [undefined, "owner_1"]) {
    for (const path of [`/competitions/${competition.id}`, `/api/competitions/${competition.id}`]) {
      const text = await (await t.request(path, { userId })).text();
      assert.deepEqual(leaked(text, [0]), [], `${path} as ${userId ?? "a stranger"}`);
      assert.match(text, /Store 0/);
    }
  }
  for (const userId of ["owner_0", "creator"]) {
    const json = await (await t.request(`/api/competitions/${competition.id}`, { userId })).json();
    assert.equal(json.competition.winner.revenue, "12345.67");
  }
});

Deno.test("privacy - orders time nothing for strangers and rival owners: a 0.01 order changes no surface they see", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp();
  const competition = await privateRace(t);
  const [leader, , last] = (await listParticipants(t.kv, competition.id)).sort((a, b) => b.revenue - a.revenue);
  const publicRead = async () => {
    const res = await t.request(`/api/public/competitions/${competition.id}`);
    return { etag: res.headers.get("etag"), body: await res.text() };
  };
  const before = {
    stranger: await everything(t, competition.id),
    rival: await everything(t, competition.id, "owner_1"),
    public: await publicRead(),
  };
  for (const text of [before.stranger.leaderboard, before.stranger.events, before.public.body]) {
    assert.doesNotMatch(text, /lastOrderAt|orderCounts/, "no per-store timing or counts while the race runs");
  }
  const rivals = JSON.parse(before.rival.leaderboard).entries.filter((e: { userId: string }) => e.userId !== "owner_1");
  assert.ok(rivals.every((e: object) => !("lastOrderAt" in e) && !("orderCounts" in e)), "nor for a rival owner");
  for (const entry of JSON.parse(before.stranger.leaderboard).entries) {
    assert.ok(Number.isInteger(Math.round(entry.share * 100) / 5), `a band of 5 %: ${entry.share}`);
  }
  assert.equal(
    JSON.parse(before.stranger.leaderboard).updatedAt,
    (await getCompetition(t.kv, competition.id)).updatedAt,
    "the strangers' board says when the competition changed, not when an order came",
  );

  // Followers of the shared stream and the leader's and the last store's owners.
  const open = async (userId?: string) => {
    const reader = new SseReader(await t.request(`/api/competitions/${competition.id}/events`, { userId }));
    // The snapshot: the leaderboard, then the status.
    assert.equal((await reader.nextEvent()).event, "leaderboard");
    assert.equal((await reader.nextEvent()).event, "status");
    return reader;
  };
  await using shared = await open();
  await using own = await open(last.userId);

  await recordOrder(t.kv, leader.id, orderOf("tiny-leader", 1), t.clock.ms);
  await recordOrder(t.kv, last.id, orderOf("tiny-last", 1), t.clock.ms);

  const change = await own.nextEvent();
  assert.equal(change.event, "leaderboard");
  const mine = JSON.parse(change.data!);
  assert.equal(
    mine.entries.find((e: { participantId: string }) => e.participantId === last.id).revenue,
    ((CENTS[2] + 1) / 100).toFixed(2),
    "the store's owner follows its own figure live",
  );
  await assert.rejects(shared.nextEvent(800), /no event within/, "the strangers' stream says nothing");
  const after = {
    stranger: await everything(t, competition.id),
    rival: await everything(t, competition.id, "owner_1"),
    public: await publicRead(),
  };
  assert.deepEqual(after.public, before.public, "the public API's body and ETag are unchanged");
  // Each page carries its own CSP nonce; nothing else may differ.
  const same = (text: string) => text.replaceAll(/nonce="[^"]*"/g, "");
  for (const who of ["stranger", "rival"] as const) {
    for (const place of Object.keys(before[who]) as (keyof typeof before.stranger)[]) {
      assert.equal(same(after[who][place]), same(before[who][place]), `${who}: ${place} moved with an order`);
    }
  }
});
