import assert from "node:assert/strict";
import { keys } from "../core/db.ts";
import { listNotifications } from "../competitions/notifications.ts";
import { QueueWorker } from "../core/queue.ts";
import { createWhopLifecycle, registerWhopJobs } from "./mod.ts";
import { getPayout, payoutIdempotenceKey, payoutKey, processPayout, requestPayout, retryPayout } from "./payouts.ts";
import { transferNotes } from "./transfers.ts";
import { grossUp } from "./fees.ts";
import {
  CREATOR,
  dyingAfterCall,
  startWhopTestBed,
  testCompetition,
  testWinner,
  waitFor,
  WINNER,
} from "../../testing/whop.ts";

Deno.test("payout - the record is created once with the derived idempotence key", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  const [a, b] = await Promise.all([
    requestPayout(bed.deps, competition, testWinner),
    requestPayout(bed.deps, competition, testWinner),
  ]);
  assert.deepEqual(a, b);
  const payout = await getPayout(bed.kv, competition.id);
  assert.ok(payout);
  assert.equal(payout.state, "pending");
  assert.equal(payout.attempts, 0);
  assert.equal(payout.idempotenceKey, "payout_cmp_test01");
  assert.equal(payout.amount, 30000);
  assert.equal(payout.currency, "USD");
  assert.equal(payout.destinationUserId, WINNER);
});

Deno.test("payout - two concurrent runs make exactly one transfer", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  await requestPayout(bed.deps, competition, testWinner);
  const outcomes = await Promise.all([
    processPayout(bed.deps, competition.id),
    processPayout(bed.deps, competition.id),
  ]);
  assert.ok(outcomes.includes("sent"), outcomes.join());
  assert.equal(bed.sandbox.transfers.length, 1);
  assert.equal(bed.sandbox.transferAttempts.length, 1, "the loser never called Whop");
  const transfer = bed.sandbox.transfers[0];
  assert.equal(transfer.amount, 300);
  assert.equal(transfer.currency, "usd");
  assert.equal(transfer.originId, bed.deps.config.whop.companyId);
  assert.equal(transfer.destinationId, WINNER);
  assert.equal(transfer.idempotenceKey, "payout_cmp_test01");
  assert.deepEqual(transfer.metadata, { competitionId: competition.id });
  const payout = await getPayout(bed.kv, competition.id);
  assert.equal(payout?.state, "sent");
  assert.equal(payout?.transferId, transfer.id);
  assert.equal(payout?.attempts, 1);
  assert.equal(bed.sandbox.balance(WINNER, "usd"), 300);

  assert.equal(await processPayout(bed.deps, competition.id), "already_sent");
  assert.equal(bed.sandbox.transferAttempts.length, 1, "a sent payout is never called again");
});

Deno.test("payout - a run killed after the transfer, before recording it, resumes to one transfer", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  await requestPayout(bed.deps, competition, testWinner);
  // This run makes the transfer, then its process "dies": the result is never recorded.
  void processPayout({ ...bed.deps, whop: dyingAfterCall(bed.client(), "transfers.create") }, competition.id);
  await waitFor(() => bed.sandbox.transfers.length === 1);
  const stuck = await getPayout(bed.kv, competition.id);
  assert.equal(stuck?.state, "sending");
  assert.equal(stuck?.attempts, 1);

  // While its lease lasts, another run leaves it alone.
  assert.equal(await processPayout(bed.deps, competition.id), "busy");
  bed.clock.ms += 6 * 60_000;
  assert.equal(await processPayout(bed.deps, competition.id), "sent");
  assert.equal(bed.sandbox.transfers.length, 1);
  assert.deepEqual(bed.sandbox.transferAttempts.map((a) => a.outcome), ["created", "replayed"]);
  const payout = await getPayout(bed.kv, competition.id);
  assert.equal(payout?.state, "sent");
  assert.equal(payout?.transferId, bed.sandbox.transfers[0].id);
  assert.equal(bed.sandbox.balance(WINNER, "usd"), 300);
});

Deno.test("payout - a response lost mid-body is recorded as failed and the later retry finds the one transfer", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  await requestPayout(bed.deps, competition, testWinner);
  bed.sandbox.faults.failTransferResponse(1, "drop");
  assert.equal(await processPayout(bed.deps, competition.id), "retry_scheduled");
  const failed = await getPayout(bed.kv, competition.id);
  assert.equal(failed?.state, "failed");
  assert.ok(failed?.lastError);
  assert.ok(failed?.nextAttemptAt);
  assert.equal(bed.sandbox.transfers.length, 1, "the money moved although the answer was lost");

  assert.equal(await processPayout(bed.deps, competition.id), "not_due", "the backoff is respected");
  bed.clock.ms += 2 * 60_000;
  assert.equal(await processPayout(bed.deps, competition.id), "sent");
  assert.equal(bed.sandbox.transfers.length, 1);
  assert.equal((await getPayout(bed.kv, competition.id))?.transferId, bed.sandbox.transfers[0].id);
});

