import assert from "node:assert/strict";
import { QueueWorker } from "../core/queue.ts";
import { activeCompetition } from "../../testing/fixtures.ts";
import { getCompetition } from "./competitions.ts";
import { type LifecycleServices, registerSettlementJobs, settleCompetition } from "./settlement.ts";
import { recordOrder } from "./revenue.ts";

Deno.test("settlement - a competition settles the moment its window closes, without waiting for the status job", async () => {
  using kv = await Deno.openKv(":memory:");
  const start = Date.now() - 3_600_000;
  const { competition, participants } = await activeCompetition(kv, { start, durationMs: 3_600_000, stores: 1 });
  const at = new Date(start + 60_000).toISOString();
  await recordOrder(kv, participants[0].id, {
    orderId: "1",
    createdAt: at,
    updatedAt: at,
    amount: 1_000,
    currency: "USD",
    test: false,
    cancelled: false,
  }, Date.now());
  const paid: string[] = [];
  const services: LifecycleServices = {
    kv,
    now: Date.now,
    settlementDelayMs: 1_000,
    syncParticipant: async () => {},
    requestPayout: (_, winner) => {
      paid.push(winner.userId);
      return Promise.resolve();
    },
    refundPrize: async () => {},
    returnUnearned: async () => {},
  };
  const worker = new QueueWorker(kv);
  registerSettlementJobs(worker, services);
  const listening = worker.listen();
  assert.equal(await settleCompetition(services, competition.id), "settling");
  const settling = await getCompetition(kv, competition.id);
  assert.equal(settling.status, "SETTLING");
  const deadline = Date.now() + 10_000;
  while ((await getCompetition(kv, competition.id)).status !== "COMPLETED" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const done = await getCompetition(kv, competition.id);
  assert.equal(done.status, "COMPLETED", "settled by the queued message once the window closed");
  assert.ok(Date.parse(done.completedAt!) >= Date.parse(settling.settlesAt!), "not before the window closed");
  assert.deepEqual(paid, [participants[0].userId]);
  kv.close();
  await listening.catch(() => {});
});
