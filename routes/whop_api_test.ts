import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import type { WhopSandbox } from "../sandbox/whop/mod.ts";
import { getRefund, processRefund } from "../lib/whop/refunds.ts";
import { createWhopLifecycle } from "../lib/whop/mod.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { listNotifications } from "../lib/competitions/notifications.ts";
import { dyingAfterCall, waitFor } from "../testing/whop.ts";
import { createWhopClient } from "../lib/whop/client.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const OTHER = "user_CreatorBenR4k9p";

const body = {
  title: "Holiday Cup",
  prize: "500.00",
  currency: "USD",
  startDate: "2026-12-02T00:00:00Z",
  endDate: "2026-12-09T00:00:00Z",
};

async function createDraft(t: TestApp, prize = "500.00"): Promise<string> {
  const res = await t.request("/api/competitions", { method: "POST", userId: CREATOR, json: { ...body, prize } });
  assert.equal(res.status, 201);
  return (await res.json()).competition.id;
}

/** Creates the funding checkout through the API and returns its id. */
async function fundCheckout(t: TestApp, competitionId: string): Promise<string> {
  const res = await t.request(`/api/competitions/${competitionId}/fund`, { method: "POST", userId: CREATOR });
  assert.equal(res.status, 200);
  const { checkoutUrl } = await res.json();
  const id = new URL(checkoutUrl).pathname.split("/").pop()!;
  assert.match(id, /^ch_/);
  return id;
}

function sandboxOf(t: TestApp): WhopSandbox {
  assert.ok(t.whop);
  return t.whop;
}

async function status(t: TestApp, id: string) {
  return (await getCompetition(t.kv, id));
}

Deno.test("whop api - fund: creator-only checkout for the prize plus Whop's fee, made once; a form lands on the app's checkout page", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  const json = await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR });
  assert.equal(json.status, 200);
  const { checkoutUrl, amount, fee } = await json.json();
  assert.ok(checkoutUrl.startsWith(`${whop.checkoutOrigin}/checkout/ch_`));
  assert.deepEqual([amount, fee], ["514.19", "14.19"], "2.7 % + $0.30 of $514.19 is $14.19; $500.00 is left");
  const checkout = whop.checkoutConfigurations[0];
  assert.equal(checkout.amount, 514.19);
  assert.equal(checkout.currency, "usd");
  assert.deepEqual(checkout.metadata, { competitionId: id });
  assert.equal(checkout.redirectUrl, `${t.config.appUrl}/funding/${id}/return`);

  // A form post (the fund button) lands on the app's own page, whose link goes to Whop's checkout.
  const form = await t.request(`/api/competitions/${id}/fund`, {
    method: "POST",
    userId: CREATOR,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: t.config.appUrl },
    body: "",
  });
  assert.equal(form.status, 303);
  assert.equal(form.headers.get("location"), `/competitions/${id}/fund`);
  const page = await (await t.request(`/competitions/${id}/fund`, { userId: CREATOR })).text();
  assert.ok(page.includes(`href="${checkoutUrl}"`), "the page links to the one checkout");
  assert.match(page, /Continue to Whop to pay \$514\.19/);
  assert.equal(whop.checkoutConfigurations.length, 1, "asking again gives the same checkout, never a second");
  const again = await (await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR })).json();
  assert.equal(again.checkoutUrl, checkoutUrl);
  assert.equal(whop.checkoutConfigurations.length, 1);

  const stranger = await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: OTHER });
  assert.equal(stranger.status, 404, "another's draft does not exist for this caller");
  const anonymous = await t.request(`/api/competitions/${id}/fund`, { method: "POST", json: {} });
  assert.equal(anonymous.status, 401);
});

