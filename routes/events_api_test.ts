import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { DURING_MS, liveCompetition, orderOf, serveApp, SseReader, testHub } from "../testing/live.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";

async function waitFor(condition: () => boolean, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("live - a client gets the snapshot, then an order's update within 1 s", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv);
  await using served = serveApp({ ...t.deps, live: hub });
  const { competition, participants: [store] } = await liveCompetition(t.kv, 2);

  const res = await fetch(`${served.url}/api/competitions/${competition.id}/events`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  assert.equal(res.headers.get("cache-control"), "no-cache");
  assert.equal(res.headers.get("x-accel-buffering"), "no");
  await using sse = new SseReader(res);
  assert.equal((await sse.next()).retry, 3000);
  const snapshot = await sse.nextEvent();
  assert.equal(snapshot.event, "leaderboard");
  const api = await (await t.request(`/api/competitions/${competition.id}/leaderboard`)).json();
  assert.deepEqual(JSON.parse(snapshot.data!), api);
  assert.match(snapshot.id!, /^[0-9a-f]{20}$/);
  const status = await sse.nextEvent();
  assert.deepEqual([status.event, JSON.parse(status.data!)], ["status", { status: "ACTIVE" }]);

  const started = performance.now();
  await recordOrder(t.kv, store.id, orderOf("1", 1250), DURING_MS);
  const update = await sse.nextEvent(1000);
  const elapsed = performance.now() - started;
  assert.equal(update.event, "leaderboard");
  assert.ok(update.id! > snapshot.id!, "the id is the newer versionstamp");
  const board = JSON.parse(update.data!);
  assert.deepEqual(board.entries.map((e: { shop: string; revenue: string }) => [e.shop, e.revenue]), [
    ["store-0.myshopify.com", "12.50"],
    ["store-1.myshopify.com", "0.00"],
  ]);
  assert.ok(elapsed < 1000, `update took ${elapsed} ms`);
});

Deno.test("live - 20 rapid orders produce a few coalesced events ending at the exact total", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv, { heartbeatMs: 150 });
  await using served = serveApp({ ...t.deps, live: hub });
  const { competition, participants: [store] } = await liveCompetition(t.kv);
  await using sse = new SseReader(await fetch(`${served.url}/api/competitions/${competition.id}/events`));
  assert.equal((await sse.nextEvent()).event, "leaderboard");

  const started = performance.now();
  let expected = 0;
  for (let i = 0; i < 20; i++) {
    const amount = 1000 + i * 37;
    expected += amount;
    await recordOrder(t.kv, store.id, orderOf(`${i}`, amount), DURING_MS);
  }
  const writing = performance.now() - started;
  const revenues: string[] = [];
  const final = (expected / 100).toFixed(2);
  while (revenues.at(-1) !== final) {
    const event = await sse.nextEvent(1000);
    if (event.event === "leaderboard") revenues.push(JSON.parse(event.data!).entries[0].revenue);
  }
  const quiet = performance.now() + 700;
  while (performance.now() < quiet) {
    const event = await sse.next(1000);
    assert.equal(event.comment, "heartbeat", "nothing but heartbeats after the final total");
  }
  assert.ok(revenues.length >= 1 && revenues.length <= Math.ceil(writing / 250) + 2, `${revenues.length} events`);
  assert.ok(revenues.length < 20);
});

Deno.test("live - a reconnect with Last-Event-ID gets a fresh snapshot", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv);
  await using served = serveApp({ ...t.deps, live: hub });
  const { competition, participants: [store] } = await liveCompetition(t.kv);
  const url = `${served.url}/api/competitions/${competition.id}/events`;
  let lastId: string;
  {
    await using sse = new SseReader(await fetch(url));
    lastId = (await sse.nextEvent()).id!;
  }
  await recordOrder(t.kv, store.id, orderOf("1", 4200), DURING_MS);
  await using sse = new SseReader(await fetch(url, { headers: { "last-event-id": lastId } }));
  const snapshot = await sse.nextEvent();
  assert.equal(snapshot.event, "leaderboard");
  assert.notEqual(snapshot.id, lastId);
  assert.equal(JSON.parse(snapshot.data!).entries[0].revenue, "42.00");
  assert.equal((await sse.nextEvent()).event, "status");
});

Deno.test("live - a write through a second KV handle on the same file is seen", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  try {
    await using t = await createTestApp();
    using kv = await Deno.openKv(path);
    using otherProcess = await Deno.openKv(path);
    await using hub = testHub(kv);
    await using served = serveApp({ ...t.deps, kv, live: hub });
    const { competition, participants: [store] } = await liveCompetition(kv);
    await using sse = new SseReader(await fetch(`${served.url}/api/competitions/${competition.id}/events`));
    assert.equal(JSON.parse((await sse.nextEvent()).data!).entries[0].revenue, "0.00");
    assert.equal((await sse.nextEvent()).event, "status");

    const started = performance.now();
    await recordOrder(otherProcess, store.id, orderOf("1", 999), DURING_MS);
    const update = await sse.nextEvent(1000);
    assert.equal(update.event, "leaderboard");
    assert.equal(JSON.parse(update.data!).entries[0].revenue, "9.99");
    assert.ok(performance.now() - started < 1000);
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(path + suffix).catch(() => {});
  }
});

