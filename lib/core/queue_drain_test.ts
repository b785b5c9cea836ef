import assert from "node:assert/strict";
import { enqueue, QueueWorker } from "./queue.ts";

declare module "./queue.ts" {
  interface QueueMessages {
    drain_test: { n: number };
  }
}

Deno.test("queue - stop waits for the messages being handled, then takes no more", async () => {
  await using kv = await Deno.openKv(":memory:");
  const finished: number[] = [];
  let started!: () => void;
  const first = new Promise<void>((resolve) => started = resolve);
  const worker = new QueueWorker(kv).on("drain_test", async (message) => {
    started();
    await new Promise((resolve) => setTimeout(resolve, 300));
    finished.push(message.n);
  });
  const listening = worker.listen();
  await enqueue(kv, { type: "drain_test", n: 1 });
  await first;
  assert.equal(await worker.stop(5_000), "drained");
  assert.deepEqual(finished, [1], "the message in flight finished before stop resolved");

  await enqueue(kv, { type: "drain_test", n: 2 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(finished, [1], "a message delivered while stopping is left for a later delivery");
  kv.close();
  await listening;
});

Deno.test("queue - stop gives up on a handler that outlives the deadline", async () => {
  await using kv = await Deno.openKv(":memory:");
  let started!: () => void;
  const first = new Promise<void>((resolve) => started = resolve);
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const worker = new QueueWorker(kv).on("drain_test", async () => {
    started();
    await held;
  });
  const listening = worker.listen();
  await enqueue(kv, { type: "drain_test", n: 1 });
  await first;
  assert.equal(await worker.stop(100), "timed_out");
  release();
  kv.close();
  await listening;
});
