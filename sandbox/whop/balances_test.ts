import assert from "node:assert/strict";
import {
  fundCompany,
  sdkFor,
  startTestSandbox,
  startWebhookReceiver,
  TEST_SETTINGS,
} from "../../testing/whop_sandbox.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const WINNER = "user_OwnerDevS2j6v";

Deno.test("whop sandbox - payments, transfers and refunds move balances between ledgers", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox({ webhookUrl: receiver.url });
  try {
    const whop = sdkFor(sandbox);
    const company = TEST_SETTINGS.companyId;
    assert.equal(sandbox.balance(CREATOR, "usd"), 10_000);
    assert.equal(sandbox.balance(company, "usd"), 0);

    const payment = await fundCompany(sandbox, whop, 1_234.56, CREATOR);
    assert.equal(sandbox.balance(CREATOR, "usd"), 8_765.44);
    assert.equal(sandbox.balance(company, "usd"), 1_234.56);

    await whop.transfers.create({
      amount: 1_000,
      currency: "usd",
      origin_id: company,
      destination_id: WINNER,
      idempotence_key: "payout:balances",
    });
    assert.equal(sandbox.balance(company, "usd"), 234.56);
    assert.equal(sandbox.balance(WINNER, "usd"), 1_000);

    const refunded = await whop.payments.refund(payment.id, {
      partial_amount: 200,
    });
    assert.equal(refunded.refunded_amount, 200);
    assert.equal(refunded.substatus, "partially_refunded");
    assert.equal(refunded.refunds[0].amount, 200);
    assert.equal(sandbox.balance(company, "usd"), 34.56);
    assert.equal(sandbox.balance(CREATOR, "usd"), 8_965.44);
    await assert.rejects(
      whop.payments.refund(payment.id, { partial_amount: 2_000 }),
      (e: { status?: number }) => e.status === 400,
    );

    const ledger = await whop.ledgerAccounts.retrieve(company);
    assert.match(ledger.id, /^ldgr_/);
    assert.deepEqual(
      ledger.balances.map((b) => [b.currency, b.balance]),
      [["usd", 34.56]],
    );
    const byLedgerId = await whop.ledgerAccounts.retrieve(ledger.id);
    assert.equal(byLedgerId.owner?.id, company);
    // A user's ledger is theirs: the app's key is refused it (the app reads it with the user's own sign-in).
    await assert.rejects(whop.ledgerAccounts.retrieve(WINNER), (e: { status?: number }) => e.status === 403);
    assert.equal(sandbox.balance(WINNER, "usd"), 1_000);

    const refundEvent = receiver.received.map((r) => whop.webhooks.unwrap(r.body, { headers: r.headers })).find((e) =>
      e.type === "refund.created"
    );
    assert.equal(
      refundEvent?.type === "refund.created" && refundEvent.data.amount,
      200,
    );
    assert.equal(
      (await whop.refunds.retrieve(sandbox.refunds[0].id)).payment?.id,
      payment.id,
    );
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("whop sandbox - users.retrieve with the API key returns the profile without a balance", async () => {
  const sandbox = await startTestSandbox();
  try {
    const whop = sdkFor(sandbox);
    const user = await whop.users.retrieve(CREATOR);
    assert.equal(user.username, "ava_creates");
    assert.equal(user.name, "Ava Creator");
    assert.equal(user.balance, null);
    assert.equal((await whop.users.retrieve("ava_creates")).id, CREATOR);
    await assert.rejects(
      whop.users.retrieve("user_nobody"),
      (e: { status?: number }) => e.status === 404,
    );
  } finally {
    await sandbox.close();
  }
});
