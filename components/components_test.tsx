import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { formatDecimalMoney, ordinal } from "./format.ts";
import { ViewerClockContext } from "../lib/web/viewer_clock.ts";
import { formatUtc } from "../lib/web/time_text.ts";
import { niceCeiling, RaceChart, seriesColours, stepPath, timeTicks, xDomain } from "./race_chart.tsx";
import { ElapsedBar, elapsedPercent } from "./elapsed_bar.tsx";
import { LeaderboardTable } from "./leaderboard_table.tsx";
import { FormField } from "./form_field.tsx";
import { PayoutState } from "./payout_state.tsx";
import {
  emptyFormValues,
  formValuesToInput,
  issuesToErrors,
  validateCompetitionForm,
} from "./competition_form_values.ts";
import { isoToZonedInput, utcInputToIso } from "./local_date_time.ts";
import { createCompetition } from "../lib/competitions/competitions.ts";
import { ValidationError } from "../lib/core/errors.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");

Deno.test("components - formatting: money from decimal strings, ordinals, UTC dates", () => {
  assert.equal(formatDecimalMoney("1234.50", "USD"), "$1,234.50");
  assert.equal(formatDecimalMoney("9007199254740993.01", "USD"), "$9,007,199,254,740,993.01");
  assert.equal(formatDecimalMoney("1000", "JPY"), "¥1,000");
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 102, 113].map(ordinal), [
    "1st",
    "2nd",
    "3rd",
    "4th",
    "11th",
    "12th",
    "13th",
    "21st",
    "102nd",
    "113th",
  ]);
  assert.equal(formatUtc("2026-12-02T00:05:00Z"), "Dec 2, 2026, 00:05 UTC");
});

Deno.test("components - race chart: round axis, step paths, no inline styles", () => {
  assert.equal(niceCeiling(0), 1);
  assert.equal(niceCeiling(730), 1000);
  assert.equal(niceCeiling(201), 250);
  assert.equal(niceCeiling(125.5), 200);
  const scale = { x: (ms: number) => ms, y: (v: number) => 100 - v, startMs: 0, untilMs: 50 };
  assert.equal(stepPath([[10, 20], [30, 40]], scale), "M0 100H10V80H30V60H50");
  assert.equal(stepPath([], scale), "M0 100H50");
  const html = renderToString(
    <RaceChart
      startMs={0}
      endMs={100_000}
      currency="USD"
      untilMs={50_000}
      lines={[{ participantId: "a", label: "Store A", points: [[10_000, 12.5]] }, {
        participantId: "b",
        label: "Store B",
        points: [],
      }]}
    />,
  );
  const colours = seriesColours(["a", "b"]);
  assert.notEqual(colours.get("a"), colours.get("b"));
  assert.match(html, new RegExp(`class="series series-${colours.get("a")}"`));
  assert.match(html, new RegExp(`class="series series-${colours.get("b")}"`));
  assert.match(html, /Revenue over time for 2 stores; Store A leads\./);
  assert.doesNotMatch(html, /style=/);
});

Deno.test("components - elapsed bar and leaderboard table", () => {
  assert.equal(elapsedPercent(0, 100, -5), 0);
  assert.equal(elapsedPercent(0, 100, 40), 40);
  assert.equal(elapsedPercent(0, 100, 100), 100);
  assert.match(renderToString(<ElapsedBar startMs={0} endMs={100} now={25} />), /25% of the time has passed/);
  const week = 7 * 86_400_000;
  assert.match(renderToString(<ElapsedBar startMs={0} endMs={week} now={20_000} />), /Started just now/);
  assert.match(renderToString(<ElapsedBar startMs={0} endMs={week} now={25 * 60_000} />), /Started 25 minutes ago/);
  const entry = {
    rank: 1,
    participantId: "p1",
    userId: "u1",
    displayName: "Store A",
    shop: "a.myshopify.com",
    revenue: "12.50",
    currency: "USD",
    value: "12.50",
    orders: 1,
    lastOrderAt: null,
    connected: false,
  };
  const html = renderToString(<LeaderboardTable entries={[entry]} moves={{ p1: "up" }} />);
  assert.match(html, /<tr data-participant-id="p1" class="row-up">/);
  assert.match(html, /\$12\.50/);
  assert.match(html, /store disconnected/);
  assert.match(renderToString(<LeaderboardTable entries={[]} />), /No stores have joined yet\./);
});

