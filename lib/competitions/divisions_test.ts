import assert from "node:assert/strict";
import { competitionInputSchema } from "./input_schema.ts";
import {
  boardsOf,
  divisionFor,
  divisionRange,
  divisionsInTabOrder,
  placement,
  placementBaseline,
  requestedDivision,
  shownDivision,
} from "./divisions.ts";
import { ValidationError } from "../core/errors.ts";
import { activeCompetition } from "../../testing/fixtures.ts";
import { updateParticipant } from "./participants.ts";
import { recordOrder } from "./revenue.ts";
import { decidePlaces, readLeaderboard, readUnplaced } from "./leaderboard.ts";

const now = Date.parse("2026-12-01T12:00:00Z");
const schema = competitionInputSchema({ now, minDurationS: 3600 });
const base = {
  title: "Store League",
  currency: "USD",
  startDate: "2026-12-02T00:00:00Z",
  endDate: "2026-12-09T00:00:00Z",
};
const TWO = [
  { name: "Rising", upTo: "1000.00", prize: "200.00", prizeSplit: [70, 30] },
  { name: "Established", prize: "300.00" },
];

function messages(input: Record<string, unknown>): Record<string, string> {
  const result = schema.safeParse({ ...base, ...input });
  assert.equal(result.success, false, JSON.stringify(input));
  return Object.fromEntries(result.error!.issues.map((issue) => [issue.path.join("."), issue.message]));
}

Deno.test("divisions input - the prize is the divisions' total; each division keeps its split (default [100])", () => {
  const result = schema.safeParse({ ...base, divisions: TWO });
  assert.ok(result.success, JSON.stringify(result.error?.issues));
  assert.equal(result.data.prize, 50_000);
  assert.deepEqual(result.data.prizeSplit, [100]);
  assert.deepEqual(result.data.divisions, [
    { name: "Rising", upTo: 100_000, prize: 20_000, prizeSplit: [70, 30] },
    { name: "Established", prize: 30_000, prizeSplit: [100] },
  ]);
  // Given, the prize must be the total; null, [] and absent divisions are one board.
  assert.equal(schema.safeParse({ ...base, prize: "500.00", divisions: TWO }).data?.prize, 50_000);
  for (const none of [null, [], undefined]) {
    const one = schema.safeParse({ ...base, prize: "50.00", divisions: none });
    assert.ok(one.success);
    assert.equal(one.data.divisions, undefined);
  }
});

