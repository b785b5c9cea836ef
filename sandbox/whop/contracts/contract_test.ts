/**
 * The simulated Whop holds every request to Whop's published input schemas
 * (`@whop/mcp` 0.0.6, SDK renames applied): what Whop would refuse gets a
 * 400 in Whop's error shape, and the app's own requests all pass.
 */
import assert from "node:assert/strict";
import { BadRequestError } from "@whop/sdk";
import { checkWhopRequest, CONTRACT_SOURCE, SDK_RENAMES } from "./contract.ts";
import { sdkFor, startTestSandbox, TEST_SETTINGS } from "../../../testing/whop_sandbox.ts";
import { createTestApp } from "../../../testing/test_app.ts";
import { getCompetition } from "../../../lib/competitions/competitions.ts";
import { keys } from "../../../lib/core/db.ts";
import { processRefund } from "../../../lib/whop/refunds.ts";
import { processPayout, requestPayout } from "../../../lib/whop/payouts.ts";
import { createWhopNotificationSender } from "../../../lib/whop/notification_sender.ts";
import { appText, notify } from "../../../lib/competitions/notifications.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const WINNER = "user_OwnerCaraT8w3n";

Deno.test("whop contract - the published schemas, with the SDK's names, decide what is valid", () => {
  assert.equal(CONTRACT_SOURCE, "@whop/mcp@0.0.6");
  assert.deepEqual(SDK_RENAMES.map((r) => `${r.endpoint} ${r.at.join(".")}.${r.from} → ${r.to}`), [
    "POST /checkout_configurations plan.company_id → account_id",
    "GET /checkout_configurations .company_id → account_id",
  ]);
  const errors = (method: string, path: string, body: unknown) => checkWhopRequest(method, path, body)?.errors;
  const plan = { initial_price: 10, currency: "usd", plan_type: "one_time" };
  assert.deepEqual(errors("POST", "/checkout_configurations", { plan: { ...plan, account_id: "biz_1" } }), []);
  assert.match(
    errors("POST", "/checkout_configurations", { plan })!.join(),
    /plan must have required property 'account_id'/,
  );
  assert.match(
    errors("POST", "/checkout_configurations", { plan: { ...plan, account_id: "biz_1", plan_type: "forever" } })!
      .join(),
    /plan\/plan_type must be one of the allowed values/,
  );

  const transfer = { amount: 1, currency: "kwd", origin_id: "biz_1", destination_id: "user_1", notes: "x".repeat(50) };
  assert.deepEqual(errors("POST", "/transfers", transfer), []);
  assert.match(errors("POST", "/transfers", { ...transfer, notes: "x".repeat(51) })!.join(), /at most 50 characters/);
  assert.match(errors("POST", "/transfers", { ...transfer, currency: "xyz" })!.join(), /\/currency must be one of/);
  assert.match(
    errors("POST", "/transfers", { amount: 1, origin_id: "biz_1" })!.join(),
    /required property 'currency'.*required property 'destination_id'/,
  );

  const notification = { experience_id: "exp_1", title: "t", content: "c", user_ids: ["user_1"] };
  assert.deepEqual(errors("POST", "/notifications", notification), []);
  assert.match(
    errors("POST", "/notifications", { ...notification, rest_path: null })!.join(),
    /rest_path must be string/,
  );
  assert.deepEqual(errors("POST", "/payments/pay_1/refund", {}), [], "the path's id counts as the schema's id");
  assert.equal(checkWhopRequest("GET", "/users/me", undefined), null, "an endpoint outside the contract file");
  // A query is read as the schema types it: `first` from its digits.
  const query = (path: string, params: Record<string, string>) =>
    checkWhopRequest("GET", path, undefined, params)?.errors;
  assert.deepEqual(query("/checkout_configurations", { account_id: "biz_1", first: "1" }), []);
  assert.match(query("/checkout_configurations", { first: "1" })!.join(), /required property 'account_id'/);
  assert.match(query("/transfers", { origin_id: "biz_1", first: "one" })!.join(), /\/first must be integer/);
  assert.deepEqual(query("/payments", { company_id: "biz_1", first: "1" }), []);
});

