import assert from "node:assert/strict";
import { SocketClient } from "./socket_client.ts";
import { eventFrame } from "./sse.ts";

/** A connected pair of real loopback sockets: the server's end and the peer's. */
async function socketPair(): Promise<{ server: Deno.Conn; peer: Deno.Conn; [Symbol.dispose](): void }> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [server, peer] = await Promise.all([
    listener.accept(),
    Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
  ]);
  return {
    server,
    peer,
    [Symbol.dispose]() {
      for (const conn of [server, peer]) {
        try {
          conn.close();
        } catch {
          // already closed
        }
      }
    },
  };
}

/**
 * Reads from `conn` until `length` bytes arrived, pausing between reads like a
 * slow reader; fails if they have not all arrived within 10 s.
 */
async function readExactly(conn: Deno.Conn, length: number, pauseMs: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  const deadline = Date.now() + 10_000;
  for (let offset = 0; offset < length;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), deadline - Date.now()));
    const n = await Promise.race([conn.read(bytes.subarray(offset)), late]).finally(() => clearTimeout(timer));
    assert.ok(n !== "late", `only ${offset} of ${length} bytes arrived within 10 s`);
    assert.ok(n !== null, `the stream ended after ${offset} of ${length} bytes`);
    offset += n;
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return bytes;
}

Deno.test("socket client - a frame larger than the socket takes arrives whole; while it is written the newest frame of each kind waits", async () => {
  using pair = await socketPair();
  const preamble = new TextEncoder().encode("retry: 3000\n\n");
  let gone = 0;
  const client = new SocketClient(pair.server, preamble, () => performance.now(), () => gone++);
  assert.deepEqual(await readExactly(pair.peer, preamble.byteLength, 0), preamble);
  // 8 MiB: more than the kernel's buffers on both ends take at once, so the first write is partial.
  const large = eventFrame("leaderboard", "1", "x".repeat(8 * 2 ** 20));
  const replaced = eventFrame("leaderboard", "2", '{"board":2}');
  const newest = eventFrame("leaderboard", "3", '{"board":3}');
  const status = eventFrame("status", "3", '{"status":"ENDED"}');
  client.send(large);
  client.send(replaced);
  client.send(status);
  client.send(newest);
  assert.ok(client.stalledSince !== undefined, "frames held behind a pending write count as stalled");

  // Held kinds go out oldest first; a kind held again (the leaderboard) goes behind the others.
  const expected = [large.bytes, status.bytes, newest.bytes];
  const length = expected.reduce((sum, bytes) => sum + bytes.byteLength, 0);
  const received = await readExactly(pair.peer, length, 1);
  let offset = 0;
  for (const bytes of expected) {
    assert.deepEqual(received.subarray(offset, offset + bytes.byteLength), bytes);
    offset += bytes.byteLength;
  }
  // Nothing else follows: the replaced leaderboard was never sent.
  const more = await Promise.race([
    pair.peer.read(new Uint8Array(16)),
    new Promise((resolve) => setTimeout(() => resolve("nothing"), 200)),
  ]);
  assert.equal(more, "nothing");
  assert.equal(client.stalledSince, undefined, "caught up");
  assert.ok(client.open);
  assert.equal(gone, 0);
});

Deno.test("socket client - the peer going away is noticed once, and later frames are not written", async () => {
  using pair = await socketPair();
  let gone = 0;
  const client = new SocketClient(pair.server, new Uint8Array([10]), () => performance.now(), () => gone++);
  await readExactly(pair.peer, 1, 0);
  pair.peer.close();
  for (let i = 0; i < 100 && client.open; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(client.open, false);
  client.send(eventFrame("status", "1", "{}"));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(gone, 1);
});
