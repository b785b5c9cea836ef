/**
 * Load tests of the live event stream on loopback: many readers of one
 * competition, and clients that stop reading while updates keep coming.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { DURING_MS, liveCompetition, orderOf, serveApp, SseReader, testHub } from "../testing/live.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";

const MB = 1024 * 1024;

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function memory() {
  const { rss, heapUsed } = Deno.memoryUsage();
  return { rssMb: Math.round(rss / MB), heapMb: Math.round(heapUsed / MB) };
}

Deno.test("live - 500 concurrent clients of one competition all receive an update", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv);
  await using served = serveApp({ ...t.deps, live: hub });
  const { competition, participants: [store] } = await liveCompetition(t.kv, 10);
  const url = `${served.url}/api/competitions/${competition.id}/events`;

  const clients = await Promise.all(Array.from({ length: 500 }, async () => {
    const sse = new SseReader(await fetch(url));
    assert.equal((await sse.nextEvent(10_000)).event, "leaderboard");
    assert.equal((await sse.nextEvent(10_000)).event, "status");
    return sse;
  }));
  try {
    assert.deepEqual(hub.stats(), { competitions: 1, clients: 500, drops: 0 });
    const started = performance.now();
    await recordOrder(t.kv, store.id, orderOf("1", 123_45), DURING_MS);
    const latencies = await Promise.all(clients.map(async (sse) => {
      const update = await sse.nextEvent(5000);
      assert.equal(JSON.parse(update.data!).entries[0].revenue, "123.45");
      return performance.now() - started;
    }));
    const last = Math.max(...latencies);
    console.log(`500 clients: the last received the update after ${last.toFixed(0)} ms`);
    assert.ok(last < 3000, `delivery to 500 clients took ${last} ms`);
  } finally {
    await Promise.all(clients.map((sse) => sse[Symbol.asyncDispose]()));
  }
  await waitFor(() => hub.stats().competitions === 0);
});

Deno.test("live - clients that stop reading are dropped and memory stays bounded", async () => {
  await using t = await createTestApp();
  await using hub = testHub(t.kv, { coalesceMs: 40, pollMs: 100, slowClientMs: 1000 });
  await using served = serveApp({ ...t.deps, live: hub });
  const { competition, participants } = await liveCompetition(t.kv, 100, 1000);
  const path = `/api/competitions/${competition.id}/events`;
  await using reader = new SseReader(await fetch(served.url + path));
  const payloadBytes = (await reader.nextEvent()).data!.length;
  let readerUpdates = 0;
  const reading = (async () => {
    for (;;) if ((await reader.nextEvent(5000)).event === "leaderboard") readerUpdates++;
  })().catch(() => {});

  const before = memory();
  const stalled = 50;
  const sockets = await Promise.all(Array.from({ length: stalled }, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: served.server.addr.port });
    await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`));
    return conn;
  }));
  try {
    let peak = before;
    let updates = 0;
    const deadline = performance.now() + 20_000;
    while (hub.stats().drops < stalled) {
      assert.ok(performance.now() < deadline, `only ${hub.stats().drops} of ${stalled} dropped`);
      const store = participants[updates % participants.length];
      await recordOrder(t.kv, store.id, orderOf(`${updates}`, 100 + updates), DURING_MS);
      updates++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      const now = memory();
      if (now.rssMb > peak.rssMb) peak = now;
    }
    const after = memory();
    const pushedMb = Math.round(updates * payloadBytes * stalled / MB);
    console.log(
      `${stalled} stalled clients, ${updates} updates of ${Math.round(payloadBytes / 1024)} KiB ` +
        `(${pushedMb} MB if nothing were dropped): rss ${before.rssMb} → peak ${peak.rssMb} → ${after.rssMb} MB, ` +
        `heap ${before.heapMb} → ${after.heapMb} MB`,
    );
    assert.deepEqual(hub.stats(), { competitions: 1, clients: 1, drops: stalled });
    assert.ok(readerUpdates > 0, "the reading client is still served");
    assert.ok(peak.rssMb - before.rssMb < 150, `rss grew by ${peak.rssMb - before.rssMb} MB`);
    assert.ok(after.heapMb - before.heapMb < 50, `heap grew by ${after.heapMb - before.heapMb} MB`);
  } finally {
    for (const conn of sockets) conn.close();
    await reader[Symbol.asyncDispose]();
    await reading;
  }
});
