/** The simulated Whop's money rules: fees, holds, the available balance, notes, refund outcomes, notification reach. */
import type Whop from "@whop/sdk";
import { BadRequestError } from "@whop/sdk";
import assert from "node:assert/strict";
import { sdkFor, startTestSandbox, TEST_SETTINGS } from "../../testing/whop_sandbox.ts";
import { DEFAULT_WHOP_FEES } from "./sandbox.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const WINNER = "user_OwnerCaraT8w3n";

/** A sandbox with Whop's default fees and a 30 s hold on a clock the test moves. */
async function realisticSandbox(options: { teamUserIds?: string[] } = {}) {
  const clock = { ms: Date.parse("2026-12-10T12:00:00Z") };
  const sandbox = await startTestSandbox({
    fees: DEFAULT_WHOP_FEES,
    holdMs: 30_000,
    now: () => clock.ms,
    teamUserIds: options.teamUserIds,
  });
  return { sandbox, clock, whop: sdkFor(sandbox) };
}

async function checkout(whop: Whop, amount: number, currency: string) {
  return await whop.checkoutConfigurations.create({
    plan: { initial_price: amount, currency, plan_type: "one_time", account_id: TEST_SETTINGS.companyId },
    metadata: { competitionId: "cmp_rules" },
  });
}

function transfer(amount: number, notes = "Prize") {
  return {
    amount,
    currency: "usd",
    origin_id: TEST_SETTINGS.companyId,
    destination_id: WINNER,
    idempotence_key: `payout_${amount}_${notes.length}`,
    notes,
  };
}

Deno.test("whop sandbox rules - a payment's fee is deducted and its net is pending until the hold ends", async () => {
  const { sandbox, clock, whop } = await realisticSandbox();
  try {
    const paid = await sandbox.pay((await checkout(whop, 100, "usd")).id, { userId: CREATOR });
    const payment = await whop.payments.retrieve(paid.id);
    assert.equal(payment.total, 100);
    assert.equal(payment.amount_after_fees, 97, "100 − 2.7 % − 0.30");

    let ledger = await whop.ledgerAccounts.retrieve(TEST_SETTINGS.companyId);
    assert.deepEqual(ledger.balances.map((b) => [b.currency, b.balance, b.pending_balance]), [["usd", 0, 97]]);
    await assert.rejects(whop.transfers.create(transfer(50)), (error: unknown) => {
      assert.ok(error instanceof BadRequestError);
      assert.match(error.message, /insufficient_funds/);
      return true;
    });
    assert.equal(sandbox.transfers.length, 0, "nothing moves while the funds are pending");

    clock.ms += 30_000;
    ledger = await whop.ledgerAccounts.retrieve(TEST_SETTINGS.companyId);
    assert.deepEqual(ledger.balances.map((b) => [b.currency, b.balance, b.pending_balance]), [["usd", 97, 0]]);
    await whop.transfers.create(transfer(50));
    assert.equal(sandbox.balance(TEST_SETTINGS.companyId, "usd"), 47);
    await assert.rejects(whop.transfers.create(transfer(47.01)), BadRequestError, "beyond the available balance");
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox rules - the dollar fixed fee is taken at the day's rate; each part rounds up to the minor unit", async () => {
  const { sandbox, whop } = await realisticSandbox();
  try {
    const yen = await whop.payments.retrieve(
      (await sandbox.pay((await checkout(whop, 10_000, "jpy")).id, { userId: CREATOR })).id,
    );
    assert.equal(yen.amount_after_fees, 10_000 - 270 - 46, "2.7 % = ¥270; $0.30 at 150.2 = ¥45.06, rounded up");
    const rupees = await whop.payments.retrieve(
      (await sandbox.pay((await checkout(whop, 10_000, "inr")).id, { userId: CREATOR })).id,
    );
    assert.equal(rupees.amount_after_fees, 9704.71, "2.7 % = ₹270.00; $0.30 at 84.3 = ₹25.29");
    const dinar = await whop.payments.retrieve(
      (await sandbox.pay((await checkout(whop, 12.345, "kwd")).id, { userId: CREATOR })).id,
    );
    // 2.7 % of 12.345 = 0.333315 → 0.334; + 0.300 (no rate for the dinar in the simulated day: taken at 1).
    assert.equal(dinar.amount_after_fees, 11.711);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox rules - transfer notes longer than 50 characters are refused", async () => {
  const { sandbox, clock, whop } = await realisticSandbox();
  try {
    await sandbox.pay((await checkout(whop, 100, "usd")).id, { userId: CREATOR });
    clock.ms += 30_000;
    await assert.rejects(whop.transfers.create(transfer(10, "x".repeat(51))), (error: unknown) => {
      assert.ok(error instanceof BadRequestError);
      assert.match(error.message, /notes must be at most 50 characters/);
      return true;
    });
    await whop.transfers.create(transfer(10, "x".repeat(50)));
    assert.equal(sandbox.transfers.length, 1);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox rules - refunds can fail, be canceled or stay pending; the payment lists every attempt", async () => {
  const { sandbox, whop } = await realisticSandbox();
  try {
    const paid = await sandbox.pay((await checkout(whop, 100, "usd")).id, { userId: CREATOR });
    const before = sandbox.balance(CREATOR, "usd");

    sandbox.faults.refundOutcome("failed");
    let payment = await whop.payments.refund(paid.id);
    assert.deepEqual(payment.refunds.map((r) => r.status), ["failed"]);
    assert.equal(payment.refundable, true);
    assert.equal(sandbox.balance(CREATOR, "usd"), before, "a failed refund moves no money");

    sandbox.faults.refundOutcome("canceled");
    payment = await whop.payments.refund(paid.id);
    assert.deepEqual(payment.refunds.map((r) => r.status), ["canceled", "failed"]);

    sandbox.faults.refundOutcome("pending");
    payment = await whop.payments.refund(paid.id);
    assert.deepEqual(payment.refunds.map((r) => r.status), ["pending", "canceled", "failed"]);
    assert.equal(payment.refundable, false, "not again while one is pending");
    await assert.rejects(whop.payments.refund(paid.id), BadRequestError);

    sandbox.setRefundStatus(payment.refunds[0].id, "succeeded");
    payment = await whop.payments.retrieve(paid.id);
    assert.deepEqual(payment.refunds.map((r) => r.status), ["succeeded", "canceled", "failed"]);
    assert.equal(payment.refunded_amount, 100);
    assert.equal(sandbox.balance(CREATOR, "usd"), before + 100);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox rules - company notifications reach only the team; experience ones reach the listed users", async () => {
  const team = "user_CreatorBenR4k9p";
  const { sandbox, whop } = await realisticSandbox({ teamUserIds: [team] });
  try {
    await whop.notifications.create({
      company_id: TEST_SETTINGS.companyId,
      title: "Funded",
      content: "Your prize is in escrow.",
      user_ids: [WINNER, team],
    });
    await whop.notifications.create({
      experience_id: "exp_Community01",
      title: "Paid",
      content: "Your prize was paid.",
      user_ids: [WINNER],
    });
    assert.deepEqual(sandbox.notifications.map((n) => n.deliveredTo), [[team], [WINNER]]);
  } finally {
    await sandbox.close();
  }
});
