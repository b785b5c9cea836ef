/**
 * The competition lifecycle end to end with an injected clock, against the
 * simulated Whop and Shopify: DRAFT → UPCOMING → ACTIVE → COMPLETED with one
 * transfer, and the unfunded and empty cases.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { addSalesHistory, joinStore, settledSync, waitFor } from "../testing/shopify.ts";
import type { LifecycleServices } from "../lib/competitions/settlement.ts";
import { keys } from "../lib/core/db.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import { listNotifications } from "../lib/competitions/notifications.ts";
import { runStatusJob } from "./status_job.ts";
import { runSyncJob } from "./sync_job.ts";
import { listParticipants } from "../lib/competitions/participants.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const CARA = "user_OwnerCaraT8w3n";
const DEV = "user_OwnerDevS2j6v";
const HOUR = 3600_000;

/** The lifecycle services the app was assembled with (its worker already handles payouts and refunds). */
function lifecycleOf(t: TestApp): LifecycleServices {
  return t.deps.lifecycle!;
}

async function createDraft(t: TestApp, prize = "250.00"): Promise<Competition> {
  const start = t.clock.now() + HOUR;
  const res = await t.request("/api/competitions", {
    method: "POST",
    userId: CREATOR,
    json: {
      title: "Winter Cup",
      prize,
      currency: "USD",
      startDate: new Date(start).toISOString(),
      endDate: new Date(start + 2 * HOUR).toISOString(),
    },
  });
  assert.equal(res.status, 201);
  return (await res.json()).competition;
}

async function fund(t: TestApp, id: string): Promise<void> {
  const res = await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR });
  const { checkoutUrl } = await res.json();
  await t.whop!.pay(new URL(checkoutUrl).pathname.split("/").pop()!, { userId: CREATOR });
}

async function load(t: TestApp, id: string): Promise<Competition> {
  return (await t.kv.get<Competition>(keys.competition(id))).value!;
}

Deno.test("lifecycle - a funded competition walks DRAFT → UPCOMING → ACTIVE → COMPLETED with one transfer", async () => {
  await using t = await createTestApp({}, { shopify: true, whop: true });
  const lifecycle = lifecycleOf(t);
  const draft = await createDraft(t);
  assert.equal(draft.status, "DRAFT");
  await fund(t, draft.id);
  assert.equal((await load(t, draft.id)).status, "UPCOMING");

  const cara = await joinStore(t, draft.id, CARA, "cara-goods.myshopify.com");
  const dev = await joinStore(t, draft.id, DEV, "dev-supply.myshopify.com");
  assert.equal(cara.callback.status, 303);
  assert.equal(dev.callback.status, 303);
  // Sales before the start: the race's hours are no spikes, whenever the stores' histories are read.
  for (const shop of ["cara-goods.myshopify.com", "dev-supply.myshopify.com"]) {
    addSalesHistory(t.shopify!, shop, Date.parse(draft.startDate));
  }

  t.clock.advance(50 * 60_000); // ten minutes before the start
  await runStatusJob(lifecycle);
  const soon = await listNotifications(t.kv, CARA);
  assert.deepEqual(soon.notifications.map((n) => n.kind), ["starting_soon"]);

  t.clock.advance(10 * 60_000 + 1000);
  const started = await runStatusJob(lifecycle);
  assert.deepEqual(started.started, [draft.id]);
  assert.equal((await load(t, draft.id)).status, "ACTIVE");

  const caraOrder = t.shopify!.createOrder("cara-goods.myshopify.com", { totalPrice: "120.00" });
  t.shopify!.createOrder("dev-supply.myshopify.com", { totalPrice: "80.50" });
  t.shopify!.createOrder("dev-supply.myshopify.com", { totalPrice: "30.00" });
  await t.shopify!.flushWebhooks();
  t.shopify!.refundOrder("cara-goods.myshopify.com", caraOrder.id, "15.00");
  await t.shopify!.flushWebhooks();
  // Dev: 110.50, Cara: 105.00 — Dev leads.

  t.clock.advance(2 * HOUR);
  const settled = await runStatusJob(lifecycle);
  assert.deepEqual(settled.settled, [draft.id]);
  const done = await load(t, draft.id);
  assert.equal(done.status, "COMPLETED");
  assert.equal(done.winner?.userId, DEV);
  assert.equal(done.winner?.revenue, 11050);
  assert.deepEqual(done.settlementNotes, []);

  await waitFor(() => Promise.resolve(t.whop!.transfers.length > 0 || undefined), "the payout transfer");
  assert.equal(t.whop!.transfers.length, 1);
  assert.equal(t.whop!.transfers[0].amountMinor, 25000);
  assert.equal(t.whop!.transfers[0].destinationId, DEV);

  await runStatusJob(lifecycle);
  await runStatusJob(lifecycle);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(t.whop!.transfers.length, 1, "running the job again pays nothing more");
  const devNotes = (await listNotifications(t.kv, DEV)).notifications.map((n) => n.kind);
  assert.deepEqual(devNotes.sort(), ["payout_sent", "started", "starting_soon", "won"]);
  const caraNotes = (await listNotifications(t.kv, CARA)).notifications.map((n) => n.kind);
  assert.deepEqual(caraNotes.sort(), ["lost", "started", "starting_soon"]);
  const creatorNotes = (await listNotifications(t.kv, CREATOR)).notifications.map((n) => n.kind);
  assert.deepEqual(creatorNotes.sort(), ["funded", "payout_sent", "store_joined", "store_joined"]);
});