Deno.test("whop api - a verified, sufficient payment moves DRAFT to UPCOMING once and tells the creator", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  const payment = await whop.pay(await fundCheckout(t, id), { userId: CREATOR });
  assert.equal(whop.webhookDeliveries.at(-1)?.status, 200);
  const funded = await status(t, id);
  assert.equal(funded.status, "UPCOMING");
  assert.equal(funded.fundsTxId, payment.id);
  assert.equal(funded.fundingIssue, undefined);

  // The same delivery again, and the same payment under a new delivery id: nothing changes.
  const first = whop.webhookDeliveries.at(-1)!;
  const replay = await fetch(first.url!, { method: "POST", headers: first.headers, body: first.body });
  assert.equal(replay.status, 200);
  assert.equal((await replay.json()).duplicate, true);
  const again = await whop.sendWebhook("payment.succeeded", whop.paymentData(payment.id));
  assert.equal(again.status, 200);
  const after = await status(t, id);
  assert.equal(after.updatedAt, funded.updatedAt);
  assert.equal(whop.refunds.length, 0);

  const { notifications } = await listNotifications(t.kv, CREATOR);
  assert.deepEqual(notifications.map((n) => n.kind), ["funded"]);
  assert.equal(whop.notifications.length, 0, "in-app only: the competition is in no Whop community");

  const refund = await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR });
  assert.equal(refund.status, 409, "a funded competition cannot be funded again");
});

Deno.test("whop api - forged, stale and unsigned webhooks are refused and change nothing", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  const checkoutId = await fundCheckout(t, id);
  whop.setWebhookUrl(undefined);
  const payment = await whop.pay(checkoutId, { userId: CREATOR });
  const url = `${t.url}/api/webhooks/whop`;
  const data = whop.paymentData(payment.id);

  const forged = await whop.sendWebhook("payment.succeeded", data, { forgeSignature: true, url });
  assert.equal(forged.status, 401);
  const stale = await whop.sendWebhook("payment.succeeded", data, {
    timestamp: Math.floor(Date.now() / 1000) - 10 * 60,
    url,
  });
  assert.equal(stale.status, 401);
  const unsigned = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type: "payment.succeeded", data }),
  });
  assert.equal(unsigned.status, 401);
  assert.equal((await unsigned.json()).error, "The webhook signature is missing, invalid or too old.");
  const tamperedSource = await whop.sendWebhook("payment.succeeded", { ...data, total: 5 }, {
    url: "http://127.0.0.1:9/",
  });
  const tampered = await fetch(url, {
    method: "POST",
    headers: tamperedSource.headers,
    body: tamperedSource.body.replace('"total":5', '"total":500'),
  });
  assert.equal(tampered.status, 401);
  assert.equal((await status(t, id)).status, "DRAFT");

  // A forged delivery does not burn its webhook id: the genuine one with that id still applies.
  const genuine = await whop.sendWebhook("payment.succeeded", data, { id: forged.id, url });
  assert.equal(genuine.status, 200);
  assert.equal((await status(t, id)).status, "UPCOMING");
});

Deno.test("whop api - a short payment leaves DRAFT with fundingIssue and is refunded once", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  const payment = await whop.pay(await fundCheckout(t, id), { userId: CREATOR, amount: 499.99 });
  const draft = await status(t, id);
  assert.equal(draft.status, "DRAFT");
  assert.equal(draft.fundsTxId, undefined);
  assert.match(
    draft.fundingIssue ?? "",
    /\$499\.99 left \$486\.19 after Whop's fee, which does not cover the \$500\.00 prize/,
  );

  const refund = await getRefund(t.kv, { kind: "payment", paymentId: payment.id });
  assert.equal(refund?.state, "pending");
  assert.equal(refund?.reason, "cannot_fund");
  const deps = { ...t.deps, whop: t.deps.whop };
  const outcomes = await Promise.all([
    processRefund(deps, { kind: "payment", paymentId: payment.id }),
    processRefund(deps, { kind: "payment", paymentId: payment.id }),
  ]);
  assert.ok(outcomes.includes("sent"), outcomes.join());
  assert.equal(await processRefund(deps, { kind: "payment", paymentId: payment.id }), "already_sent");
  assert.equal(whop.refunds.length, 1);
  assert.equal(whop.refunds[0].paymentId, payment.id);
  assert.equal(whop.balance(CREATOR, "usd"), 10_000);

  // A full payment afterwards funds it and clears the issue.
  const full = await whop.pay(await fundCheckout(t, id), { userId: CREATOR });
  const funded = await status(t, id);
  assert.equal(funded.status, "UPCOMING");
  assert.equal(funded.fundsTxId, full.id);
  assert.equal(funded.fundingIssue, undefined);
});

