import { AuthenticationError, PermissionDeniedError } from "@whop/sdk";
import assert from "node:assert/strict";
import { sdkFor, startTestSandbox, TEST_SETTINGS } from "../../testing/whop_sandbox.ts";

Deno.test("whop sandbox - a wrong API key is refused with 401 in Whop's error shape", async () => {
  const sandbox = await startTestSandbox();
  try {
    const whop = sdkFor(sandbox, { apiKey: "apik_wrong" });
    const error = await whop.users.retrieve(sandbox.users[0].id).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof AuthenticationError);
    assert.deepEqual(error.error, {
      error: {
        type: "unauthorized",
        code: "unauthorized",
        message: "Invalid or missing API key",
      },
    });
    const bare = await fetch(`${sandbox.apiBaseUrl}/payments`);
    assert.equal(bare.status, 401);
    await bare.body?.cancel();
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - injected failures answer 5xx for the named endpoint only", async () => {
  const sandbox = await startTestSandbox();
  try {
    const retrying = sdkFor(sandbox, { maxRetries: 2 });
    const user = sandbox.users[0].id;
    sandbox.faults.failNext("users.retrieve", 2);
    assert.equal((await retrying.users.retrieve(user)).id, user);

    sandbox.faults.failNext("users.retrieve", 1, 502);
    await assert.rejects(
      sdkFor(sandbox).users.retrieve(user),
      (e: { status?: number }) => e.status === 502,
    );
    sandbox.faults.failNext("payments.retrieve", 5);
    assert.equal((await sdkFor(sandbox).users.retrieve(user)).id, user);
    sandbox.faults.clear();
    await assert.rejects(
      sdkFor(sandbox).payments.retrieve("pay_missing"),
      (e: { status?: number }) => e.status === 404,
    );
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - notifications are recorded as sent", async () => {
  const sandbox = await startTestSandbox();
  try {
    const result = await sdkFor(sandbox).notifications.create({
      company_id: TEST_SETTINGS.companyId,
      title: "You won!",
      content: "The Spring Brawl prize is on its way.",
      user_ids: ["user_OwnerCaraT8w3n"],
    });
    assert.deepEqual(result, { success: true });
    assert.equal(sandbox.notifications.length, 1);
    assert.equal(sandbox.notifications[0].title, "You won!");
    assert.deepEqual(sandbox.notifications[0].userIds, ["user_OwnerCaraT8w3n"]);
    await assert.rejects(
      // @ts-expect-error: missing title is what the test sends
      sdkFor(sandbox).notifications.create({ company_id: "biz_x", content: "x" }),
      (e: { status?: number }) => e.status === 400,
    );
    assert.equal(sandbox.notifications.length, 1);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - an Idempotency-Key replays the first checkout configuration", async () => {
  const sandbox = await startTestSandbox();
  try {
    const whop = sdkFor(sandbox);
    const params = {
      plan: { initial_price: 10, currency: "usd", account_id: TEST_SETTINGS.companyId },
      "Idempotency-Key": "fund:cmp_9",
    };
    const first = await whop.checkoutConfigurations.create(params);
    const again = await whop.checkoutConfigurations.create(params);
    assert.equal(again.id, first.id);
    assert.equal(sandbox.checkoutConfigurations.length, 1);
    assert.equal(
      (await whop.checkoutConfigurations.retrieve(first.id)).purchase_url,
      first.purchase_url,
    );
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - the overview page lists balances, payments and transfers", async () => {
  const sandbox = await startTestSandbox({ companyBalances: { usd: 50 } });
  try {
    await sdkFor(sandbox).transfers.create({
      amount: 20,
      currency: "usd",
      origin_id: TEST_SETTINGS.companyId,
      destination_id: "user_OwnerEliP5h1z",
      idempotence_key: "overview",
    });
    const text = await (await fetch(`${sandbox.origin}/`)).text();
    assert.match(text, /CartBrawl Sandbox<\/strong> \(company\)/);
    assert.match(text, /\$30\.00/);
    assert.match(text, /Eli Goods/);
    assert.match(text, /<code>overview<\/code>/);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - an endpoint the sandbox does not simulate answers 404 in Whop's shape", async () => {
  const sandbox = await startTestSandbox();
  try {
    const error = await sdkFor(sandbox).memberships.list({}).then(
      () => undefined,
      (e) => e,
    );
    assert.equal(error?.status, 404);
    assert.equal(error?.error?.error?.type, "not_found");
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - an API key without a permission an endpoint needs is refused with 403, naming it", async () => {
  const sandbox = await startTestSandbox();
  try {
    const whop = sdkFor(sandbox);
    const company = await whop.companies.retrieve(TEST_SETTINGS.companyId);
    assert.equal(company.id, TEST_SETTINGS.companyId);
    const owner = company.owner_user.id;
    assert.deepEqual(await whop.users.checkAccess(TEST_SETTINGS.companyId, { id: owner }), {
      access_level: "admin",
      has_access: true,
    });
    assert.equal(
      (await whop.users.checkAccess(TEST_SETTINGS.companyId, { id: sandbox.users[0].id })).has_access,
      false,
    );
    assert.deepEqual((await whop.transfers.list({ origin_id: TEST_SETTINGS.companyId, first: 1 })).data, []);

    sandbox.apiKeyPermissions.delete("payout:transfer:read");
    const refused = await whop.transfers.list({ origin_id: TEST_SETTINGS.companyId, first: 1 }).then(
      () => null,
      (e) => e,
    );
    assert.ok(refused instanceof PermissionDeniedError);
    assert.equal(refused.status, 403);
    assert.match(refused.message, /payout:transfer:read/);
    // Only what needs the missing permission is refused.
    assert.equal((await whop.companies.retrieve(TEST_SETTINGS.companyId)).id, TEST_SETTINGS.companyId);
    assert.equal(sandbox.contract.invalid.length, 0);
  } finally {
    await sandbox.close();
  }
});