Deno.test("lifecycle - an unfunded draft is cancelled when its start passes", async () => {
  await using t = await createTestApp({}, { shopify: true, whop: true });
  const lifecycle = lifecycleOf(t);
  const draft = await createDraft(t);
  t.clock.advance(HOUR - 1);
  assert.deepEqual((await runStatusJob(lifecycle)).cancelled, []);
  t.clock.advance(1);
  assert.deepEqual((await runStatusJob(lifecycle)).cancelled, [draft.id]);
  const cancelled = await load(t, draft.id);
  assert.equal(cancelled.status, "CANCELLED");
  assert.equal(cancelled.cancelReason, "unfunded");
  await runStatusJob(lifecycle);
  const notes = await listNotifications(t.kv, CREATOR);
  assert.deepEqual(notes.notifications.map((n) => n.kind), ["cancelled"]);
});

Deno.test("lifecycle - with no sale the prize goes back to the creator and nobody wins", async () => {
  await using t = await createTestApp({}, { shopify: true, whop: true });
  const lifecycle = lifecycleOf(t);
  const draft = await createDraft(t);
  await fund(t, draft.id);
  t.clock.advance(3 * HOUR + 1000); // the job never saw the start: it starts and settles in one run
  const report = await runStatusJob(lifecycle);
  assert.deepEqual(report.settled, [draft.id]);
  const done = await load(t, draft.id);
  assert.equal(done.status, "COMPLETED");
  assert.equal(done.winner, null);
  await waitFor(() => Promise.resolve(t.whop!.refunds.length > 0 || undefined), "the prize refund");
  await runStatusJob(lifecycle);
  assert.equal(t.whop!.refunds.length, 1);
  assert.equal(t.whop!.transfers.length, 0);
});

Deno.test("lifecycle - a store whose final sync keeps failing counts with what was recorded", async () => {
  await using t = await createTestApp({}, { shopify: true, whop: true });
  const lifecycle = lifecycleOf(t);
  const draft = await createDraft(t);
  await fund(t, draft.id);
  await joinStore(t, draft.id, CARA, "cara-goods.myshopify.com");
  t.clock.advance(HOUR + 1000);
  await runStatusJob(lifecycle);
  t.shopify!.createOrder("cara-goods.myshopify.com", { totalPrice: "42.00" });
  await t.shopify!.flushWebhooks();
  const [participant] = await listParticipants(t.kv, draft.id);
  await settledSync(t, participant.id);

  t.shopify!.faults.graphqlServerErrors = 1_000;
  const sync = await runSyncJob(lifecycle);
  assert.equal(sync.failed.length, 1, "the sync job reports the failing store");
  t.clock.advance(2 * HOUR);
  await runStatusJob(lifecycle);
  const done = await load(t, draft.id);
  assert.equal(done.status, "COMPLETED");
  assert.equal(done.winner?.revenue, 4200);
  assert.match(done.settlementNotes?.[0] ?? "", /final sync of .* failed; it counts with the orders recorded before/);
  t.shopify!.faults.graphqlServerErrors = 0;
});
