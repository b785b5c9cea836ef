import assert from "node:assert/strict";
import { DEFAULT_USD_RATES, fixedFee, grossUp, whopFee } from "./fees.ts";
import { feeMinor, MARKET_USD_RATES } from "../../sandbox/whop/money.ts";
import { currencyExponent } from "../core/money.ts";

const WHOP = { feePercent: "2.7", feeFixed: "0.30" };

Deno.test("whop fees - the fee rounds each part up to the minor unit", () => {
  assert.equal(whopFee(10000, "USD", WHOP), 300);
  assert.equal(whopFee(10001, "USD", WHOP), 301, "270.027 cents round up to 271");
  assert.equal(whopFee(10000, "JPY", WHOP), 321, "¥270 and the fixed $0.30 at 170 = ¥51");
  assert.equal(whopFee(10000, "KWD", WHOP), 570, "0.270 + 0.300 KWD (no default rate: the dollar figure)");
  assert.equal(whopFee(12345, "USD", { feePercent: "0", feeFixed: "0" }), 0);
});

Deno.test("whop fees - the grossed-up price is the smallest whose net covers the prize", () => {
  const settings = [WHOP, { feePercent: "3.5", feeFixed: "0" }, { feePercent: "0", feeFixed: "1.5" }];
  for (const currency of ["USD", "JPY", "KWD"]) {
    for (const fees of settings) {
      for (let prize = 1; prize < 200_000; prize += 997) {
        const { price, fee } = grossUp(prize, currency, fees);
        assert.equal(fee, whopFee(price, currency, fees));
        assert.ok(price - fee >= prize, `${currency} ${prize}: ${price} − ${fee}`);
        assert.ok(
          price - 1 - whopFee(price - 1, currency, fees) < prize,
          `${currency} ${prize}: ${price} is the least`,
        );
      }
    }
  }
  assert.deepEqual(grossUp(50000, "USD", WHOP), { price: 51419, fee: 1419 });
  assert.deepEqual(grossUp(50000, "USD", { feePercent: "0", feeFixed: "0" }), { price: 50000, fee: 0 });
});

Deno.test("whop fees - the fixed part in the competition's currency: its own setting, the default rate, the dollar figure", () => {
  assert.equal(fixedFee("USD", WHOP), 30);
  assert.equal(fixedFee("JPY", WHOP), 51, "$0.30 × 170");
  assert.equal(fixedFee("INR", WHOP), 2850, "$0.30 × 95 = ₹28.50");
  assert.equal(fixedFee("EUR", { ...WHOP, feeFixed: "0.50" }), 53, "the dollar fee moves every default: $0.50 × 1.05");
  const own = { ...WHOP, feeFixedByCurrency: { JPY: "48", USD: "0.25", INR: "26.125" } };
  assert.deepEqual([fixedFee("JPY", own), fixedFee("USD", own), fixedFee("INR", own)], [48, 25, 2613]);
  assert.equal(fixedFee("XOF", WHOP), 1, "no setting and no default: 0.30 read in francs, rounded up");
});

Deno.test("whop fees - every default rate leaves the estimate at or above what the simulated Whop takes", () => {
  for (const [currency, rate] of Object.entries(DEFAULT_USD_RATES)) {
    currencyExponent(currency);
    const market = MARKET_USD_RATES[currency.toLowerCase()];
    if (market !== undefined) assert.ok(Number(rate) > Number(market), `${currency}: ${rate} above ${market}`);
  }
  for (const currency of ["USD", "EUR", "JPY", "INR", "GBP", "KWD", "CAD", "BRL"]) {
    for (const prize of [1, 99, 5000, 123_456, 50_000_000]) {
      const { price } = grossUp(prize, currency, WHOP);
      const taken = feeMinor(price, currency, { percent: WHOP.feePercent, fixed: WHOP.feeFixed });
      assert.ok(price - taken >= prize, `${currency} ${prize}: ${price} less Whop's ${taken} covers it`);
    }
  }
});