Deno.test("whop api - amounts are read exactly: 499.999 does not cover 500.00, a currency mismatch does not fund", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  const checkoutId = await fundCheckout(t, id);
  whop.setWebhookUrl(undefined);
  const payment = await whop.pay(checkoutId, { userId: CREATOR });
  const url = `${t.url}/api/webhooks/whop`;
  const data = whop.paymentData(payment.id);
  const inexact = await whop.sendWebhook("payment.succeeded", { ...data, id: "pay_inexact", total: 499.999 }, { url });
  assert.equal(inexact.status, 200);
  assert.match((await status(t, id)).fundingIssue ?? "", /not an exact amount/);
  const euros = await whop.sendWebhook("payment.succeeded", { ...data, id: "pay_eur", currency: "eur" }, { url });
  assert.equal(euros.status, 200);
  const draft = await status(t, id);
  assert.equal(draft.status, "DRAFT");
  assert.match(draft.fundingIssue ?? "", /in EUR but the prize is in USD/);
  assert.equal((await getRefund(t.kv, { kind: "payment", paymentId: "pay_eur" }))?.state, "pending");
  assert.equal((await getRefund(t.kv, { kind: "payment", paymentId: "pay_inexact" }))?.state, "pending");
});

Deno.test("whop api - a second payment for a funded competition is refunded, not applied", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  const checkoutId = await fundCheckout(t, id);
  const first = await whop.pay(checkoutId, { userId: CREATOR });
  const second = await whop.pay(checkoutId, { userId: CREATOR });
  const competition = await status(t, id);
  assert.equal(competition.fundsTxId, first.id);
  assert.equal((await getRefund(t.kv, { kind: "payment", paymentId: second.id }))?.state, "pending");
  assert.equal(await getRefund(t.kv, { kind: "payment", paymentId: first.id }), null);
});

Deno.test("whop api - webhook bodies over 256 KB are refused with 413", async () => {
  await using t = await createTestApp({}, { whop: true });
  const res = await fetch(`${t.url}/api/webhooks/whop`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pad: "x".repeat(300 * 1024) }),
  });
  assert.equal(res.status, 413);
  await res.body?.cancel();
  const midSize = await fetch(`${t.url}/api/webhooks/whop`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pad: "x".repeat(100 * 1024) }),
  });
  assert.equal(midSize.status, 401, "a body above the app's 64 KB default still reaches verification");
  await midSize.body?.cancel();
});

Deno.test("whop api - cancelling a funded competition refunds the prize exactly once", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  const payment = await whop.pay(await fundCheckout(t, id), { userId: CREATOR });
  assert.equal(whop.balance(CREATOR, "usd"), 9_485.81, "the prize and Whop's fee");

  const cancel = await t.request(`/api/competitions/${id}/cancel`, { method: "POST", userId: CREATOR });
  assert.equal(cancel.status, 200);
  assert.deepEqual((await cancel.json()).refund, { state: "pending" });
  const twice = await t.request(`/api/competitions/${id}/cancel`, { method: "POST", userId: CREATOR });
  assert.equal(twice.status, 409);
  const lifecycle = createWhopLifecycle(t.deps);
  const cancelled = await status(t, id);
  await lifecycle.refundPrize(cancelled);
  await lifecycle.refundPrize(cancelled);

  const record = await getRefund(t.kv, { kind: "prize", competitionId: id });
  assert.equal(record?.idempotencyKey, `refund_${id}`);
  assert.equal(record?.paymentId, payment.id);
  const outcomes = await Promise.all([
    processRefund(t.deps, { kind: "prize", competitionId: id }),
    processRefund(t.deps, { kind: "prize", competitionId: id }),
  ]);
  assert.ok(outcomes.includes("sent"), outcomes.join());
  await processRefund(t.deps, { kind: "prize", competitionId: id });
  assert.equal(whop.refunds.length, 1);
  assert.equal(whop.balance(CREATOR, "usd"), 10_000);
  const sent = await getRefund(t.kv, { kind: "prize", competitionId: id });
  assert.equal(sent?.state, "sent");
  assert.equal(sent?.refundId, whop.refunds[0].id);
  const { notifications } = await listNotifications(t.kv, CREATOR);
  assert.deepEqual(notifications.map((n) => n.kind).sort(), ["funded", "refunded"]);
});