Deno.test("payout - a 5xx failure is retried later and succeeds with one transfer", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  await requestPayout(bed.deps, competition, testWinner);
  bed.sandbox.faults.failNext("transfers.create", 1, 503);
  assert.equal(await processPayout(bed.deps, competition.id), "retry_scheduled");
  assert.equal(bed.sandbox.transfers.length, 0);
  assert.match((await getPayout(bed.kv, competition.id))?.lastError ?? "", /503/);
  bed.clock.ms += 2 * 60_000;
  assert.equal(await processPayout(bed.deps, competition.id), "sent");
  assert.equal(bed.sandbox.transfers.length, 1);
  assert.deepEqual(bed.sandbox.transferAttempts.map((a) => a.outcome), ["injected_failure", "created"]);
  assert.equal((await getPayout(bed.kv, competition.id))?.attempts, 2);
});

Deno.test("payout - the SDK's own retry of an applied-but-failed transfer makes no second transfer", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  await requestPayout(bed.deps, competition, testWinner);
  bed.sandbox.faults.failTransferResponse(1, "error");
  assert.equal(await processPayout({ ...bed.deps, whop: bed.client({ maxRetries: 2 }) }, competition.id), "sent");
  assert.equal(bed.sandbox.transfers.length, 1);
  assert.deepEqual(bed.sandbox.transferAttempts.map((a) => a.outcome), ["created", "replayed"]);
  assert.equal(bed.sandbox.transferAttempts[1].idempotencyKeyHeader, "payout_cmp_test01");
});

Deno.test("payout - a refusal that retries cannot fix gives up until an operator resumes it", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  await requestPayout(bed.deps, competition, testWinner);
  bed.sandbox.faults.failNext("transfers.create", 1, 422);
  assert.equal(await processPayout(bed.deps, competition.id), "gave_up");
  const stuck = await getPayout(bed.kv, competition.id);
  assert.equal(stuck?.state, "failed");
  assert.equal(stuck?.gaveUp, true);
  assert.match(stuck?.lastError ?? "", /422/);
  assert.equal(await processPayout(bed.deps, competition.id), "gave_up");

  assert.equal(await retryPayout(bed.deps, competition.id), true);
  assert.equal(await processPayout(bed.deps, competition.id), "sent");
  assert.equal(bed.sandbox.transfers.length, 1);
});

Deno.test("payout - notifications are recorded and sent through the competition's Whop community once", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  await bed.kv.set(keys.competition(competition.id), { ...competition, experienceId: "exp_Community01" });
  const { sendNotification } = createWhopLifecycle(bed.deps);
  assert.ok(sendNotification);
  const deps = { ...bed.deps, sendNotification };
  await requestPayout(deps, competition, testWinner);
  await Promise.all([processPayout(deps, competition.id), processPayout(deps, competition.id)]);
  await processPayout(deps, competition.id);
  await processPayout(deps, competition.id);
  assert.equal(bed.sandbox.notifications.length, 2);
  assert.deepEqual(bed.sandbox.notifications.map((n) => n.deliveredTo), [[CREATOR], [WINNER]]);
  assert.deepEqual(bed.sandbox.notifications.map((n) => [n.experienceId, n.companyId]), [
    ["exp_Community01", null],
    ["exp_Community01", null],
  ]);
  assert.equal(bed.sandbox.notifications[0].body.rest_path, `/competitions/${competition.id}`);
  const creator = await listNotifications(bed.kv, CREATOR);
  assert.equal(creator.notifications.length, 1);
  assert.equal(creator.notifications[0].kind, "payout_sent");
  assert.equal((await listNotifications(bed.kv, WINNER)).notifications.length, 1);
});

Deno.test("payout - a competition outside any Whop community notifies in the app only", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  await bed.kv.set(keys.competition(competition.id), competition);
  const deps = { ...bed.deps, sendNotification: createWhopLifecycle(bed.deps).sendNotification };
  await requestPayout(deps, competition, testWinner);
  assert.equal(await processPayout(deps, competition.id), "sent");
  assert.equal(bed.sandbox.notifications.length, 0, "Whop is not called: company notifications reach only its team");
  assert.equal((await listNotifications(bed.kv, CREATOR)).notifications.length, 1);
  assert.equal((await listNotifications(bed.kv, WINNER)).notifications.length, 1);
});

