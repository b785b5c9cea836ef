/**
 * Funding pays Whop's fee on top of the prize, in currencies with 0, 2 and 3
 * decimals: the simulated Whop deducts its fee (the fixed part set in US
 * dollars, taken at its day's rate) and the app funds only when what is left
 * covers the prize. The app's estimate of the fixed part in yen and rupees
 * errs high (`DEFAULT_USD_RATES`), so a JPY or INR funding is never short.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { getRefund } from "../lib/whop/refunds.ts";
import { parseMoney, toDecimalString } from "../lib/core/money.ts";
import { fixedFee } from "../lib/whop/fees.ts";
import { feeMinor } from "../sandbox/whop/money.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";

await ensureIslandBundles();

const CREATOR = "user_CreatorAvaQ7m2x";

const CASES = [
  { currency: "USD", prize: "500.00", amount: "514.19", fee: "14.19" },
  { currency: "JPY", prize: "50000", amount: "51440", fee: "1440" },
  { currency: "INR", prize: "2500.00", amount: "2598.67", fee: "98.67" },
  { currency: "KWD", prize: "123.456", amount: "127.191", fee: "3.735" },
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

for (const { currency, prize, amount, fee } of CASES) {
  Deno.test(`whop funding - ${currency}: the price is the prize grossed up; a payment Whop leaves short is refunded`, async () => {
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
    // Not a minor unit more than needed, but for the margin of the app's fixed fee over what Whop took.
    const whopFees = { percent: "2.7", fixed: "0.30" };
    const margin = fixedFee(currency, t.config.whop) - feeMinor(0, currency, whopFees);
    assert.ok(margin >= 0 && net - prizeMinor <= margin, `${net - prizeMinor} over the prize, margin ${margin}`);
    assert.equal((await getCompetition(t.kv, funded)).status, "UPCOMING");

    // The same checkout paid so little that Whop leaves less than the prize: refunded in full, the reason shown.
    let shortMinor = parseMoney(amount, currency);
    while (shortMinor - feeMinor(shortMinor, currency, whopFees) >= prizeMinor) shortMinor--;
    const short = toDecimalString(shortMinor, currency);
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
