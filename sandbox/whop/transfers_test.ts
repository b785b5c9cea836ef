import Whop, { InternalServerError } from "@whop/sdk";
import assert from "node:assert/strict";
import { fundCompany, sdkFor, startTestSandbox, TEST_SETTINGS } from "../../testing/whop_sandbox.ts";

const WINNER = "user_OwnerCaraT8w3n";

function payout(key: string, amount = 300) {
  return {
    amount,
    currency: "usd",
    origin_id: TEST_SETTINGS.companyId,
    destination_id: WINNER,
    idempotence_key: key,
    metadata: { competitionId: "cmp_1" },
    notes: "CartBrawl prize",
  };
}

/** `transfers.create`, narrowed to the ledger Transfer its union includes. */
async function ledgerTransfer(
  whop: Whop,
  params: Whop.TransferCreateParams,
): Promise<Whop.TransferCreateResponse.Transfer> {
  const result = await whop.transfers.create(params);
  assert.ok("origin_ledger_account_id" in result, "a ledger Transfer");
  return result;
}

Deno.test("whop sandbox - a transfer repeated with the same idempotence key is made once", async () => {
  const sandbox = await startTestSandbox();
  try {
    const whop = sdkFor(sandbox);
    await fundCompany(sandbox, whop, 500);
    const first = await ledgerTransfer(whop, payout("payout:cmp_1"));
    const second = await ledgerTransfer(whop, payout("payout:cmp_1"));
    assert.match(first.id, /^ctt_/);
    assert.deepEqual(second, first);
    assert.equal(first.amount, 300);
    assert.equal(first.destination.id, WINNER);
    assert.equal(first.destination.typename, "User");
    assert.equal(first.origin.typename, "Company");

    assert.equal(sandbox.transfers.length, 1);
    assert.equal(sandbox.transfers[0].idempotenceKey, "payout:cmp_1");
    assert.deepEqual(sandbox.transfers[0].metadata, { competitionId: "cmp_1" });
    assert.deepEqual(
      sandbox.transferAttempts.map((a) => a.outcome),
      ["created", "replayed"],
    );
    assert.equal(sandbox.balance(TEST_SETTINGS.companyId, "usd"), 200);
    assert.equal(sandbox.balance(WINNER, "usd"), 300);

    await whop.transfers.create(payout("payout:cmp_2", 50));
    assert.equal(sandbox.transfers.length, 2);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - the Idempotency-Key header alone also dedupes a transfer", async () => {
  const sandbox = await startTestSandbox({ companyBalances: { usd: 1000 } });
  try {
    const whop = sdkFor(sandbox);
    const { idempotence_key: _, ...body } = payout("unused");
    const a = await ledgerTransfer(whop, { ...body, "Idempotency-Key": "k1" });
    const b = await ledgerTransfer(whop, { ...body, "Idempotency-Key": "k1" });
    assert.equal(a.id, b.id);
    assert.equal(sandbox.transfers.length, 1);
    assert.equal(sandbox.transferAttempts[1].idempotencyKeyHeader, "k1");
    assert.equal(sandbox.transferAttempts[1].idempotenceKey, null);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - transfer applied but answered 500: a retry with the key returns the original", async () => {
  const sandbox = await startTestSandbox({ companyBalances: { usd: 1000 } });
  try {
    const whop = sdkFor(sandbox);
    sandbox.faults.failTransferResponse(1, "error");
    await assert.rejects(
      whop.transfers.create(payout("payout:cmp_crash")),
      InternalServerError,
    );
    assert.equal(sandbox.transfers.length, 1, "the money moved anyway");
    assert.equal(sandbox.balance(WINNER, "usd"), 300);

    const retried = await ledgerTransfer(whop, payout("payout:cmp_crash"));
    assert.equal(retried.id, sandbox.transfers[0].id);
    assert.equal(sandbox.transfers.length, 1);
    assert.equal(sandbox.balance(WINNER, "usd"), 300);
    assert.deepEqual(
      sandbox.transferAttempts.map((a) => [a.outcome, a.status]),
      [["created", 500], ["replayed", 200]],
    );
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - the SDK's own retries after an applied-but-failed transfer make no second transfer", async () => {
  const sandbox = await startTestSandbox({ companyBalances: { usd: 1000 } });
  try {
    const whop = sdkFor(sandbox, { maxRetries: 2 });
    sandbox.faults.failTransferResponse(1, "error");
    const transfer = await ledgerTransfer(whop, payout("payout:auto"));
    assert.equal(transfer.id, sandbox.transfers[0].id);
    assert.equal(sandbox.transfers.length, 1);
    assert.equal(sandbox.transferAttempts.length, 2);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - transfer applied but the connection drops mid-response", async () => {
  const sandbox = await startTestSandbox({ companyBalances: { usd: 1000 } });
  try {
    const whop = sdkFor(sandbox, { maxRetries: 2 });
    sandbox.faults.failTransferResponse(1, "drop");
    await assert.rejects(whop.transfers.create(payout("payout:drop")));
    assert.equal(sandbox.transferAttempts.length, 1, "not retried by the SDK");
    assert.equal(sandbox.transfers.length, 1);
    const retried = await ledgerTransfer(whop, payout("payout:drop"));
    assert.equal(retried.id, sandbox.transfers[0].id);
    assert.equal(sandbox.balance(TEST_SETTINGS.companyId, "usd"), 700);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - injected transfer failures answer 5xx and move nothing", async () => {
  const sandbox = await startTestSandbox({ companyBalances: { usd: 1000 } });
  try {
    const whop = sdkFor(sandbox);
    sandbox.faults.failNext("transfers.create", 2, 503);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        whop.transfers.create(payout("payout:flaky")),
        (error: { status?: number }) => error.status === 503,
      );
    }
    assert.equal(sandbox.transfers.length, 0);
    assert.equal(sandbox.balance(TEST_SETTINGS.companyId, "usd"), 1000);
    await whop.transfers.create(payout("payout:flaky"));
    assert.equal(sandbox.transfers.length, 1);
    assert.deepEqual(
      sandbox.transferAttempts.map((a) => a.outcome),
      ["injected_failure", "injected_failure", "created"],
    );
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - a transfer beyond the company balance is refused", async () => {
  const sandbox = await startTestSandbox({ companyBalances: { usd: 299.99 } });
  try {
    const whop = sdkFor(sandbox);
    await assert.rejects(
      whop.transfers.create(payout("payout:too_much")),
      (error: { status?: number; error?: { error?: { type?: string } } }) =>
        error.status === 400 && error.error?.error?.type === "insufficient_funds",
    );
    assert.equal(sandbox.transfers.length, 0);
    assert.equal(sandbox.transferAttempts[0].outcome, "rejected");
    assert.equal(sandbox.balance(TEST_SETTINGS.companyId, "usd"), 299.99);
    const retrieved = whop.transfers.retrieve("ctt_missing");
    await assert.rejects(retrieved, (e: { status?: number }) => e.status === 404);
  } finally {
    await sandbox.close();
  }
});