Deno.test("whop contract - the simulated Whop refuses a request Whop would refuse, in Whop's error shape", async () => {
  const sandbox = await startTestSandbox();
  try {
    const whop = sdkFor(sandbox);
    const error = await whop.notifications.create({
      company_id: TEST_SETTINGS.companyId,
      title: "Paid",
      content: "Your prize was paid.",
      rest_path: null,
    }).then(() => assert.fail("accepted"), (e: unknown) => e);
    assert.ok(error instanceof BadRequestError);
    assert.deepEqual(Object.keys((error.error as { error: object }).error).sort(), ["code", "message", "type"]);
    assert.match(error.message, /POST \/notifications \(@whop\/mcp@0\.0\.6\): .*rest_path must be string/);
    assert.equal(sandbox.notifications.length, 0);
    assert.equal(sandbox.contract.invalid.length, 1);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop contract - every request the app sends in its Whop flows matches Whop's schemas", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = t.whop!;
  const fund = async (prize: string, currency: string, short = false) => {
    const created = await t.request("/api/competitions", {
      method: "POST",
      userId: CREATOR,
      json: {
        title: `Cup ${currency}`,
        prize,
        currency,
        startDate: "2026-12-02T00:00:00Z",
        endDate: "2026-12-09T00:00:00Z",
      },
    });
    const id = (await created.json()).competition.id;
    const res = await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR });
    const { checkoutUrl, amount } = await res.json();
    const checkoutId = new URL(checkoutUrl).pathname.split("/").pop()!;
    const paid = short ? Number(amount) - 1 : undefined;
    const payment = await whop.pay(checkoutId, { userId: CREATOR, amount: paid });
    return { id, payment };
  };
  // Funding in three currencies, a short payment refunded, a funded one cancelled and refunded after a failure.
  await fund("500.00", "USD");
  await fund("50000", "JPY");
  const { id: kwd } = await fund("123.456", "KWD");
  const { payment: short } = await fund("500.00", "USD", true);
  await processRefund(t.deps, { kind: "payment", paymentId: short.id });
  await t.request(`/api/competitions/${kwd}/cancel`, { method: "POST", userId: CREATOR });
  whop.faults.refundOutcome("failed");
  await processRefund(t.deps, { kind: "prize", competitionId: kwd });
  t.clock.advance(2 * 60_000);
  await processRefund(t.deps, { kind: "prize", competitionId: kwd });
  // A payout with a 100-character title, and notifications through a Whop community.
  const { id: usd } = await fund("500.00", "USD");
  const competition = await getCompetition(t.kv, usd);
  await t.kv.set(keys.competition(usd), { ...competition, experienceId: "exp_Community01" });
  await requestPayout(t.deps, { ...competition, title: "T".repeat(100) }, { userId: WINNER });
  const sendNotification = createWhopNotificationSender(t.deps.whop, t.kv);
  assert.equal(await processPayout({ ...t.deps, sendNotification }, usd), "sent");
  await notify(
    t.kv,
    {
      dedupeKey: "contract",
      userId: WINNER,
      kind: "payout_sent",
      competitionId: usd,
      title: appText`Paid`,
      body: appText`Paid.`,
    },
    t.clock.now(),
    sendNotification,
  );

  const { validated, invalid, byEndpoint } = whop.contract;
  console.log(
    `Whop contract: ${validated} requests validated against ${CONTRACT_SOURCE}, ${invalid.length} invalid`,
    Object.fromEntries(byEndpoint),
  );
  assert.deepEqual(invalid, []);
  for (
    const endpoint of [
      "POST /checkout_configurations",
      "GET /payments/{id}",
      "POST /payments/{id}/refund",
      "GET /ledger_accounts/{id}",
      "POST /transfers",
      "POST /notifications",
    ]
  ) {
    assert.ok((byEndpoint.get(endpoint) ?? 0) > 0, `${endpoint} was exercised`);
  }
  assert.equal(whop.transfers.length, 1);
  assert.ok(whop.transfers[0].notes!.length <= 50);
});
