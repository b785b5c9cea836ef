import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { currencyChoiceGroups, isWhopCurrency, WHOP_CURRENCIES } from "./currencies.ts";

/** The `Currency` union of the installed `@whop/sdk` (the version `deno.json` pins), in its order. */
async function sdkCurrencies(): Promise<string[]> {
  const version = denoJson.imports["@whop/sdk"].replace("npm:@whop/sdk@", "");
  const path = new URL(
    `../../node_modules/.deno/@whop+sdk@${version}/node_modules/@whop/sdk/resources/shared.d.ts`,
    import.meta.url,
  );
  const declaration = await Deno.readTextFile(path);
  const union = /export type Currency = ([^;]+);/.exec(declaration);
  assert.ok(union, "shared.d.ts declares `export type Currency`");
  return [...union[1].matchAll(/'([^']+)'/g)].map((match) => match[1]);
}

Deno.test("whop currencies - the list is the SDK's Currency type, exactly", async () => {
  assert.deepEqual([...WHOP_CURRENCIES], await sdkCurrencies());
});

Deno.test("whop currencies - ISO 4217 codes Whop lists are accepted, others refused", () => {
  for (const code of ["USD", "EUR", "JPY", "INR", "KWD", "GBP"]) assert.ok(isWhopCurrency(code), code);
  // ISK is ISO 4217 but not Whop's; BTC and USDT are Whop's but not ISO 4217; lower case is not the app's spelling.
  for (const code of ["ISK", "BTC", "USDT", "WHOP_USD", "XAU", "usd", "", "US"]) assert.ok(!isWhopCurrency(code), code);
});

Deno.test("whop currencies - the form's choices: the common ones first, then every other accepted code by name, each once", () => {
  const [common, others] = currencyChoiceGroups();
  assert.deepEqual(common.options.slice(0, 3), [
    { value: "USD", label: "USD · US Dollar" },
    { value: "EUR", label: "EUR · Euro" },
    { value: "GBP", label: "GBP · British Pound" },
  ]);
  const codes = [...common.options, ...others.options].map((choice) => choice.value);
  assert.equal(new Set(codes).size, codes.length, "no currency twice");
  assert.deepEqual(
    [...codes].sort(),
    WHOP_CURRENCIES.map((code) => code.toUpperCase()).filter(isWhopCurrency).sort(),
    "exactly the currencies a competition may use",
  );
  const names = others.options.map((choice) => choice.label.slice(6));
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, "en")), "the rest by name");
});
