import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { CompetitionForm } from "./competition_form.tsx";
import {
  emptyFormValues,
  endPreview,
  formValuesToInput,
  formValuesToPatch,
  issuesToErrors,
  splitFromText,
  splitPreview,
  suggestedCustomerCap,
  validateCompetitionForm,
} from "./competition_form_values.ts";
import { isoToZonedInput, knownTimeZone, zonedInputToIso } from "./local_date_time.ts";

Deno.test("competition form - the split field reads 60/30/10 and shows each place's amount", () => {
  assert.deepEqual(splitFromText("60, 30, 10"), [60, 30, 10]);
  assert.deepEqual(splitFromText("60/30/10%"), [60, 30, 10]);
  assert.ok(Number.isNaN(splitFromText("60, x")[1]));
  assert.equal(
    splitPreview({ prize: "500", currency: "usd", prizeSplit: "60 30 10" }),
    "1st $300.00, 2nd $150.00, 3rd $50.00",
  );
  assert.equal(splitPreview({ prize: "0.01", currency: "USD", prizeSplit: "50, 50" }), "1st $0.01, 2nd $0.00");
  assert.equal(splitPreview({ prize: "500", currency: "USD", prizeSplit: "60, 30" }), null, "not 100%");
  assert.equal(splitPreview({ prize: "abc", currency: "USD", prizeSplit: "100" }), null);
  const html = renderToString(
    <CompetitionForm
      action="/competitions/new"
      values={{ ...emptyFormValues(), prize: "500.00", prizeSplit: "60, 30, 10", metric: "growth" }}
      errors={{}}
    />,
  );
  assert.match(html, /1st \$300\.00, 2nd \$150\.00, 3rd \$50\.00/);
  assert.match(html, /<option value="growth" selected/);
  assert.match(html, /name="growthMinBaseline"/, "the minimum baseline is asked for growth only");
  assert.doesNotMatch(
    renderToString(
      <CompetitionForm action="/x" values={emptyFormValues()} errors={{}} />,
    ),
    /name="growthMinBaseline"/,
  );
});

Deno.test("competition form - the schema's split messages land on the split field", () => {
  const values = {
    ...emptyFormValues(),
    title: "Cup",
    prize: "10",
    startDate: "2026-12-02T00:00",
    endDate: "2026-12-03T00:00",
  };
  const rules = { now: Date.parse("2026-12-01T00:00:00Z"), minDurationS: 3600 };
  assert.deepEqual(validateCompetitionForm(values, rules), {});
  assert.equal(
    validateCompetitionForm({ ...values, prizeSplit: "60, 30" }, rules).prizeSplit,
    "The shares add up to 90%; they must add up to 100%.",
  );
  assert.equal(
    validateCompetitionForm({ ...values, prizeSplit: "70, 30.5" }, rules).prizeSplit,
    "The 2nd place share must be a whole percentage.",
  );
  assert.deepEqual(issuesToErrors([{ path: "prizeSplit.2", message: "m" }]), { prizeSplit: "m" });
  assert.equal("prizeSplit" in formValuesToInput({ ...values, prizeSplit: " " }), false, "empty keeps the default");
});

Deno.test("competition form - dates are the visitor's wall-clock times, a length from the list sets the end", () => {
  // Pacific time, on both sides of the end of daylight saving (Nov 1, 2026, 02:00 PDT → 01:00 PST).
  assert.equal(zonedInputToIso("2026-12-02T09:30", "America/Los_Angeles"), "2026-12-02T17:30:00.000Z");
  assert.equal(zonedInputToIso("2026-07-02T09:30", "America/Los_Angeles"), "2026-07-02T16:30:00.000Z");
  assert.equal(zonedInputToIso("2026-12-02T09:30", "Asia/Kolkata"), "2026-12-02T04:00:00.000Z");
  assert.equal(isoToZonedInput("2026-12-02T17:30:00.000Z", "America/Los_Angeles"), "2026-12-02T09:30");
  assert.equal(zonedInputToIso("soon", "Europe/Berlin"), "soon", "other text is left to the schema's message");
  assert.equal(knownTimeZone("Not/AZone"), "UTC");

  const now = Date.parse("2026-12-01T14:37:12Z");
  const fresh = emptyFormValues(now);
  assert.equal(fresh.startDate, "2026-12-01T15:00", "the next full hour");
  assert.equal(fresh.duration, "604800");
  const day = formValuesToInput({ ...fresh, timeZone: "America/Los_Angeles", duration: "86400" });
  assert.equal(day.startDate, "2026-12-01T23:00:00.000Z");
  assert.equal(day.endDate, "2026-12-02T23:00:00.000Z", "one day after the start, whatever endDate held");
  assert.equal(
    endPreview({ ...fresh, timeZone: "America/Los_Angeles", duration: "3600" }),
    "Ends Dec 1, 2026, 16:00 PST",
  );
  const custom = formValuesToInput({ ...fresh, duration: "custom", endDate: "2026-12-03T15:00" });
  assert.equal(custom.endDate, "2026-12-03T15:00:00.000Z");
});

Deno.test("competition form - the counting rules: a ticked box counts manual orders, an empty cap is none (removed on edit), the cap suggested is a quarter of the prize", () => {
  const values = { ...emptyFormValues(), prize: "500.00" };
  assert.equal(formValuesToInput({ ...values, countManualOrders: "on" }).countManualOrders, true);
  assert.equal(formValuesToInput(values).countManualOrders, false);
  assert.equal("customerCap" in formValuesToInput({ ...values, customerCap: " " }), false);
  assert.equal(formValuesToInput({ ...values, customerCap: "150" }).customerCap, "150");
  assert.equal(formValuesToPatch({ ...values, customerCap: "" }).customerCap, null);
  assert.equal("customerCap" in formValuesToPatch({ title: "Cup" }), false, "a locked cap is not sent: kept");
  assert.equal(suggestedCustomerCap(values), "125.00");
  assert.equal(suggestedCustomerCap({ prize: "1001", currency: "jpy" }), "250");
  assert.equal(suggestedCustomerCap({ prize: "10.001", currency: "KWD" }), "2.500");
  assert.equal(suggestedCustomerCap({ prize: "", currency: "USD" }), null);
  assert.equal(suggestedCustomerCap({ prize: "500", currency: "XX" }), null);
});