Deno.test("divisions input - every bad division is a 400 naming its field", () => {
  const cases: [unknown, string, string][] = [
    [[TWO[1]], "divisions", "Give at least two divisions, or leave divisions out for a single board."],
    [
      Array.from({ length: 9 }, (_, i) => ({ name: `D${i}`, upTo: i < 8 ? `${i + 1}00` : undefined, prize: "1" })),
      "divisions",
      "A competition can have at most 8 divisions.",
    ],
    [[{ ...TWO[0], name: " " }, TWO[1]], "divisions.0.name", "Give division 1 a name."],
    [
      [TWO[0], { ...TWO[1], name: "rising" }],
      "divisions.1.name",
      'Division names must differ: "rising" is used twice.',
    ],
    [
      [{ ...TWO[0], name: "x".repeat(41) }, TWO[1]],
      "divisions.0.name",
      "Keep division names to 40 characters or fewer.",
    ],
    [
      [{ ...TWO[0], upTo: undefined }, TWO[1]],
      "divisions.0.upTo",
      'Give "Rising" an upTo: the 30-day sales below which a store is in it.',
    ],
    [
      [TWO[0], { ...TWO[1], upTo: "5000.00" }],
      "divisions.1.upTo",
      'Leave the last division\'s upTo out: "Established" takes every store above the one before.',
    ],
    [
      [TWO[0], { name: "Middle", upTo: "1000.00", prize: "1" }, TWO[1]],
      "divisions.1.upTo",
      "Each division's upTo must be above the one before: \"Middle\"'s overlaps the division above it.",
    ],
    [
      [TWO[0], { name: "Middle", upTo: "500.00", prize: "1" }, TWO[1]],
      "divisions.1.upTo",
      "Each division's upTo must be above the one before: \"Middle\"'s overlaps the division above it.",
    ],
    [[{ ...TWO[0], upTo: "0" }, TWO[1]], "divisions.0.upTo", '"Rising"\'s upTo must be more than zero.'],
    [[{ ...TWO[0], upTo: "10.001" }, TWO[1]], "divisions.0.upTo", "USD amounts have at most 2 decimal places."],
    [[{ ...TWO[0], upTo: "lots" }, TWO[1]], "divisions.0.upTo", "Enter the upTo as an amount such as 1000.00."],
    [[{ ...TWO[0], prize: undefined }, TWO[1]], "divisions.0.prize", 'Give "Rising" a prize.'],
    [[{ ...TWO[0], prize: "0" }, TWO[1]], "divisions.0.prize", '"Rising"\'s prize must be more than zero.'],
    [
      [{ ...TWO[0], prizeSplit: [60, 30] }, TWO[1]],
      "divisions.0.prizeSplit",
      '"Rising": The shares add up to 90%; they must add up to 100%.',
    ],
    [
      [TWO[0], { ...TWO[1], prize: "999800.01" }],
      "divisions",
      "The divisions' prizes add up to 1000000.01. The prize can be at most 1,000,000 USD.",
    ],
    ["two", "divisions", "Enter divisions as a list of {name, upTo?, prize, prizeSplit?}."],
    [[TWO[0], 3], "divisions.1", "Enter each division as {name, upTo?, prize, prizeSplit?}."],
  ];
  for (const [divisions, path, message] of cases) {
    assert.equal(messages({ divisions })[path], message, `${path}: ${JSON.stringify(divisions).slice(0, 80)}`);
  }
  assert.equal(
    messages({ prize: "400.00", divisions: TWO }).prize,
    "With divisions the prize is their total: the divisions' prizes add up to 500.00. Make the prize 500.00, or leave it out.",
  );
  assert.equal(
    messages({ prizeSplit: [60, 40], divisions: TWO }).prizeSplit,
    "With divisions each division has its own prizeSplit: leave the competition's out.",
  );
  assert.equal(
    messages({}).prize,
    "Enter the prize as an amount such as 500.00.",
    "no divisions: the prize is required",
  );
});

Deno.test("divisions - a store lands in the first division whose upTo is above its baseline; equal goes on", () => {
  const divisions = [{ upTo: 100_000 }, { upTo: 500_000 }, {}];
  assert.equal(divisionFor(divisions, 0), 1);
  assert.equal(divisionFor(divisions, 99_999), 1);
  assert.equal(divisionFor(divisions, 100_000), 2, "a baseline equal to upTo goes to the next division");
  assert.equal(divisionFor(divisions, 499_999), 2);
  assert.equal(divisionFor(divisions, 500_000), 3);
  assert.equal(divisionFor(divisions, 1e12), 3);
});

Deno.test("divisions - the baseline is 30 days of sales, scaled up when Shopify's window cut the history short", () => {
  assert.equal(placementBaseline({ revenue: 123_456, hours: 720 }), 123_456);
  assert.equal(placementBaseline({ revenue: 50_000, hours: 360 }), 100_000);
  assert.equal(placementBaseline({ revenue: 0, hours: 0 }), 0);
  const competition = {
    divisions: [{ name: "A", upTo: 100_000, prize: 1, prizeSplit: [100] }, { name: "B", prize: 1, prizeSplit: [100] }],
  };
  assert.deepEqual(placement({ division: null }, competition, { revenue: 100_000, hours: 720 }), {
    division: 2,
    divisionBaseline: 100_000,
  });
  assert.deepEqual(placement({ division: 1 }, competition, { revenue: 100_000, hours: 720 }), {}, "placed once");
  assert.deepEqual(placement({}, { divisions: undefined }, { revenue: 1, hours: 720 }), {}, "no divisions");
});