Deno.test("whop api - a refund run killed after the call resumes without refunding twice", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  await whop.pay(await fundCheckout(t, id), { userId: CREATOR });
  const cancel = await t.request(`/api/competitions/${id}/cancel`, { method: "POST", userId: CREATOR });
  assert.equal(cancel.status, 200);
  const dying = dyingAfterCall(createWhopClient(t.config, { maxRetries: 0 })!, "payments.refund");
  void processRefund({ ...t.deps, whop: dying }, { kind: "prize", competitionId: id });
  await waitFor(() => whop.refunds.length === 1);
  assert.equal((await getRefund(t.kv, { kind: "prize", competitionId: id }))?.state, "sending");
  t.clock.advance(6 * 60_000);
  assert.equal(await processRefund(t.deps, { kind: "prize", competitionId: id }), "sent");
  assert.equal(whop.refunds.length, 1);
  assert.equal((await getRefund(t.kv, { kind: "prize", competitionId: id }))?.refundId, whop.refunds[0].id);
});

Deno.test("whop api - GET /api/user: profile and competitions; no balance without the user's own Whop sign-in", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  whop.setBalance(CREATOR, "usd", 1234.5);
  // A Whop user token (the community app, API clients) is no access token: the balance is unknown, and not asked for.
  const res = await t.request("/api/user", { userId: CREATOR });
  assert.equal(res.status, 200);
  const user = await res.json();
  assert.equal(user.id, CREATOR);
  assert.equal(user.balance, null);
  assert.equal(whop.contract.byEndpoint.get("GET /ledger_accounts/{id}") ?? 0, 0);
  assert.deepEqual(user.competitions.created.map((c: { id: string }) => c.id), [id]);
  assert.deepEqual(user.competitions.joined, []);
  assert.equal((await t.request("/api/user")).status, 401);
});

Deno.test("whop api - notifications: list and mark read (JSON and form)", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = sandboxOf(t);
  const id = await createDraft(t);
  await whop.pay(await fundCheckout(t, id), { userId: CREATOR });
  const list = await t.request("/api/notifications", { userId: CREATOR });
  const inbox = await list.json();
  assert.equal(inbox.unread, 1);
  assert.equal(inbox.notifications[0].kind, "funded");
  assert.equal(inbox.notifications[0].competitionId, id);

  const read = await t.request("/api/notifications/read", { method: "POST", userId: CREATOR });
  assert.deepEqual(await read.json(), { ok: true, unread: 0 });
  assert.equal((await (await t.request("/api/notifications", { userId: CREATOR })).json()).unread, 0);

  const form = await t.request("/api/notifications/read", {
    method: "POST",
    userId: CREATOR,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: t.config.appUrl },
    body: new URLSearchParams({ returnTo: "https://evil.example/" }).toString(),
  });
  assert.equal(form.status, 303);
  assert.equal(form.headers.get("location"), "/dashboard");
  assert.equal((await t.request("/api/notifications", {})).status, 401);
  assert.equal(whop.notifications.length, 0, "in-app only: the competition is in no Whop community");
});
