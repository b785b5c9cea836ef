import assert from "node:assert/strict";
import { ValidationError } from "../core/errors.ts";
import { parseSeasonInput, roundStartMs, roundWindows } from "./season_input.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const RULES = { now: NOW, minDurationS: 3600, acceptsCurrency: (code: string) => code !== "XAF" };

const VALID = {
  title: "Winter League",
  rounds: 4,
  every: "week",
  startDate: "2026-12-07T09:00:00Z",
  template: { currency: "usd", prize: "100.00", prizeSplit: [70, 30] },
  seasonPrize: "250.00",
  seasonPrizeSplit: [50, 30, 20],
};

/** The paths of the issues `body` is refused with. */
function issuesOf(body: unknown): Record<string, string> {
  try {
    parseSeasonInput(RULES, body);
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return Object.fromEntries(error.issues.map((issue) => [issue.path, issue.message]));
  }
  assert.fail("the input was accepted");
}

Deno.test("season input - a valid season: the template normalised by the competition's rules, defaults filled", () => {
  const season = parseSeasonInput(RULES, VALID);
  assert.equal(season.rounds, 4);
  assert.equal(season.template.currency, "USD");
  assert.equal(season.template.prize, 10_000);
  assert.deepEqual(season.template.prizeSplit, [70, 30]);
  assert.equal(season.template.metric, "revenue");
  assert.deepEqual(season.points, [25, 18, 15, 12, 10, 8, 6, 4, 2, 1]);
  assert.equal(season.seasonPrize, 25_000);
  assert.deepEqual(season.seasonPrizeSplit, [50, 30, 20]);
  assert.equal(season.startDate, "2026-12-07T09:00:00.000Z");
  assert.equal(season.roundHours, undefined);
  const none = parseSeasonInput(RULES, { ...VALID, seasonPrize: undefined, seasonPrizeSplit: undefined });
  assert.equal(none.seasonPrize, 0);
});

Deno.test("season input - bad input is refused naming each field", () => {
  assert.match(issuesOf({ ...VALID, rounds: 53 }).rounds, /at most 52 rounds/);
  assert.match(issuesOf({ ...VALID, rounds: 1 }).rounds, /at least 2 rounds/);
  assert.match(issuesOf({ ...VALID, rounds: 2.5 }).rounds, /whole number/);
  assert.match(issuesOf({ ...VALID, every: "fortnight" }).every, /day, week or month/);
  assert.match(issuesOf({ ...VALID, roundHours: 169 }).roundHours, /longer than its interval/);
  assert.match(issuesOf({ ...VALID, every: "month", roundHours: 29 * 24 }).roundHours, /longer than its interval/);
  assert.match(issuesOf({ ...VALID, points: [10, 12] })["points.1"], /more points than the place above/);
  assert.match(issuesOf({ ...VALID, points: [10, -1] })["points.1"], /negative/);
  assert.match(issuesOf({ ...VALID, points: [0] })["points.0"], /more than 0 points/);
  assert.match(issuesOf({ ...VALID, points: [10, 2.5] })["points.1"], /whole number/);
  assert.match(issuesOf({ ...VALID, points: [] }).points, /1st place some points/);
  assert.match(issuesOf({ ...VALID, startDate: "2026-11-30T00:00:00Z" }).startDate, /in the future/);
  assert.match(issuesOf({ ...VALID, template: "weekly" }).template, /template/);
  // A template field a competition would refuse, named under template.
  assert.match(issuesOf({ ...VALID, template: { ...VALID.template, prize: "-5" } })["template.prize"], /amount/);
  assert.match(issuesOf({ ...VALID, template: { ...VALID.template, currency: "XAF" } })["template.currency"], /Whop/);
  assert.match(
    issuesOf({ ...VALID, template: { ...VALID.template, prizeSplit: [60, 30] } })["template.prizeSplit"],
    /add up to 90%/,
  );
  assert.match(issuesOf({ ...VALID, template: { ...VALID.template, metric: "likes" } })["template.metric"], /ranks by/);
  assert.match(
    issuesOf({ ...VALID, template: { ...VALID.template, endDate: VALID.startDate } })["template.endDate"],
    /season/,
  );
  // A month of growth is longer than a growth competition may last (the competition's own rule, per round).
  assert.match(
    issuesOf({ ...VALID, every: "month", template: { ...VALID.template, metric: "growth" } })["template.metric"],
    /at most 30 days/,
  );
  // A round shorter than the shortest competition.
  assert.match(issuesOf({ ...VALID, every: "day", roundHours: 0 }).roundHours, /at least an hour/);
  // The season prize obeys the prize's rules.
  assert.match(issuesOf({ ...VALID, seasonPrize: "12.345" }).seasonPrize, /decimal/);
  assert.match(issuesOf({ ...VALID, seasonPrizeSplit: [50, 40] }).seasonPrizeSplit, /add up to 90%/);
  assert.match(issuesOf({ ...VALID, seasonPrize: undefined }).seasonPrizeSplit, /season prize to split/);
  assert.match(issuesOf({ ...VALID, title: "ab" }).title, /at least 3/);
  assert.match(issuesOf({ ...VALID, title: "x".repeat(81) }).title, /80 characters/);
});

Deno.test("season input - the calendar: days and weeks exact, months keep the day or take the month's last", () => {
  const jan31 = Date.parse("2027-01-31T09:00:00Z");
  assert.equal(new Date(roundStartMs(jan31, "month", 1)).toISOString(), "2027-02-28T09:00:00.000Z");
  assert.equal(new Date(roundStartMs(jan31, "month", 2)).toISOString(), "2027-03-31T09:00:00.000Z");
  assert.equal(new Date(roundStartMs(jan31, "week", 2)).toISOString(), "2027-02-14T09:00:00.000Z");
  const windows = roundWindows({ startDate: "2027-01-31T09:00:00Z", every: "month", rounds: 3 });
  assert.deepEqual(windows.map((w) => [w.startDate.slice(0, 10), w.endDate.slice(0, 10)]), [
    ["2027-01-31", "2027-02-28"],
    ["2027-02-28", "2027-03-31"],
    ["2027-03-31", "2027-04-30"],
  ]);
  const short = roundWindows({ startDate: "2027-01-04T09:00:00Z", every: "day", rounds: 2, roundHours: 6 });
  assert.deepEqual(short.map((w) => w.endDate), ["2027-01-04T15:00:00.000Z", "2027-01-05T15:00:00.000Z"]);
});