Deno.test("payout - a failing Whop notification is logged and the in-app record stays", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const competition = testCompetition();
  await bed.kv.set(keys.competition(competition.id), { ...competition, experienceId: "exp_Community01" });
  const deps = { ...bed.deps, sendNotification: createWhopLifecycle(bed.deps).sendNotification };
  bed.sandbox.faults.failNext("notifications.create", 5, 500);
  await requestPayout(deps, competition, testWinner);
  assert.equal(await processPayout(deps, competition.id), "sent");
  assert.equal(bed.sandbox.notifications.length, 0);
  assert.equal((await listNotifications(bed.kv, CREATOR)).notifications.length, 1);
});

Deno.test("payout - through the queue worker: a 5xx is retried with backoff and paid once", async () => {
  await using bed = await startWhopTestBed({
    companyUsd: 1000,
    realClock: true,
    retry: { baseMs: 20, maxMs: 100, maxAttempts: 5, leaseMs: 60_000 },
  });
  await bed.kv.set(keys.competition("cmp_test01"), { ...testCompetition(), experienceId: "exp_Community01" });
  const worker = new QueueWorker(bed.kv);
  registerWhopJobs(worker, bed.deps);
  const listening = worker.listen();
  assert.throws(() => new QueueWorker(bed.kv).listen(), /already has a queue listener/);
  bed.sandbox.faults.failNext("transfers.create", 1, 502);
  const lifecycle = createWhopLifecycle(bed.deps);
  await lifecycle.requestPayout(testCompetition(), testWinner);
  await lifecycle.requestPayout(testCompetition(), testWinner);
  await waitFor(async () => (await getPayout(bed.kv, "cmp_test01"))?.state === "sent");
  assert.equal(bed.sandbox.transfers.length, 1);
  assert.deepEqual(bed.sandbox.transferAttempts.map((a) => a.outcome), ["injected_failure", "created"]);
  await waitFor(() => bed.sandbox.notifications.length === 2);
  assert.ok((await bed.kv.get(keys.payout("cmp_test01"))).versionstamp);
  bed.kv.close();
  await listening;
});

/** The creator pays a checkout of `amount` dollars: the company gets it less Whop's fee, pending for the hold. */
async function payCompany(bed: Awaited<ReturnType<typeof startWhopTestBed>>, amount: number) {
  const checkout = await bed.deps.whop.checkoutConfigurations.create({
    plan: { initial_price: amount, currency: "usd", plan_type: "one_time", account_id: bed.sandbox.company.id },
  });
  return await bed.sandbox.pay(checkout.id, { userId: CREATOR });
}

Deno.test("payout - a winner settled during the hold gets exactly one transfer once the funds clear", async () => {
  await using bed = await startWhopTestBed({ holdMs: 30_000 });
  const competition = testCompetition();
  const { price } = grossUp(competition.prize, "USD", bed.deps.config.whop);
  await payCompany(bed, price / 100);
  const companyId = bed.deps.config.whop.companyId!;
  assert.equal(bed.sandbox.pendingBalance(companyId, "usd"), 300, "the prize, pending");

  await requestPayout(bed.deps, competition, testWinner);
  assert.equal(await processPayout(bed.deps, competition.id), "waiting");
  const waiting = await getPayout(bed.kv, competition.id);
  assert.equal(waiting?.state, "pending");
  assert.equal(waiting?.waitingSince, new Date(bed.clock.ms).toISOString());
  assert.match(waiting?.lastError ?? "", /Waiting for funds to clear: \$0\.00 available, \$300\.00 pending/);
  const delay = Date.parse(waiting!.nextAttemptAt!) - bed.clock.ms;
  assert.ok(delay >= 48_000 && delay <= 72_000, `first wait ${delay} ms: the retry base ± 20 %`);
  assert.equal(bed.sandbox.transferAttempts.length, 0, "no transfer is tried against pending funds");
  assert.equal(await processPayout(bed.deps, competition.id), "not_due");

  bed.clock.ms += delay;
  assert.equal(await processPayout(bed.deps, competition.id), "sent");
  assert.equal(await processPayout(bed.deps, competition.id), "already_sent");
  assert.equal(bed.sandbox.transfers.length, 1);
  assert.equal(bed.sandbox.transferAttempts.length, 1);
  assert.equal(bed.sandbox.balance(WINNER, "usd"), 300);
  const sent = await getPayout(bed.kv, competition.id);
  assert.equal(sent?.waitingSince, undefined);
  assert.equal(sent?.attempts, 2);
});

