import assert from "node:assert/strict";
import { competitionInputSchema } from "./input_schema.ts";

const now = Date.parse("2026-12-01T12:00:00Z");
const schema = competitionInputSchema({ now, minDurationS: 3600 });
const valid = {
  title: "Holiday Cup",
  description: "Most revenue wins.",
  prize: "500.00",
  currency: "USD",
  startDate: "2026-12-02T00:00:00Z",
  endDate: "2026-12-09T00:00:00Z",
};

function messages(input: Record<string, unknown>): Record<string, string> {
  const result = schema.safeParse(input);
  assert.equal(result.success, false, JSON.stringify(input));
  return Object.fromEntries(result.error!.issues.map((issue) => [issue.path.join("."), issue.message]));
}

Deno.test("competition input - accepts a valid competition and normalizes it", () => {
  const result = schema.safeParse({
    ...valid,
    title: "  Holiday Cup  ",
    currency: "usd",
    startDate: "2026-12-02T01:00:00+01:00",
  });
  assert.ok(result.success);
  assert.deepEqual(result.data, {
    ...valid,
    prize: 50000,
    prizeSplit: [100],
    metric: "revenue",
    growthMinBaseline: 10000,
    startDate: "2026-12-02T00:00:00.000Z",
    endDate: "2026-12-09T00:00:00.000Z",
  });
  assert.equal(schema.safeParse({ ...valid, description: undefined }).data?.description, "");
});

Deno.test("competition input - every rule has its message", () => {
  const cases: [Record<string, unknown>, string, string][] = [
    [{ title: undefined }, "title", "Give the competition a title."],
    [{ title: "ab" }, "title", "Give the competition a title of at least 3 characters."],
    [{ title: "   abc  " }, "title", ""],
    [{ title: "x".repeat(101) }, "title", "Keep the title to 100 characters or fewer."],
    [{ description: "x".repeat(2001) }, "description", "Keep the description to 2,000 characters or fewer."],
    [{ prize: "0" }, "prize", "The prize must be more than zero."],
    [{ prize: "1000000.01" }, "prize", "The prize can be at most 1,000,000 USD."],
    [{ prize: "12.345" }, "prize", "USD amounts have at most 2 decimal places."],
    [{ prize: "1e3" }, "prize", "Enter the prize as an amount such as 500.00."],
    [{ prize: "" }, "prize", "Enter the prize as an amount such as 500.00."],
    [{ prize: 500 }, "prize", "Enter the prize as an amount such as 500.00."],
    [{ currency: "XYZ" }, "currency", "Choose a currency such as USD (a three-letter ISO 4217 code)."],
    [{ currency: undefined }, "currency", "Choose a currency such as USD."],
    [{ startDate: "soon" }, "startDate", "Enter the start as a date and time."],
    [{ startDate: "2026-12-01T11:59:00Z" }, "startDate", "The start must be in the future."],
    [{ endDate: "later" }, "endDate", "Enter the end as a date and time."],
    [{ endDate: "2026-12-01T23:00:00Z" }, "endDate", "The end must be after the start."],
    [{ endDate: "2026-12-02T00:59:59Z" }, "endDate", "The competition must last at least 1 hour."],
    [
      { endDate: "2027-01-27T00:00:01Z" },
      "endDate",
      "The competition can last at most 56 days: Shopify shows the app only the last 60 days of a store's orders, and every order must still be readable when the results are settled.",
    ],
  ];
  for (const [patch, path, message] of cases) {
    if (message === "") {
      assert.ok(schema.safeParse({ ...valid, ...patch }).success, JSON.stringify(patch));
      continue;
    }
    assert.equal(messages({ ...valid, ...patch })[path], message, JSON.stringify(patch));
  }
});

Deno.test("competition input - limits follow the currency and the settings", () => {
  assert.equal(schema.safeParse({ ...valid, prize: "1000000", currency: "JPY" }).data?.prize, 1000000);
  assert.equal(
    messages({ ...valid, prize: "1000001", currency: "JPY" }).prize,
    "The prize can be at most 1,000,000 JPY.",
  );
  assert.equal(
    messages({ ...valid, prize: "0.5", currency: "JPY" }).prize,
    "JPY amounts have at most 0 decimal places.",
  );
  assert.equal(schema.safeParse({ ...valid, prize: "0.001", currency: "KWD" }).data?.prize, 1);
  const quick = competitionInputSchema({ now, minDurationS: 30 });
  assert.ok(quick.safeParse({ ...valid, endDate: "2026-12-02T00:00:30Z" }).success);
  assert.equal(
    competitionInputSchema({ now, minDurationS: 90 }).safeParse({ ...valid, endDate: "2026-12-02T00:01:00Z" }).error
      ?.issues[0].message,
    "The competition must last at least 90 seconds.",
  );
  assert.ok(schema.safeParse({ ...valid, endDate: "2027-01-27T00:00:00Z" }).success, "exactly 56 days is allowed");
  assert.equal(
    messages({ ...valid, endDate: "2027-01-31T00:00:00Z" }).endDate?.split(":")[0],
    "The competition can last at most 56 days",
    "60 days would leave the first orders outside Shopify's window at the final sync",
  );
});

