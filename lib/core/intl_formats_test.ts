import assert from "node:assert/strict";
import { dateTimeFormat, numberFormat, relativeTimeFormat } from "./intl_formats.ts";
import { formatMoney } from "./money.ts";
import { formatDecimalMoney } from "../../components/format.ts";
import { formatDateTime } from "../web/time_text.ts";
import { readableTime } from "../web/viewer_clock.ts";

Deno.test("intl formats - one formatter per locale and options, kept; an unknown zone throws and keeps nothing", () => {
  const usd = numberFormat("en-US", { style: "currency", currency: "USD" });
  assert.equal(numberFormat("en-US", { style: "currency", currency: "USD" }), usd, "the same formatter again");
  assert.notEqual(numberFormat("en-US", { style: "currency", currency: "EUR" }), usd);
  assert.equal(usd.format(1234.5), "$1,234.50");
  const paris = dateTimeFormat("en-US", { timeZone: "Europe/Paris" });
  assert.equal(dateTimeFormat("en-US", { timeZone: "Europe/Paris" }), paris);
  assert.notEqual(dateTimeFormat("en-US", { timeZone: "Asia/Tokyo" }), paris);
  assert.throws(() => dateTimeFormat("en-US", { timeZone: "Mars/Olympus" }), RangeError);
  assert.throws(() => dateTimeFormat("en-US", { timeZone: "Mars/Olympus" }), RangeError, "thrown again: nothing kept");
  assert.equal(relativeTimeFormat("en", { numeric: "always" }).format(-2, "hour"), "2 hours ago");
});

Deno.test("intl formats - kept formatters write what a new one writes: money, and a reader's time in their zone", () => {
  const amounts: [number, string, string][] = [
    [123450, "USD", "$1,234.50"],
    [5000, "JPY", "¥5,000"],
    [1, "KWD", "KWD\u00a00.001"],
  ];
  for (const [minor, currency, text] of amounts) {
    assert.equal(formatMoney(minor, currency), text);
    assert.equal(formatMoney(minor, currency), text, "from the kept formatter");
  }
  assert.equal(formatDecimalMoney("1234.50", "USD"), "$1,234.50");
  const iso = "2026-12-02T00:00:00.000Z";
  for (const zone of ["UTC", "America/Los_Angeles", "Asia/Tokyo"]) {
    assert.equal(readableTime(iso, zone, 0), formatDateTime(iso, zone), zone);
    assert.equal(readableTime(iso, zone, 0), formatDateTime(iso, zone), `${zone}, kept`);
  }
  assert.equal(readableTime(iso, "America/Los_Angeles", 0), "Dec 1, 2026, 16:00 PST");
});