Deno.test("live - a write from another process on the same KV file is seen by polling", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  try {
    await using t = await createTestApp();
    using kv = await Deno.openKv(path);
    await using hub = testHub(kv);
    await using served = serveApp({ ...t.deps, kv, live: hub });
    const { competition, participants: [store] } = await liveCompetition(kv);
    await using sse = new SseReader(await fetch(`${served.url}/api/competitions/${competition.id}/events`));
    await sse.nextEvent();
    await sse.nextEvent();

    const writer = `
      import { recordOrder } from ${JSON.stringify(import.meta.resolve("../lib/competitions/revenue.ts"))};
      import { DURING_MS, orderOf } from ${JSON.stringify(import.meta.resolve("../testing/live.ts"))};
      using kv = await Deno.openKv(${JSON.stringify(path)});
      console.log(await recordOrder(kv, ${JSON.stringify(store.id)}, orderOf("1", 2500), DURING_MS));`;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--unstable-kv", writer],
      stdout: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(output.stdout).trim(), "recorded");
    const update = await sse.nextEvent(1000);
    assert.equal(update.event, "leaderboard");
    assert.equal(JSON.parse(update.data!).entries[0].revenue, "25.00");
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(path + suffix).catch(() => {});
  }
});

Deno.test("live - one watch per competition, stopped when its last client leaves", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv);
  await using served = serveApp({ ...t.deps, live: hub });
  const { competition: cup } = await liveCompetition(t.kv);
  const { competition: other } = await liveCompetition(t.kv);
  const open = async (id: string) => {
    const sse = new SseReader(await fetch(`${served.url}/api/competitions/${id}/events`));
    await sse.nextEvent();
    return sse;
  };
  const clients = [await open(cup.id), await open(cup.id), await open(cup.id)];
  const elsewhere = await open(other.id);
  assert.deepEqual(hub.stats(), { competitions: 2, clients: 4, drops: 0 });

  await elsewhere[Symbol.asyncDispose]();
  await waitFor(() => hub.stats().competitions === 1);
  await clients[0][Symbol.asyncDispose]();
  await clients[1][Symbol.asyncDispose]();
  await waitFor(() => hub.stats().clients === 1);
  assert.equal(hub.stats().competitions, 1);
  await clients[2][Symbol.asyncDispose]();
  await waitFor(() => hub.stats().competitions === 0);
  assert.deepEqual(hub.stats(), { competitions: 0, clients: 0, drops: 0 });
});

Deno.test("live - an unknown competition answers 404 JSON", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv);
  await using served = serveApp({ ...t.deps, live: hub });
  const res = await fetch(`${served.url}/api/competitions/nope/events`);
  assert.equal(res.status, 404);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.equal((await res.json()).error, "There is no competition with that id.");
  assert.equal(hub.stats().competitions, 0);
});

Deno.test("live - a store owner's own stream carries its panels on each change of its store, to it alone", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv);
  await using served = serveApp({ ...t.deps, live: hub });
  const { competition, participants: [mine, other] } = await liveCompetition(t.kv, 2);
  const stream = async (path: string, userId?: string) => {
    const headers = userId ? { "x-whop-user-token": await t.signer.sign(userId) } : undefined;
    return await fetch(`${served.url}/api/competitions/${competition.id}/${path}`, { headers });
  };
  const refused = [await stream("my-events"), await stream("my-events", "stranger")];
  assert.deepEqual(refused.map((res) => res.status), [401, 404]);
  await Promise.all(refused.map((res) => res.body?.cancel()));

  await using own = new SseReader(await stream("my-events", mine.userId));
  await using public_ = new SseReader(await stream("events"));
  const kinds = async (sse: SseReader, count: number) => {
    const events = [];
    for (let i = 0; i < count; i++) events.push(await sse.nextEvent(1000));
    return events;
  };
  const snapshot = await kinds(own, 3);
  assert.deepEqual(snapshot.map((e) => e.event), ["leaderboard", "status", "own"]);
  const first = JSON.parse(snapshot[2].data!);
  assert.deepEqual([first.participantId, first.orders, first.figures.orders], [mine.id, [], 0]);
  await kinds(public_, 2);

  // A test order adds nothing to the board (which then sends nothing), but its owner sees it listed.
  const started = performance.now();
  await recordOrder(t.kv, mine.id, { ...orderOf("1001", 4000), name: "#1001", test: true }, DURING_MS);
  const [panels] = await kinds(own, 1);
  assert.equal(panels.event, "own");
  assert.ok(performance.now() - started < 1000);
  assert.deepEqual(
    JSON.parse(panels.data!).orders.map((o: { name: string; reason: string }) => [o.name, o.reason]),
    [["#1001", "test"]],
  );
  // Another store's order moves the board only: no panels are sent for a store that did not change.
  await recordOrder(t.kv, other.id, orderOf("2001", 1500), DURING_MS);
  assert.equal((await own.nextEvent(1000)).event, "leaderboard");
  await recordOrder(t.kv, mine.id, orderOf("1002", 2500), DURING_MS);
  const next = await kinds(own, 2);
  assert.deepEqual(next.map((e) => e.event), ["leaderboard", "own"], "nothing for the other store's change");
  assert.equal(JSON.parse(next[1].data!).figures.revenue, "25.00");
  // The shared stream never carries anyone's panels.
  for (;;) {
    const event = await public_.next(300).catch(() => undefined);
    if (!event) break;
    assert.notEqual(event.event, "own");
  }
});
