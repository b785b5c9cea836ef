/**
 * The return from Whop's checkout (`GET /funding/:id/return`): the app asks
 * Whop for the payment the redirect names (`payments.retrieve`, checked
 * against Whop's published schema by the simulator) and records it at once,
 * through the webhook's own atomic apply, so the two fund exactly once in
 * either order or at the same time, and a webhook that never arrives (or
 * that the app refuses) leaves no paid competition in DRAFT.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { getSeason } from "../lib/seasons/seasons.ts";
import { listNotifications } from "../lib/competitions/notifications.ts";
import { getRefund } from "../lib/whop/refunds.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { draftCompetition } from "../testing/page_fixtures.ts";

await ensureIslandBundles();

const CREATOR = "user_CreatorAvaQ7m2x";

async function draftWithCheckout(t: TestApp, title = "Return Cup"): Promise<{ id: string; checkoutUrl: string }> {
  const { id } = await draftCompetition(t, CREATOR, title, "150.00");
  const fund = await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR });
  return { id, checkoutUrl: (await fund.json()).checkoutUrl };
}

/** Pays on the simulated checkout page over HTTP, as the browser does; returns where Whop sends it back. */
async function payOnCheckoutPage(checkoutUrl: string): Promise<{ back: URL; paymentId: string }> {
  const paid = await fetch(checkoutUrl, {
    method: "POST",
    body: new URLSearchParams({ user_id: CREATOR }),
    redirect: "manual",
  });
  await paid.body?.cancel();
  assert.equal(paid.status, 303);
  const back = new URL(paid.headers.get("location")!);
  return { back, paymentId: back.searchParams.get("payment_id")! };
}

/** The return, as the browser follows Whop's redirect (over HTTP, optionally as the signed-in creator). */
async function returnFromWhop(t: TestApp, back: URL, asCreator = false): Promise<Response> {
  const headers: HeadersInit = asCreator ? { "x-whop-user-token": await t.signer.sign(CREATOR) } : {};
  return await fetch(back, { headers, redirect: "manual" });
}

function lookups(t: TestApp): number {
  return t.whop!.contract.byEndpoint.get("GET /payments/{id}") ?? 0;
}

async function fundedNotifications(t: TestApp, id: string): Promise<number> {
  const { notifications } = await listNotifications(t.kv, CREATOR, 100);
  return notifications.filter((n) => n.kind === "funded" && n.competitionId === id).length;
}

Deno.test("funding return - without a webhook the return funds the draft; the late webhook then changes nothing", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = t.whop!;
  whop.setWebhookUrl(undefined);
  const { id, checkoutUrl } = await draftWithCheckout(t);
  const { back, paymentId } = await payOnCheckoutPage(checkoutUrl);
  assert.equal(back.pathname, `/funding/${id}/return`);
  assert.equal((await getCompetition(t.kv, id)).status, "DRAFT", "no webhook has arrived");

  // A tab signed in nowhere (opened from Whop's frame) reads the outcome, naming no competition.
  const res = await returnFromWhop(t, back);
  assert.equal(res.status, 200);
  const page = await res.text();
  assert.match(page, /✓ Prize funded/);
  assert.doesNotMatch(page, /Return Cup/);
  const funded = await getCompetition(t.kv, id);
  assert.deepEqual([funded.status, funded.fundsTxId], ["UPCOMING", paymentId]);
  assert.equal(lookups(t), 1, "Whop was asked once, the request checked against its published schema");

  // The creator's own return goes on to the manage page, and asks Whop nothing more (already applied).
  const again = await returnFromWhop(t, back, true);
  assert.equal(again.status, 303);
  assert.equal(again.headers.get("location"), `/competitions/${id}/manage`);
  assert.equal(lookups(t), 1);

  const delivered = await whop.sendWebhook("payment.succeeded", whop.paymentData(paymentId), {
    url: `${t.url}/api/webhooks/whop`,
  });
  assert.equal(delivered.status, 200);
  assert.equal((await getCompetition(t.kv, id)).fundsTxId, paymentId);
  assert.equal(await fundedNotifications(t, id), 1, "the creator is told once");
  assert.equal(await getRefund(t.kv, { kind: "payment", paymentId }), null);
});

Deno.test("funding return - after the webhook the return only shows the result", async () => {
  await using t = await createTestApp({}, { whop: true });
  const { id, checkoutUrl } = await draftWithCheckout(t);
  const { back, paymentId } = await payOnCheckoutPage(checkoutUrl);
  assert.equal((await getCompetition(t.kv, id)).fundsTxId, paymentId, "the webhook funded it first");
  const res = await returnFromWhop(t, back, true);
  assert.equal(res.status, 303);
  assert.equal(lookups(t), 0, "a payment already applied is not asked for again");
  assert.equal(await fundedNotifications(t, id), 1);
});

