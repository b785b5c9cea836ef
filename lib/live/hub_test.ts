import assert from "node:assert/strict";
import { DURING_MS, liveCompetition, orderOf, SseReader, testHub } from "../../testing/live.ts";
import { recordOrder } from "../competitions/revenue.ts";
import { createParticipant } from "../competitions/participants.ts";
import { updateCompetition } from "../competitions/competitions.ts";
import { LiveClient, SlowClientError } from "./client.ts";
import { eventFrame, heartbeatFrame } from "./sse.ts";
import { leaderboardView } from "../competitions/views.ts";

const decoder = new TextDecoder();

/** Reads raw chunks until one contains `text`, and returns that chunk. */
async function chunkWith(reader: ReadableStreamDefaultReader<Uint8Array>, text: string): Promise<Uint8Array> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the stream ended before ${text}`);
    if (decoder.decode(value).includes(text)) return value;
  }
}

Deno.test("live - clients of one competition share one channel and the very same payload bytes", async () => {
  using kv = await Deno.openKv(":memory:");
  await using hub = testHub(kv);
  const { competition, participants: [store] } = await liveCompetition(kv);
  const readers = [1, 2, 3].map(() => hub.open(competition.id).getReader());
  for (const reader of readers) await chunkWith(reader, "event: status");
  assert.deepEqual(hub.stats(), { competitions: 1, clients: 3, drops: 0 });

  await recordOrder(kv, store.id, orderOf("1", 700), DURING_MS);
  const chunks = await Promise.all(readers.map((reader) => chunkWith(reader, '"revenue":"7.00"')));
  assert.equal(chunks[1], chunks[0], "built and encoded once per tick");
  assert.equal(chunks[2], chunks[0]);
  await Promise.all(readers.map((reader) => reader.cancel()));
  assert.deepEqual(hub.stats(), { competitions: 0, clients: 0, drops: 0 });
});

Deno.test("live - join, status and winner events follow the competition", async () => {
  using kv = await Deno.openKv(":memory:");
  await using hub = testHub(kv);
  const { competition, participants: [store] } = await liveCompetition(kv);
  await using sse = new SseReader(new Response(hub.open(competition.id)));
  assert.deepEqual((await sse.next()).retry, 3000);
  assert.equal((await sse.nextEvent()).event, "leaderboard");
  assert.equal((await sse.nextEvent()).event, "status");

  await createParticipant(kv, competition.id, {
    userId: "late",
    shop: "late.myshopify.com",
    displayName: "Late",
    currency: "USD",
  }, DURING_MS);
  assert.equal((await sse.nextEvent()).event, "leaderboard");
  const join = await sse.nextEvent();
  assert.deepEqual([join.event, JSON.parse(join.data!)], ["join", { participantCount: 2 }]);

  await recordOrder(kv, store.id, orderOf("1", 5000), DURING_MS);
  assert.equal((await sse.nextEvent()).event, "leaderboard");
  await updateCompetition(kv, competition.id, DURING_MS, "winner", (c) => ({
    ...c,
    status: "COMPLETED",
    winner: {
      participantId: store.id,
      userId: store.userId,
      displayName: store.displayName,
      shop: store.shop,
      revenue: 5000,
      reachedAt: new Date(DURING_MS).toISOString(),
      decidedAt: new Date(DURING_MS).toISOString(),
    },
  }));
  const events = [await sse.nextEvent(), await sse.nextEvent(), await sse.nextEvent(), await sse.nextEvent()];
  assert.deepEqual(events.map((e) => e.event), ["refresh", "leaderboard", "status", "winner"]);
  // The pages' regions moved (a new status): the refresh comes first, with the window one reader spreads over.
  assert.deepEqual(JSON.parse(events[0].data!), { version: "COMPLETED:", withinMs: 1000 });
  assert.deepEqual(JSON.parse(events[2].data!), { status: "COMPLETED" });
  const { winner } = JSON.parse(events[3].data!);
  assert.equal(winner.shop, store.shop);
  assert.equal(winner.revenue, "50.00");
  assert.equal(new Set(events.map((e) => e.id)).size, 1, "one tick, one versionstamp");
});

Deno.test("live - a refresh's window grows with the readers of the board, so their pages do not ask at once", async () => {
  using kv = await Deno.openKv(":memory:");
  await using hub = testHub(kv);
  const { competition } = await liveCompetition(kv);
  const streams = Array.from({ length: 2500 }, () => hub.open(competition.id));
  await using sse = new SseReader(new Response(streams[0]));
  await sse.next(); // retry
  assert.deepEqual([(await sse.nextEvent()).event, (await sse.nextEvent()).event], ["leaderboard", "status"]);
  assert.equal(hub.stats().clients, 2500);

  await updateCompetition(kv, competition.id, DURING_MS, "status", (c) => ({ ...c, status: "SETTLING" }));
  const refresh = await sse.nextEvent();
  assert.deepEqual([refresh.event, JSON.parse(refresh.data!)], ["refresh", { version: "SETTLING:", withinMs: 2500 }]);
  await Promise.all(streams.slice(1).map((stream) => stream.cancel()));
});

Deno.test("live - a client that stops reading is dropped while readers keep up", async () => {
  using kv = await Deno.openKv(":memory:");
  await using hub = testHub(kv, { maxBufferedBytes: 4096, slowClientMs: 300, coalesceMs: 20, pollMs: 50 });
  const { competition, participants: [store] } = await liveCompetition(kv, 20, 200);
  const stalled = hub.open(competition.id).getReader();
  await using reader = new SseReader(new Response(hub.open(competition.id)));
  await reader.nextEvent();
  await reader.nextEvent();
  assert.equal(hub.stats().clients, 2);

  for (let i = 0; hub.stats().drops === 0; i++) {
    assert.ok(i < 200, "the stalled client was never dropped");
    await recordOrder(kv, store.id, orderOf(`${i}`, 100), DURING_MS);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.deepEqual(hub.stats(), { competitions: 1, clients: 1, drops: 1 });
  await assert.rejects(async () => {
    for (;;) if ((await stalled.read()).done) return;
  }, SlowClientError);
  const update = await reader.nextEvent();
  assert.equal(update.event, "leaderboard", "the reading client is still served");
});

Deno.test("live - heartbeats keep an idle stream alive", async () => {
  using kv = await Deno.openKv(":memory:");
  await using hub = testHub(kv, { heartbeatMs: 50 });
  const { competition } = await liveCompetition(kv);
  await using sse = new SseReader(new Response(hub.open(competition.id)));
  await sse.nextEvent();
  await sse.nextEvent();
  assert.equal((await sse.next(500)).comment, "heartbeat");
  assert.equal((await sse.next(500)).comment, "heartbeat");
});

Deno.test("live - a stream carrying updates gets no heartbeats; once idle it does", async () => {
  using kv = await Deno.openKv(":memory:");
  const heartbeatMs = 400;
  await using hub = testHub(kv, { heartbeatMs, coalesceMs: 5 });
  const { competition, participants: [store] } = await liveCompetition(kv);
  await using sse = new SseReader(new Response(hub.open(competition.id)));
  await sse.nextEvent();
  await sse.nextEvent();
  // An update every ~20 ms for ~1.5 s: three heartbeat ticks, each close after an update. A heartbeat may only
  // follow a pause of half an interval (a starved test process can make one; it is then not a failure).
  let lastFrameAt = performance.now();
  let updates = 0;
  for (let i = 1; i <= 60; i++) {
    await recordOrder(kv, store.id, orderOf(`${i}`, 100 * i), DURING_MS);
    for (;;) {
      const frame = await sse.next(1000);
      const at = performance.now();
      if (frame.comment === "heartbeat") {
        assert.ok(
          at - lastFrameAt >= heartbeatMs / 2 - 20,
          `a heartbeat ${Math.round(at - lastFrameAt)} ms after an update`,
        );
        continue;
      }
      assert.equal(frame.event, "leaderboard");
      updates++;
      lastFrameAt = at;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(updates, 60);
  const idleSince = performance.now();
  assert.equal((await sse.next(2000)).comment, "heartbeat");
  assert.ok(performance.now() - idleSince <= 1.5 * heartbeatMs + 100, "an idle stream hears within 1.5 intervals");
});

Deno.test("live - a full client holds one frame per kind, the newest leaderboard replacing an older one", async () => {
  let cancelled = false;
  const client = new LiveClient({
    maxBufferedBytes: 1,
    preamble: new TextEncoder().encode("retry: 10\n\n"),
    now: () => 1000,
    onCancel: () => cancelled = true,
  });
  client.send(eventFrame("leaderboard", "01", { n: 1 }));
  client.send(eventFrame("status", "01", { status: "ACTIVE" }));
  client.send(eventFrame("leaderboard", "02", { n: 2 }));
  client.send(heartbeatFrame);
  assert.equal(client.stalledSince, 1000);
  const reader = client.stream.getReader();
  const received: string[] = [];
  for (let i = 0; i < 3; i++) received.push(decoder.decode((await reader.read()).value));
  assert.deepEqual(received, [
    "retry: 10\n\n",
    'event: status\nid: 01\ndata: {"status":"ACTIVE"}\n\n',
    'event: leaderboard\nid: 02\ndata: {"n":2}\n\n',
  ]);
  assert.equal(client.stalledSince, undefined);
  await reader.cancel();
  assert.ok(cancelled);
  assert.equal(client.open, false);
});

/** A hub whose renders are counted. */
function countingHub(kv: Deno.Kv, coalesceMs: number) {
  let renders = 0;
  const hub = testHub(kv, {
    coalesceMs,
    pollMs: 60_000,
    render: (competition) => {
      renders++;
      return leaderboardView(kv, competition);
    },
  });
  return { hub, renders: () => renders };
}

/** The next leaderboard event and when it arrived (performance.now()). */
async function nextBoard(sse: SseReader, timeoutMs = 3000) {
  for (;;) {
    const event = await sse.nextEvent(timeoutMs);
    if (event.event === "leaderboard") return { at: performance.now(), data: event.data! };
  }
}

Deno.test("live - leading edge: a change on a quiet board goes out at once; changes in a row share the next window", async () => {
  using kv = await Deno.openKv(":memory:");
  const WINDOW = 600;
  const { hub, renders } = countingHub(kv, WINDOW);
  await using _hub = hub;
  const { competition, participants: [store] } = await liveCompetition(kv);
  await using sse = new SseReader(new Response(hub.open(competition.id)));
  await nextBoard(sse);
  assert.equal(renders(), 1, "the snapshot");

  const first = performance.now();
  await recordOrder(kv, store.id, orderOf("1", 100), DURING_MS);
  const quiet = await nextBoard(sse);
  assert.ok(quiet.at - first < WINDOW / 3, `a quiet change is sent at once (${quiet.at - first} ms)`);
  assert.match(quiet.data, /"revenue":"1.00"/);

  // Two more changes right after: they wait for the end of the window and share one rebuild.
  await recordOrder(kv, store.id, orderOf("2", 200), DURING_MS);
  await recordOrder(kv, store.id, orderOf("3", 300), DURING_MS);
  const trailing = await nextBoard(sse);
  assert.ok(
    trailing.at - quiet.at >= WINDOW - 50,
    `the next rebuild waits for the window (${trailing.at - quiet.at} ms)`,
  );
  assert.ok(trailing.at - quiet.at < WINDOW + 300, `…and not much longer (${trailing.at - quiet.at} ms)`);
  assert.match(trailing.data, /"revenue":"6.00"/, "both changes in one event");
  assert.equal(renders(), 3, "snapshot, leading edge, one trailing rebuild");

  // Quiet again for a whole window: the next change is sent at once.
  await new Promise((resolve) => setTimeout(resolve, WINDOW + 50));
  const again = performance.now();
  await recordOrder(kv, store.id, orderOf("4", 400), DURING_MS);
  const next = await nextBoard(sse);
  assert.ok(next.at - again < WINDOW / 3, `after a quiet window, at once again (${next.at - again} ms)`);
});

Deno.test("live - under a steady stream of changes rebuilds stay at one per window and the last change is not late", async () => {
  using kv = await Deno.openKv(":memory:");
  const WINDOW = 100;
  const { hub, renders } = countingHub(kv, WINDOW);
  await using _hub = hub;
  const { competition, participants: [store] } = await liveCompetition(kv);
  await using sse = new SseReader(new Response(hub.open(competition.id)));
  await nextBoard(sse);
  const events: string[] = [];
  const reading = (async () => {
    for (;;) {
      const board = await nextBoard(sse, 1500).catch(() => undefined);
      if (!board) return;
      events.push(board.data);
      if (board.data.includes('"revenue":"100.00"')) return;
    }
  })();
  const started = performance.now();
  for (let i = 0; i < 100; i++) {
    await recordOrder(kv, store.id, orderOf(`${i}`, 100), DURING_MS);
    await new Promise((resolve) => setTimeout(resolve, 8));
  }
  const lastWrite = performance.now();
  await reading;
  const elapsed = performance.now() - started;
  assert.ok(events.at(-1)?.includes('"revenue":"100.00"'), "the final total arrives");
  const rebuilds = renders() - 1;
  assert.ok(
    rebuilds <= Math.ceil(elapsed / WINDOW) + 1,
    `${rebuilds} rebuilds in ${Math.round(elapsed)} ms: at most one per ${WINDOW} ms window`,
  );
  assert.ok(rebuilds >= 3, "changes keep flowing while they keep coming");
  assert.ok(performance.now() - lastWrite < WINDOW + 400, "the last change follows within about a window");
});
