import assert from "node:assert/strict";
import { enqueue, type QueueMessage, QueueWorker } from "./queue.ts";

Deno.test("queue - one handler per type; messages are dispatched by type; unknown types are dropped", async () => {
  using kv = await Deno.openKv(":memory:");
  const seen: QueueMessage[] = [];
  const worker = new QueueWorker(kv)
    .on("payout", (message) => Promise.resolve(void seen.push(message)))
    .on("payment_refund", (message) => Promise.resolve(void seen.push(message)));
  assert.throws(() => worker.on("payout", () => Promise.resolve()), /already has a handler/);
  assert.deepEqual(worker.types, ["payout", "payment_refund"]);
  await worker.handle({ type: "payout", competitionId: "c1" });
  await worker.handle({ type: "nobody_handles_this" });
  await worker.handle("not even an object");
  await worker.handle({ type: "payment_refund", paymentId: "p1" });
  assert.deepEqual(seen, [{ type: "payout", competitionId: "c1" }, { type: "payment_refund", paymentId: "p1" }]);
});

Deno.test("queue - a failing handler's error is rethrown so Deno KV redelivers", async () => {
  using kv = await Deno.openKv(":memory:");
  const worker = new QueueWorker(kv).on("payout", () => Promise.reject(new Error("boom")));
  await assert.rejects(worker.handle({ type: "payout", competitionId: "c1" }), /boom/);
});

Deno.test("queue - enqueued messages (also delayed) reach the one listener of the KV handle", async () => {
  const kv = await Deno.openKv(":memory:");
  const seen: string[] = [];
  const worker = new QueueWorker(kv).on("prize_refund", (message) => {
    seen.push(message.competitionId);
    return Promise.resolve();
  });
  const listening = worker.listen();
  assert.throws(() => worker.listen(), /already has a queue listener/);
  await enqueue(kv, { type: "prize_refund", competitionId: "later" }, { delay: 50 });
  await enqueue(kv, { type: "prize_refund", competitionId: "now" });
  const deadline = Date.now() + 5000;
  while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(seen, ["now", "later"]);
  kv.close();
  await listening;
});