Deno.test("funding return - the webhook and returns at once fund exactly once (20 races)", async () => {
  await using t = await createTestApp({}, { whop: true, kvFile: true });
  const whop = t.whop!;
  whop.setWebhookUrl(undefined);
  for (let race = 0; race < 20; race++) {
    const { id, checkoutUrl } = await draftWithCheckout(t, `Race ${race}`);
    const { back, paymentId } = await payOnCheckoutPage(checkoutUrl);
    const url = `${t.url}/api/webhooks/whop`;
    const [webhook, ...returns] = await Promise.all([
      whop.sendWebhook("payment.succeeded", whop.paymentData(paymentId), { url }),
      returnFromWhop(t, back),
      returnFromWhop(t, back, true),
    ]);
    for (const res of returns) await res.body?.cancel();
    assert.equal(webhook.status, 200);
    const competition = await getCompetition(t.kv, id);
    assert.deepEqual([competition.status, competition.fundsTxId], ["UPCOMING", paymentId]);
    assert.equal(await fundedNotifications(t, id), 1);
    assert.equal(await getRefund(t.kv, { kind: "payment", paymentId }), null, "funded, so never refunded");
    // Four minutes a race: the per-address limit on asking Whop (30 in 10 minutes) never skips a return.
    t.clock.advance(4 * 60_000);
  }
});

Deno.test("funding return - a webhook the app refuses (wrong secret) still leaves no paid draft unfunded", async () => {
  await using t = await createTestApp({ WHOP_WEBHOOK_SECRET: "ws_not_the_one_whop_signs_with" }, { whop: true });
  const { id, checkoutUrl } = await draftWithCheckout(t);
  const { back } = await payOnCheckoutPage(checkoutUrl);
  assert.equal(t.whop!.webhookDeliveries.at(-1)?.status, 401, "the misconfigured webhook was refused");
  assert.equal((await getCompetition(t.kv, id)).status, "DRAFT");
  const res = await returnFromWhop(t, back, true);
  assert.equal(res.status, 303);
  assert.equal((await getCompetition(t.kv, id)).status, "UPCOMING");
});

Deno.test("funding return - an unknown, foreign or malformed payment id changes nothing", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = t.whop!;
  whop.setWebhookUrl(undefined);
  const first = await draftWithCheckout(t, "First Cup");
  const second = await draftWithCheckout(t, "Second Cup");
  const { paymentId } = await payOnCheckoutPage(first.checkoutUrl);
  const to = (id: string, query: string) => new URL(`${t.url}/funding/${id}/return?${query}`);
  for (
    const url of [
      to(second.id, `payment_id=${paymentId}`), // another competition's payment
      to(second.id, "payment_id=pay_DoesNotExist1"),
      to(second.id, "payment_id=../../users/me"),
      to(second.id, ""),
      to("not-an-id!", `payment_id=${paymentId}`),
    ]
  ) {
    const res = await returnFromWhop(t, url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Payment not confirmed yet/);
  }
  assert.equal((await getCompetition(t.kv, second.id)).status, "DRAFT");
  assert.equal((await getCompetition(t.kv, first.id)).status, "DRAFT", "its payment named another competition");
  // `receipt_id`, which Whop sends with the same value, is read when `payment_id` is missing.
  await (await returnFromWhop(t, to(first.id, `receipt_id=${paymentId}`))).body?.cancel();
  assert.equal((await getCompetition(t.kv, first.id)).status, "UPCOMING");
});

Deno.test("funding return - a season's return funds it without a webhook; the creator goes on to the season's page", async () => {
  await using t = await createTestApp({}, { whop: true });
  t.whop!.setWebhookUrl(undefined);
  const startDate = new Date(t.clock.ms + 2 * 86_400_000).toISOString();
  const created = await t.request("/api/seasons", {
    method: "POST",
    userId: CREATOR,
    json: { title: "Return League", rounds: 2, every: "day", startDate, template: { currency: "USD", prize: "20.00" } },
  });
  assert.equal(created.status, 201, await created.clone().text());
  const id = (await created.json()).season.id;
  const fund = await t.request(`/api/seasons/${id}/fund`, { method: "POST", userId: CREATOR });
  const { back, paymentId } = await payOnCheckoutPage((await fund.json()).checkoutUrl);
  assert.equal(back.pathname, `/funding/seasons/${id}/return`);

  const res = await returnFromWhop(t, back);
  assert.equal(res.status, 200);
  const page = await res.text();
  assert.match(page, /the season is open to stores/);
  assert.doesNotMatch(page, /Return League/);
  const season = await getSeason(t.kv, id);
  assert.deepEqual([season.status, season.fundsTxId], ["UPCOMING", paymentId]);
  const again = await returnFromWhop(t, back, true);
  assert.equal(again.status, 303);
  assert.equal(again.headers.get("location"), `/seasons/${id}`);
});
