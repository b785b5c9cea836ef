import assert from "node:assert/strict";
import { ConfigError, loadConfig, MAX_SETTLEMENT_DELAY_S } from "./config.ts";
import { MAX_DURATION_S, SHOPIFY_ORDER_WINDOW_S } from "./lib/competitions/input.ts";

const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
const production = {
  ENCRYPTION_KEY: KEY,
  SHOPIFY_API_KEY: "shp_key",
  SHOPIFY_API_SECRET: "shp_secret",
  WHOP_API_KEY: "whop_key",
  WHOP_APP_ID: "app_1",
  WHOP_COMPANY_ID: "biz_1",
  WHOP_WEBHOOK_SECRET: "whsec",
  WHOP_CLIENT_ID: "app_1",
  WHOP_CLIENT_SECRET: "client-secret",
  APP_URL: "https://brawl.example.com",
};

Deno.test("config - defaults to sandbox mode without Shopify or Whop keys", () => {
  const config = loadConfig({});
  assert.equal(config.sandbox, true);
  assert.equal(config.port, 8000);
  assert.equal(config.appUrl, "http://localhost:8000");
  assert.equal(config.kvPath, "./data/cartbrawl.sqlite3");
  assert.equal(config.competitionMinDurationS, 3600);
  assert.equal(config.whop.origin, "https://api.whop.com");
  assert.equal(config.whop.feePercent, "2.7");
  assert.equal(config.whop.feeFixed, "0.30");
  assert.equal(config.payoutRetryMaxS, 3600);
});

Deno.test("config - reads Whop's fee and the payout retry ceiling", () => {
  const config = loadConfig({ WHOP_FEE_PERCENT: "3.5", WHOP_FEE_FIXED: "0", PAYOUT_RETRY_MAX_S: "600" });
  assert.deepEqual([config.whop.feePercent, config.whop.feeFixed, config.payoutRetryMaxS], ["3.5", "0", 600]);
  assert.deepEqual(config.whop.feeFixedByCurrency, {});
  // The fixed fee per currency: WHOP_FEE_FIXED_<CUR>, any number of them (a lower-case name is not one).
  const perCurrency = loadConfig({ WHOP_FEE_FIXED_JPY: "48", WHOP_FEE_FIXED_INR: " 26.50 ", WHOP_FEE_FIXED_eur: "1" });
  assert.deepEqual(perCurrency.whop.feeFixedByCurrency, { JPY: "48", INR: "26.50" });
});

Deno.test("config - reads production settings", () => {
  const config = loadConfig({
    ...production,
    PORT: "9000",
    APP_URL: "https://brawl.example.com/",
    ADMIN_USER_IDS: "u1, u2",
  });
  assert.equal(config.sandbox, false);
  assert.equal(config.port, 9000);
  assert.equal(config.appUrl, "https://brawl.example.com");
  assert.equal(config.encryptionKey?.length, 32);
  assert.deepEqual(config.adminUserIds, ["u1", "u2"]);
});

Deno.test("config - names the variable that is wrong in one sentence", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ ENCRYPTION_KEY: btoa("short") }, /^ENCRYPTION_KEY must decode to 32 bytes, not 5\.$/],
    [{ ENCRYPTION_KEY: "%%%" }, /^ENCRYPTION_KEY must be base64/],
    [{ PORT: "eighty" }, /^PORT must be a port number\.$/],
    [{ PORT: "70000" }, /^PORT must be between 0 and 65535\.$/],
    [{ APP_URL: "ftp://x" }, /^APP_URL must be an http\(s\) origin/],
    [{ SANDBOX: "yes" }, /^SANDBOX must be 1 or 0\.$/],
    [{ COMPETITION_MIN_DURATION_S: "0" }, /^COMPETITION_MIN_DURATION_S must be at least 1\.$/],
    [{ WHOP_FEE_PERCENT: "2,7" }, /^WHOP_FEE_PERCENT must be a non-negative decimal number such as 2\.7 or 0\.30\.$/],
    [{ WHOP_FEE_PERCENT: "100" }, /^WHOP_FEE_PERCENT must be below 100\.$/],
    [{ WHOP_FEE_FIXED: "-1" }, /^WHOP_FEE_FIXED must be a non-negative decimal number such as 2\.7 or 0\.30\.$/],
    [
      { WHOP_FEE_FIXED_JPY: "¥45" },
      /^WHOP_FEE_FIXED_JPY must be a non-negative decimal number such as 2\.7 or 0\.30\.$/,
    ],
    [{ PAYOUT_RETRY_MAX_S: "0" }, /^PAYOUT_RETRY_MAX_S must be at least 1\.$/],
    [{ ...production, ENCRYPTION_KEY: "" }, /^ENCRYPTION_KEY is required unless SANDBOX=1: base64 of 32 random bytes/],
    [{ WHOP_API_KEY: "k" }, /^APP_URL is required unless SANDBOX=1: the public https address/],
    [{ ...production, WHOP_CLIENT_SECRET: "" }, /^WHOP_CLIENT_SECRET is required unless SANDBOX=1: the OAuth client/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
    );
  }
});

Deno.test("config - SANDBOX=1 overrides present keys", () => {
  assert.equal(loadConfig({ ...production, SANDBOX: "1" }).sandbox, true);
  assert.equal(loadConfig({ SANDBOX: "0", ...production }).sandbox, false);
});

Deno.test("config - SETTLEMENT_DELAY_S: 3 days in production, 30 s in the sandbox, 0 allowed", () => {
  assert.equal(loadConfig(production).settlementDelayS, 259_200);
  assert.equal(loadConfig({}).settlementDelayS, 30);
  assert.equal(loadConfig({ ...production, SETTLEMENT_DELAY_S: "0" }).settlementDelayS, 0);
  assert.throws(
    () => loadConfig({ SETTLEMENT_DELAY_S: "-1" }),
    (error: unknown) => error instanceof ConfigError && error.message === "SETTLEMENT_DELAY_S must be 0 or more.",
  );
  assert.throws(() => loadConfig({ SETTLEMENT_DELAY_S: "1.5" }), /SETTLEMENT_DELAY_S must be a whole number/);
});

Deno.test("config - SETTLEMENT_DELAY_S stays within what Shopify's 60-day order window allows", () => {
  assert.equal(loadConfig({ SANDBOX: "1", SETTLEMENT_DELAY_S: "259200" }).settlementDelayS, 259200);
  assert.throws(
    () => loadConfig({ SANDBOX: "1", SETTLEMENT_DELAY_S: "259201" }),
    /SETTLEMENT_DELAY_S must be at most 259200 \(3 days\)/,
  );
});

Deno.test("config - the longest competition, the longest settlement window and a late day fit Shopify's order window", () => {
  const LATE_FINAL_SYNC_S = 24 * 3600;
  assert.ok(
    MAX_DURATION_S + MAX_SETTLEMENT_DELAY_S + LATE_FINAL_SYNC_S <= SHOPIFY_ORDER_WINDOW_S,
    "a competition's first order must still be readable from Shopify when the settlement window closes",
  );
});