Deno.test("divisions - boards, ?division= and the tabs' order", () => {
  const competition = {
    prize: 50_000,
    prizeSplit: [100],
    currency: "USD",
    divisions: [
      { name: "Rising", upTo: 100_000, prize: 20_000, prizeSplit: [70, 30] },
      { name: "Established", prize: 30_000, prizeSplit: [100] },
    ],
  };
  assert.deepEqual(boardsOf(competition).map((b) => [b.division, b.name, b.prize, b.prizeSplit]), [
    [1, "Rising", 20_000, [70, 30]],
    [2, "Established", 30_000, [100]],
  ]);
  assert.deepEqual(boardsOf({ prize: 1000, prizeSplit: [60, 40] }), [{ prize: 1000, prizeSplit: [60, 40] }]);
  assert.equal(requestedDivision(competition, undefined), 1);
  assert.equal(requestedDivision(competition, "2"), 2);
  assert.equal(requestedDivision({}, undefined), undefined);
  for (const bad of ["0", "3", "1.5", "Rising"]) {
    assert.throws(() => requestedDivision(competition, bad), ValidationError);
  }
  assert.throws(() => requestedDivision({}, "1"), /no divisions/);
  assert.equal(shownDivision(competition, "nope", 2), 2, "a page falls back to the viewer's own division");
  assert.equal(shownDivision(competition, undefined, null), 1);
  assert.equal(shownDivision({}, "1", undefined), undefined);
  assert.deepEqual(divisionsInTabOrder(competition, 2).map((tab) => tab.number), [2, 1]);
  assert.deepEqual(divisionsInTabOrder(competition, null).map((tab) => tab.number), [1, 2]);
  assert.equal(divisionRange(competition.divisions, 1, "USD"), "30-day sales below $1,000.00");
  assert.equal(divisionRange(competition.divisions, 2, "USD"), "30-day sales of $1,000.00 and above");
});

Deno.test("divisions - each division decides its own places from its own board; what nobody earned adds up", async () => {
  using kv = await Deno.openKv(":memory:");
  const start = Date.parse("2026-12-02T00:00:00Z");
  const { competition, participants } = await activeCompetition(kv, {
    start,
    stores: 4,
    divisions: [
      { name: "Rising", upTo: "1000.00", prize: "100.00", prizeSplit: [60, 40] },
      { name: "Established", prize: "300.00", prizeSplit: [50, 30, 20] },
    ],
  });
  const [small, smaller, big, unplaced] = participants;
  const sale = (id: string, amount: number) =>
    recordOrder(kv, id, {
      orderId: `${id}-1`,
      createdAt: new Date(start + 60_000).toISOString(),
      updatedAt: new Date(start + 60_000).toISOString(),
      amount,
      currency: "USD",
      test: false,
      cancelled: false,
    }, start + 60_000);
  for (const [store, division, amount] of [[small, 1, 500], [smaller, 1, 300], [big, 2, 100_000]] as const) {
    await updateParticipant(kv, store.id, start, "leaderboard", (p) => ({ ...p, division }));
    await sale(store.id, amount);
  }
  await sale(unplaced.id, 1_000_000); // never placed (no sync after the start): on no board
  const { places, unearned } = await decidePlaces(kv, competition, start + 3600_000);
  assert.deepEqual(places.map((p) => [p.division, p.place, p.participantId, p.amount]), [
    [1, 1, small.id, 6_000],
    [1, 2, smaller.id, 4_000],
    [2, 1, big.id, 15_000],
  ]);
  assert.equal(unearned, 9_000 + 6_000, "Established's 2nd and 3rd places go back");
  assert.deepEqual((await readLeaderboard(kv, competition.id, 10, 2)).map((row) => row.id), [big.id]);
  assert.deepEqual((await readUnplaced(kv, competition.id)).map((row) => row.id), [unplaced.id]);
});
