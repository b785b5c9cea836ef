/**
 * The status job's notifications at the start: "is live" goes to the stores
 * that were waiting for the start, never to stores that joined later, and
 * never once the competition has ended.
 */
import assert from "node:assert/strict";
import { createCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant } from "../lib/competitions/participants.ts";
import { listNotifications } from "../lib/competitions/notifications.ts";
import type { LifecycleServices } from "../lib/competitions/settlement.ts";
import { runStatusJob } from "./status_job.ts";

const HOUR = 3600_000;
const START = Date.parse("2026-12-02T00:00:00Z");

/** A funded competition starting at `START` for `hours`, with one store joined before and one after the start. */
async function fundedWithTwoStores(kv: Deno.Kv, hours: number) {
  const draft = await createCompetition(kv, "creator", {
    title: "Night Sprint",
    prize: "100.00",
    currency: "USD",
    startDate: new Date(START).toISOString(),
    endDate: new Date(START + hours * HOUR).toISOString(),
  }, { now: START - 2 * HOUR, minDurationS: 60 });
  const { competition } = await updateCompetition(
    kv,
    draft.id,
    START - HOUR,
    "status",
    (c) => ({ ...c, status: "UPCOMING" }),
  );
  const store = (userId: string) => ({ userId, shop: `${userId}.myshopify.com`, displayName: userId, currency: "USD" });
  await createParticipant(kv, competition.id, store("early_owner"), START - HOUR);
  await createParticipant(kv, competition.id, store("late_owner"), START + 60_000);
  return competition;
}

/** Lifecycle services whose outside calls do nothing (no store syncs, no money moves in these cases). */
function lifecycle(kv: Deno.Kv, now: number): LifecycleServices {
  return {
    kv,
    now: () => now,
    syncParticipant: async () => {},
    requestPayout: async () => {},
    refundPrize: async () => {},
    returnUnearned: async () => {},
  };
}

const kinds = async (kv: Deno.Kv, userId: string) =>
  (await listNotifications(kv, userId, 20)).notifications.map((n) => n.kind);

Deno.test("status job - 'is live' reaches the stores waiting for the start, not one that joined after it", async () => {
  using kv = await Deno.openKv(":memory:");
  await fundedWithTwoStores(kv, 24);
  const report = await runStatusJob(lifecycle(kv, START + 2 * 60_000));
  assert.equal(report.started.length, 1);
  assert.deepEqual(await kinds(kv, "early_owner"), ["started"]);
  assert.deepEqual(await kinds(kv, "late_owner"), []);
});

Deno.test("status job - a competition started and ended between two runs tells nobody it is live", async () => {
  using kv = await Deno.openKv(":memory:");
  await fundedWithTwoStores(kv, 1);
  await runStatusJob(lifecycle(kv, START + 2 * HOUR));
  assert.ok(!(await kinds(kv, "early_owner")).includes("started"));
  assert.ok(!(await kinds(kv, "late_owner")).includes("started"));
});