Deno.test("competition input - a prize split, a metric and a minimum baseline, each issue with its message", () => {
  const parsed = schema.safeParse({
    ...valid,
    prizeSplit: [60, 30, 10],
    metric: "growth",
    growthMinBaseline: "250.50",
  });
  assert.equal(parsed.success, true);
  assert.deepEqual(parsed.data?.prizeSplit, [60, 30, 10]);
  assert.equal(parsed.data?.metric, "growth");
  assert.equal(parsed.data?.growthMinBaseline, 25050);
  assert.ok(schema.safeParse({ ...valid, prizeSplit: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10] }).success);
  const cases: [Record<string, unknown>, string, string][] = [
    [{ prizeSplit: [60, 30] }, "prizeSplit", "The shares add up to 90%; they must add up to 100%."],
    [{ prizeSplit: [50, 60] }, "prizeSplit", "The shares add up to 110%; they must add up to 100%."],
    [{ prizeSplit: Array(11).fill(9) }, "prizeSplit", "A prize can be split between at most 10 places."],
    [{ prizeSplit: [] }, "prizeSplit", "Give 1st place a share of the prize."],
    [{ prizeSplit: [100, 0] }, "prizeSplit.1", "The 2nd place share must be more than 0%."],
    [{ prizeSplit: [110, -10] }, "prizeSplit.1", "The 2nd place share must be more than 0%."],
    [{ prizeSplit: [50.5, 49.5] }, "prizeSplit.0", "The 1st place share must be a whole percentage."],
    [{ prizeSplit: [60, "40"] }, "prizeSplit.1", "Enter each place's share as a whole percentage, e.g. 60, 30, 10."],
    [{ prizeSplit: "60/40" }, "prizeSplit", "Enter the split as a list of whole percentages, e.g. [60, 30, 10]."],
    [{ metric: "profit" }, "metric", "Choose what the competition ranks by: revenue, orders or growth."],
    [
      { metric: "growth", growthMinBaseline: "abc" },
      "growthMinBaseline",
      "Enter the minimum baseline as an amount such as 100.00.",
    ],
    [
      { metric: "growth", endDate: "2027-01-01T00:00:01Z" },
      "metric",
      "A competition ranked by growth can last at most 30 days: each store's baseline is its revenue in the equal period before the start, and Shopify lets the app read only the last 60 days of orders.",
    ],
  ];
  for (const [patch, path, message] of cases) {
    assert.equal(messages({ ...valid, ...patch })[path], message, JSON.stringify(patch));
  }
  assert.ok(schema.safeParse({ ...valid, metric: "growth", endDate: "2027-01-01T00:00:00Z" }).success, "30 days");
});

Deno.test("competition input - manual orders and a customer cap, each issue naming its field", () => {
  const parsed = schema.safeParse({ ...valid, countManualOrders: true, customerCap: " 250.5 " });
  assert.equal(parsed.success, true);
  assert.equal(parsed.data?.countManualOrders, true);
  assert.equal(parsed.data?.customerCap, 25050);
  assert.equal(schema.safeParse({ ...valid, customerCap: "0.01" }).data?.customerCap, 1, "the smallest cap");
  assert.equal(schema.safeParse({ ...valid, customerCap: "3", currency: "JPY" }).data?.customerCap, 3);
  assert.ok(!("customerCap" in schema.safeParse(valid).data!), "no cap unless asked");
  const cases: [Record<string, unknown>, string, string][] = [
    [
      { countManualOrders: "yes" },
      "countManualOrders",
      "countManualOrders must be true or false.",
    ],
    [
      { countManualOrders: 1 },
      "countManualOrders",
      "countManualOrders must be true or false.",
    ],
    [
      { customerCap: "-5" },
      "customerCap",
      "Enter the customer cap as an amount such as 250.00.",
    ],
    [{ customerCap: "0" }, "customerCap", "The customer cap must be more than zero."],
    [{ customerCap: "0.00" }, "customerCap", "The customer cap must be more than zero."],
    [{ customerCap: "0.001" }, "customerCap", "USD amounts have at most 2 decimal places."],
    [{ customerCap: "lots" }, "customerCap", "Enter the customer cap as an amount such as 250.00."],
    [{ customerCap: 250 }, "customerCap", "Enter the customer cap as an amount such as 250.00."],
    [{ customerCap: "0.5", currency: "JPY" }, "customerCap", "JPY amounts have at most 0 decimal places."],
  ];
  for (const [patch, path, message] of cases) {
    assert.equal(messages({ ...valid, ...patch })[path], message, JSON.stringify(patch));
  }
});
