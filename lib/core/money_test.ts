import assert from "node:assert/strict";
import { currencyExponent, formatMoney, MoneyError, parseMoney, toDecimalString } from "./money.ts";

Deno.test("money - exponents follow ISO 4217", () => {
  assert.equal(currencyExponent("USD"), 2);
  assert.equal(currencyExponent("JPY"), 0);
  assert.equal(currencyExponent("KWD"), 3);
});

Deno.test("money - parses decimal strings exactly", () => {
  assert.equal(parseMoney("1234.50", "USD"), 123450);
  assert.equal(parseMoney("0.1", "USD"), 10);
  assert.equal(parseMoney("0.29", "USD"), 29);
  assert.equal(parseMoney("19.99", "USD"), 1999);
  assert.equal(parseMoney("1000", "JPY"), 1000);
  assert.equal(parseMoney("1000.00", "JPY"), 1000);
  assert.equal(parseMoney("1.234", "KWD"), 1234);
  assert.equal(parseMoney("12.340", "USD"), 1234);
  assert.equal(parseMoney("90071992547409.91", "USD"), 9007199254740991);
});

Deno.test("money - refuses what is not an exact amount", () => {
  for (
    const bad of ["1e3", "NaN", "", " ", "-1.00", "+1", "1.", ".5", "1,000.00", "Infinity", "0x10", "1 000"]
  ) {
    assert.throws(() => parseMoney(bad, "USD"), MoneyError, bad);
  }
  assert.throws(() => parseMoney("12.345", "USD"), { name: "MoneyError", message: /at most 2 decimal places/ });
  assert.throws(() => parseMoney("10.5", "JPY"), { name: "MoneyError", message: /at most 0 decimal places/ });
  assert.throws(() => parseMoney("90071992547409.92", "USD"), { name: "MoneyError", message: /too large/ });
  assert.throws(() => parseMoney("1.00", "XYZ"), { name: "MoneyError", message: /not an ISO 4217/ });
  assert.throws(() => parseMoney("1.00", "usd"), { name: "MoneyError", message: /not an ISO 4217/ });
});

Deno.test("money - round-trips through decimal strings", () => {
  assert.equal(toDecimalString(123450, "USD"), "1234.50");
  assert.equal(toDecimalString(5, "USD"), "0.05");
  assert.equal(toDecimalString(0, "USD"), "0.00");
  assert.equal(toDecimalString(1000, "JPY"), "1000");
  assert.equal(toDecimalString(1234, "KWD"), "1.234");
  assert.equal(toDecimalString(-250, "USD"), "-2.50");
  for (const minor of [0, 1, 99, 100, 123456789, 9007199254740991]) {
    assert.equal(parseMoney(toDecimalString(minor, "USD"), "USD"), minor);
  }
});

Deno.test("money - formats for display without float error", () => {
  assert.equal(formatMoney(123450, "USD"), "$1,234.50");
  assert.equal(formatMoney(1000, "JPY"), "¥1,000");
  assert.equal(formatMoney(9007199254740991, "USD"), "$90,071,992,547,409.91");
});