Deno.test("components - a form field carries its error for assistive technology", () => {
  const html = renderToString(<FormField name="title" label="Title" value="x" hint="Short" error="Too short." />);
  assert.match(html, /<label for="field-title">Title<\/label>/);
  assert.match(html, /aria-invalid="true"/);
  assert.match(html, /aria-describedby="field-title-hint field-title-error"/);
  assert.match(html, /<span class="field-error" id="field-title-error">Too short\.<\/span>/);
});

Deno.test("components - the form's values map onto the shared schema, with the server's own messages", async () => {
  assert.equal(utcInputToIso("2026-12-02T09:30"), "2026-12-02T09:30:00Z");
  assert.equal(utcInputToIso("2026-12-02T09:30:15"), "2026-12-02T09:30:15Z");
  assert.equal(utcInputToIso("tomorrow"), "tomorrow");
  assert.equal(isoToZonedInput("2026-12-02T09:30:00.000Z"), "2026-12-02T09:30");
  const values = {
    ...emptyFormValues(),
    title: "x",
    prize: "1.234",
    startDate: "2026-12-01T11:00",
    endDate: "2026-12-01T10:00",
  };
  const rules = { now: NOW, minDurationS: 3600 };
  const client = validateCompetitionForm(values, rules);
  using kv = await Deno.openKv(":memory:");
  const server = await createCompetition(kv, "u", formValuesToInput(values), rules)
    .then(
      () => assert.fail("the server accepted invalid input"),
      (error: ValidationError) => issuesToErrors(error.issues),
    );
  assert.deepEqual(client, server);
  assert.deepEqual(Object.keys(client).sort(), ["endDate", "prize", "startDate", "title"]);
  assert.deepEqual(
    validateCompetitionForm(
      { ...values, title: "Cup", prize: "10", startDate: "2026-12-02T00:00", endDate: "2026-12-03T00:00" },
      rules,
    ),
    {},
  );
});

Deno.test("components - the payout badge shows every state of the real payout record, and why a payout failed", () => {
  const html = (payout: Parameters<typeof PayoutState>[0]["payout"]) =>
    renderToString(
      <ViewerClockContext.Provider value={{ timeZone: "UTC", now: 0 }}>
        <PayoutState payout={payout} />
      </ViewerClockContext.Provider>,
    );
  assert.match(html(null), /Not started/);
  assert.match(html({ state: "pending", attempts: 0 }), /Payout pending/);
  assert.match(html({ state: "sending", attempts: 1 }), /Sending payout/);
  const sent = html({ state: "sent", attempts: 1, transferId: "xfer_123" });
  assert.match(sent, /Paid out/);
  assert.match(sent, /transfer xfer_123/);
  const failed = html({
    state: "failed",
    attempts: 2,
    lastError: "Whop refused the transfer: insufficient balance.",
    nextAttemptAt: "2026-12-01T13:00:00.000Z",
  });
  assert.match(failed, /Payout failed/);
  assert.match(failed, /Whop refused the transfer: insufficient balance\./);
  assert.match(failed, /next try <time datetime="2026-12-01T13:00:00.000Z">Dec 1, 2026, 13:00 UTC<\/time>/);
  assert.match(failed, /2 attempts/);
  const gaveUp = html({
    state: "failed",
    attempts: 12,
    lastError: "The destination is not a Whop user.",
    gaveUp: true,
  });
  assert.match(gaveUp, /The destination is not a Whop user\./);
  assert.match(gaveUp, /operators have been told/);
  for (const state of ["pending", "sending", "sent", "failed"] as const) {
    assert.doesNotMatch(html({ state, attempts: 1 }), /class="tag tag-[a-z]+"><\/span>/, `${state} has a label`);
  }
});

