import assert from "node:assert/strict";
import { DURING_MS, liveCompetition, orderOf, SseReader, testHub } from "../../testing/live.ts";
import { recordOrder } from "../competitions/revenue.ts";
import { serveLiveStreams } from "./stream_server.ts";

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("live stream server - raw-socket streams get the snapshot and every change, and leave when the peer goes", async () => {
  using kv = await Deno.openKv(":memory:");
  await using hub = testHub(kv, { coalesceMs: 20 });
  await using server = serveLiveStreams({ kv, hub, hostname: "127.0.0.1", port: 0 });
  const { competition, participants: [store] } = await liveCompetition(kv);
  const url = `http://127.0.0.1:${server.addr.port}/api/competitions/${competition.id}/events`;

  const responses = await Promise.all([fetch(url), fetch(url)]);
  for (const response of responses) {
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    assert.equal(response.headers.get("cache-control"), "no-cache");
  }
  const [a, b] = responses.map((response) => new SseReader(response));
  for (const sse of [a, b]) {
    assert.equal((await sse.next()).retry, 3000);
    assert.equal((await sse.nextEvent()).event, "leaderboard");
    assert.equal((await sse.nextEvent()).event, "status");
  }
  assert.equal(hub.stats().clients, 2);

  await recordOrder(kv, store.id, orderOf("1", 4321), DURING_MS);
  for (const sse of [a, b]) {
    const update = await sse.nextEvent();
    assert.equal(update.event, "leaderboard");
    assert.match(update.data!, /"revenue":"43.21"/);
  }
  await a[Symbol.asyncDispose]();
  await until(() => hub.stats().clients === 1, "the closed stream to leave");
  await b[Symbol.asyncDispose]();
  await until(() => hub.stats().clients === 0, "the last stream to leave");
});

Deno.test("live stream server - unknown competitions, other paths and methods are refused with JSON", async () => {
  using kv = await Deno.openKv(":memory:");
  await using hub = testHub(kv);
  await using server = serveLiveStreams({ kv, hub, hostname: "127.0.0.1", port: 0 });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const cases: [string, RequestInit, number, RegExp][] = [
    ["/api/competitions/nosuchid/events", {}, 404, /no competition with that id/],
    [`/api/competitions/${"x".repeat(5000)}/events`, {}, 404, /no competition with that id/],
    ["/api/competitions/abc/leaderboard", {}, 404, /Not found/],
    ["/api/competitions/abc/events", { method: "POST", body: "{}" }, 405, /GET/],
  ];
  for (const [path, init, status, message] of cases) {
    const response = await fetch(base + path, init);
    assert.equal(response.status, status, path.slice(0, 60));
    assert.match((await response.json()).error, message);
  }
  assert.equal(hub.stats().clients, 0);
});

Deno.test("live stream server - a socket that stops reading is dropped while readers keep up", async () => {
  using kv = await Deno.openKv(":memory:");
  await using hub = testHub(kv, { slowClientMs: 300, coalesceMs: 10, pollMs: 50 });
  await using server = serveLiveStreams({ kv, hub, hostname: "127.0.0.1", port: 0 });
  const { competition, participants: [store] } = await liveCompetition(kv, 40, 2000);
  const path = `/api/competitions/${competition.id}/events`;
  using stalled = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  await stalled.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`));
  await using reader = new SseReader(await fetch(`http://127.0.0.1:${server.addr.port}${path}`));
  await reader.nextEvent();
  await until(() => hub.stats().clients === 2, "both streams to subscribe");

  const reading = (async () => {
    for (;;) if (!(await reader.nextEvent(3000).catch(() => undefined))) return;
  })();
  for (let i = 0; hub.stats().drops === 0; i++) {
    assert.ok(i < 2000, "the stalled socket was never dropped");
    await recordOrder(kv, store.id, orderOf(`${i}`, 100), DURING_MS);
    await new Promise((resolve) => setTimeout(resolve, 12));
  }
  assert.deepEqual(hub.stats(), { competitions: 1, clients: 1, drops: 1 });
  await recordOrder(kv, store.id, orderOf("last", 100), DURING_MS);
  await reader[Symbol.asyncDispose]();
  await reading;
});
