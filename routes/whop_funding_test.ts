/**
 * Funding pays Whop's fee on top of the prize, exactly, in currencies with
 * 0, 2 and 3 decimals: the simulated Whop deducts its fee and the app funds
 * only when what is left covers the prize.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { getRefund } from "../lib/whop/refunds.ts";
import { parseMoney } from "../lib/core/money.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";

await ensureIslandBundles();

const CREATOR = "user_CreatorAvaQ7m2x";

const CASES = [
  { currency: "USD", prize: "500.00", amount: "514.19", fee: "14.19", short: "514.18" },
  { currency: "JPY", prize: "50000", amount: "51389", fee: "1389", short: "51388" },
  { currency: "KWD", prize: "123.456", amount: "127.191", fee: "3.735", short: "127.190" },
];

async function createDraft(t: TestApp, prize: string, currency: string): Promise<string> {
  const res = await t.request("/api/competitions", {
    method: "POST",
    userId: CREATOR,
    json: {
      title: `Cup in ${currency}`,
      prize,
      currency,
      startDate: "2026-12-02T00:00:00Z",
      endDate: "2026-12-09T00:00:00Z",
    },
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()).competition.id;
}

async function fund(t: TestApp, id: string): Promise<{ checkoutId: string; amount: string; fee: string }> {
  const res = await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR });
  assert.equal(res.status, 200);
  const { checkoutUrl, amount, fee } = await res.json();
  return { checkoutId: new URL(checkoutUrl).pathname.split("/").pop()!, amount, fee };
}

for (const { currency, prize, amount, fee, short } of CASES) {
  Deno.test(`whop funding - ${currency}: the price is the prize grossed up exactly; one minor unit short is refunded`, async () => {
    await using t = await createTestApp({}, { whop: true });
    const whop = t.whop!;
    const prizeMinor = parseMoney(prize, currency);

    // The price: its net covers the prize, and one minor unit less would not.
    const funded = await createDraft(t, prize, currency);
    const checkout = await fund(t, funded);
    assert.deepEqual([checkout.amount, checkout.fee], [amount, fee]);
    const manage = await (await t.request(`/competitions/${funded}/manage`, { userId: CREATOR })).text();
    const shownFee = /Whop fee<\/dt><dd>([^<]*)</.exec(manage)?.[1].replace(/[^\d.]/g, "");
    assert.equal(shownFee, fee, "the fund card shows the fee");

    const payment = await whop.pay(checkout.checkoutId, { userId: CREATOR });
    const data = whop.paymentData(payment.id);
    assert.equal(data.total, Number(amount));
    const net = parseMoney(String(data.amount_after_fees), currency);
    assert.ok(net >= prizeMinor, `${data.amount_after_fees} after fees covers ${prize}`);
    assert.equal(net, prizeMinor, "the smallest price: not a minor unit more than needed");
    assert.equal((await getCompetition(t.kv, funded)).status, "UPCOMING");

    // The same checkout paid one minor unit short: refunded in full, the reason on the manage page.
    const shortId = await createDraft(t, prize, currency);
    const shortCheckout = await fund(t, shortId);
    const shortPayment = await whop.pay(shortCheckout.checkoutId, { userId: CREATOR, amount: Number(short) });
    const shortData = whop.paymentData(shortPayment.id);
    assert.ok(parseMoney(String(shortData.amount_after_fees), currency) < prizeMinor);
    const draft = await getCompetition(t.kv, shortId);
    assert.equal(draft.status, "DRAFT");
    assert.match(draft.fundingIssue ?? "", /does not cover the .* prize; it is being refunded/);
    const refund = await getRefund(t.kv, { kind: "payment", paymentId: shortPayment.id });
    assert.equal(refund?.amount, parseMoney(short, currency), "the whole payment is refunded");
    const page = await (await t.request(`/competitions/${shortId}/manage`, { userId: CREATOR })).text();
    assert.match(page, /Funding problem: .*does not cover the .* prize; it is being refunded/);
  });
}