Deno.test("components - race chart: a live race fills the width, ticks fit the span, colours survive rank changes", () => {
  const HOUR = 3_600_000;
  const start = Date.parse("2026-12-01T14:00:00Z");
  const week = start + 7 * 24 * HOUR;
  // One hour into a week-long race the axis spans about an hour, not a week.
  const [from, to] = xDomain(start, week, start + HOUR);
  assert.equal(from, start);
  assert.ok(to - from <= 1.2 * HOUR && to - from >= HOUR, `spans ${(to - from) / HOUR} hours`);
  assert.deepEqual(xDomain(start, week, week + HOUR), [start, week], "after the end: the whole window");
  // A 2-hour race gets time-of-day ticks; a week gets day ticks; never more than five.
  const short = timeTicks(start, start + 2 * HOUR);
  assert.ok(short.length >= 2 && short.length <= 5);
  assert.ok(short.every((tick) => tick.step < 24 * HOUR));
  const long = timeTicks(start, week);
  assert.ok(long.length >= 2 && long.length <= 5 && long.every((tick) => tick.step >= 24 * HOUR));
  const render = (timeZone: string, untilMs: number) =>
    renderToString(
      <RaceChart
        startMs={start}
        endMs={start + 2 * HOUR}
        currency="USD"
        untilMs={untilMs}
        timeZone={timeZone}
        youParticipantId="p2"
        lines={[
          { participantId: "p1", label: "Alpha", points: [[start + 60_000, 10]] },
          { participantId: "p2", label: "Beta", points: [[start + 60_000, 5], [start + 30 * 60_000, 20]] },
        ]}
      />,
    );
  const html = render("UTC", start + HOUR);
  assert.match(html, />14:30</, "time-of-day ticks in the zone given");
  assert.match(render("America/Los_Angeles", start + HOUR), />06:30</);
  assert.match(html, /series-you/);
  assert.match(html, /Beta<strong class="you-tag">You<\/strong>/);
  assert.match(html, /\$20\.00/);
  // The same stores keep their colours whatever their order.
  const before = seriesColours(["p1", "p2", "p3"]);
  const after = seriesColours(["p3", "p1", "p2"]);
  assert.deepEqual([...before].sort(), [...after].sort());
  assert.equal(new Set(before.values()).size, 3);
});

Deno.test("components - the payout badge says a payout waits for funds, when it tries next, and when it was flagged", () => {
  const html = (payout: Parameters<typeof PayoutState>[0]["payout"]) =>
    renderToString(
      <ViewerClockContext.Provider value={{ timeZone: "UTC", now: 0 }}>
        <PayoutState payout={payout} />
      </ViewerClockContext.Provider>,
    );
  const waiting = html({
    state: "pending",
    attempts: 3,
    waitingSince: "2026-12-01T12:00:00.000Z",
    nextAttemptAt: "2026-12-01T13:00:00.000Z",
    lastError: "Waiting for funds to clear: $0.00 available, $97.00 pending, $300.00 needed.",
  });
  assert.match(
    waiting,
    /Waiting for funds to clear<\/span>.*— next try <time datetime="2026-12-01T13:00:00.000Z">Dec 1, 2026, 13:00 UTC<\/time>/,
  );
  assert.doesNotMatch(waiting, /failed|operators/);
  const flagged = html({
    state: "pending",
    attempts: 40,
    waitingSince: "2026-12-01T12:00:00.000Z",
    nextAttemptAt: "2026-12-15T13:00:00.000Z",
    flaggedAt: "2026-12-15T12:00:00.000Z",
  });
  assert.match(
    flagged,
    /flagged to the operators <time datetime="2026-12-15T12:00:00.000Z">Dec 15, 2026, 12:00 UTC<\/time>/,
  );
});
