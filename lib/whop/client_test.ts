import assert from "node:assert/strict";
import { APIConnectionError, InternalServerError } from "@whop/sdk";
import { loadConfig } from "../../config.ts";
import { MoneyError } from "../core/money.ts";
import {
  createWhopClient,
  fromWhopAmount,
  isRetryableWhopError,
  PermanentWhopError,
  toWhopAmount,
  whopCurrency,
} from "./client.ts";

Deno.test("whop client - decimal amounts convert to and from minor units exactly", () => {
  assert.equal(toWhopAmount(50000, "USD"), 500);
  assert.equal(toWhopAmount(123456, "USD"), 1234.56);
  assert.equal(toWhopAmount(1000, "JPY"), 1000);
  assert.equal(toWhopAmount(1234, "KWD"), 1.234);
  assert.equal(fromWhopAmount(500, "usd"), 50000);
  assert.equal(fromWhopAmount(1234.56, "USD"), 123456);
  assert.equal(fromWhopAmount(0.1 + 0.2 - 0.00000000000000004, "USD"), 30);
  assert.equal(fromWhopAmount(-12.5, "USD", true), -1250);
  assert.throws(() => fromWhopAmount(499.999, "USD"), MoneyError, "never rounded up to cover 500.00");
  assert.throws(() => fromWhopAmount(0.1 + 0.2, "USD"), MoneyError);
  assert.throws(() => fromWhopAmount(-1, "USD"), MoneyError);
  assert.throws(() => fromWhopAmount(1e21, "USD"), MoneyError);
  assert.throws(() => fromWhopAmount(Number.NaN, "USD"), MoneyError);
  assert.throws(() => fromWhopAmount(10, "XYZ"), MoneyError);
  assert.equal(whopCurrency("USD"), "usd");
});

Deno.test("whop client - built from settings only, none without an API key", () => {
  assert.equal(createWhopClient(loadConfig({ SANDBOX: "1" })), undefined);
  const whop = createWhopClient(loadConfig({
    SANDBOX: "1",
    WHOP_API_KEY: "k",
    WHOP_APP_ID: "app_1",
    WHOP_WEBHOOK_SECRET: "secret",
    WHOP_ORIGIN: "http://127.0.0.1:9999/",
  }));
  assert.ok(whop);
  assert.equal(whop.baseURL, "http://127.0.0.1:9999/api/v1");
  assert.equal(whop.webhookKey, btoa("secret"));
  assert.equal(whop.userTokenJwksUrl, "http://127.0.0.1:9999/.well-known/jwks.json");
  assert.equal(whop.appID, "app_1");
});

Deno.test("whop client - which failures are worth retrying", () => {
  assert.equal(isRetryableWhopError(new APIConnectionError({ message: "reset" })), true);
  assert.equal(isRetryableWhopError(new InternalServerError(503, undefined, "down", new Headers())), true);
  assert.equal(isRetryableWhopError(new TypeError("body cut")), true);
  assert.equal(isRetryableWhopError(new PermanentWhopError("not refundable")), false);
});