Deno.test("payout - Whop refusing for insufficient funds makes the payout wait, not fail", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 300 });
  const competition = testCompetition();
  const companyId = bed.deps.config.whop.companyId!;
  await requestPayout(bed.deps, competition, testWinner);
  // A first call fails without an answer that says what happened; after it only Whop's answer counts.
  bed.sandbox.faults.failNext("transfers.create", 1, 503);
  assert.equal(await processPayout(bed.deps, competition.id), "retry_scheduled");
  bed.sandbox.setBalance(companyId, "usd", 100);
  bed.clock.ms += 2 * 60_000;
  assert.equal(await processPayout(bed.deps, competition.id), "waiting");
  assert.equal(bed.sandbox.transferAttempts.at(-1)?.outcome, "rejected", "Whop refused the transfer");
  const waiting = await getPayout(bed.kv, competition.id);
  assert.equal(waiting?.state, "pending");
  assert.equal(waiting?.gaveUp, undefined);
  assert.match(waiting?.lastError ?? "", /Whop refused the transfer for insufficient funds/);

  bed.sandbox.setBalance(companyId, "usd", 300);
  bed.clock.ms += 2 * 60_000;
  assert.equal(await processPayout(bed.deps, competition.id), "sent");
  assert.equal(bed.sandbox.transfers.length, 1);
});

Deno.test("payout - waiting 14 days for funds is flagged once; the backoff stops at PAYOUT_RETRY_MAX_S; still one transfer", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 0 });
  const competition = testCompetition();
  await requestPayout(bed.deps, competition, testWinner);
  const started = bed.clock.ms;
  const errors: string[] = [];
  const consoleError = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    let longest = 0;
    while (bed.clock.ms - started < 15 * 24 * 3_600_000) {
      assert.equal(await processPayout(bed.deps, competition.id), "waiting");
      const payout = (await getPayout(bed.kv, competition.id))!;
      const delay = Date.parse(payout.nextAttemptAt!) - bed.clock.ms;
      longest = Math.max(longest, delay);
      const flagged = bed.clock.ms - started >= 14 * 24 * 3_600_000;
      assert.equal(payout.flaggedAt !== undefined, flagged, `flagged exactly from day 14 (${payout.flaggedAt})`);
      bed.clock.ms += delay;
    }
    assert.equal(longest, bed.deps.config.payoutRetryMaxS * 1000, "doubling up to PAYOUT_RETRY_MAX_S");
  } finally {
    console.error = consoleError;
  }
  const flags = errors.filter((line) => /payout still waiting; needs an operator/.test(line));
  assert.equal(flags.length, 1, "one error line for the operators");
  assert.equal(JSON.parse(flags[0]).level, "error");

  bed.sandbox.setBalance(bed.deps.config.whop.companyId!, "usd", 300);
  assert.equal(await processPayout(bed.deps, competition.id), "sent");
  assert.equal(bed.sandbox.transfers.length, 1);
  assert.equal(bed.sandbox.transfers[0].idempotenceKey, "payout_cmp_test01");
});

Deno.test("payout - the transfer notes stay within Whop's 50 characters, even for a 100-character title", async () => {
  await using bed = await startWhopTestBed({ companyUsd: 1000 });
  const title = "The Grand Northern Hemisphere Winter Holiday Season Cup for Independent Candle Makers, 2026 editions";
  assert.equal(title.length, 100);
  const competition = testCompetition({ title });
  await requestPayout(bed.deps, competition, testWinner);
  assert.equal(await processPayout(bed.deps, competition.id), "sent");
  const notes = bed.sandbox.transfers[0].notes!;
  assert.ok(notes.length <= 50, `${notes.length}: ${notes}`);
  assert.match(notes, /^Prize: The Grand Northern .*…$/);
  assert.equal(transferNotes("Holiday Cup"), "Prize: Holiday Cup");
  for (let pad = 38; pad <= 46; pad++) {
    const cut = transferNotes("x".repeat(pad) + "🕯🕯🕯");
    assert.ok(cut.length <= 50 && cut.isWellFormed(), `never more than 50, never half a character: ${cut}`);
  }
});

Deno.test("payout - a division's place has its own record and key; without divisions the keys stay as they were", () => {
  assert.equal(payoutIdempotenceKey("c1"), "payout_c1");
  assert.equal(payoutIdempotenceKey("c1", 2), "payout_c1_2");
  assert.equal(payoutIdempotenceKey("c1", "creator"), "payout_c1_creator");
  assert.equal(payoutIdempotenceKey("c1", 1, 2), "payout_c1_d2_1");
  assert.equal(payoutIdempotenceKey("c1", 3, 1), "payout_c1_d1_3");
  assert.deepEqual(payoutKey("c1"), ["payouts", "c1"]);
  assert.deepEqual(payoutKey("c1", 2), ["payouts", "c1", 2]);
  assert.deepEqual(payoutKey("c1", 1, 2), ["payouts", "c1", "division", 2, 1]);
  assert.deepEqual(payoutKey("c1", "creator", 2), ["payouts", "c1", "creator"], "the creator's return is one");
});
