import assert from "node:assert/strict";
import { grossUp, whopFee } from "./fees.ts";

const WHOP = { feePercent: "2.7", feeFixed: "0.30" };

Deno.test("whop fees - the fee rounds each part up to the minor unit", () => {
  assert.equal(whopFee(10000, "USD", WHOP), 300);
  assert.equal(whopFee(10001, "USD", WHOP), 301, "270.027 cents round up to 271");
  assert.equal(whopFee(10000, "JPY", WHOP), 271, "¥270 and the fixed 0.30 as ¥1");
  assert.equal(whopFee(10000, "KWD", WHOP), 570, "0.270 + 0.300 KWD");
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
