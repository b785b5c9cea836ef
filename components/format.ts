/**
 * Formatting shared by pages and islands: money from decimal strings, ranks
 * and dates. Pure, so it runs on the server and in the browser alike.
 */

/**
 * Formats a decimal string such as `"1234.50"` as money, exactly (the string
 * goes to `Intl.NumberFormat`, never through a float).
 * @example formatDecimalMoney("1234.50", "USD") // "$1,234.50"
 */
export function formatDecimalMoney(decimal: string, currency: string, locale = "en-US"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency })
    .format(decimal as unknown as number);
}

/**
 * An English ordinal.
 * @example ordinal(1) // "1st"; ordinal(12) // "12th"; ordinal(23) // "23rd"
 */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

/**
 * A date-time for people in `timeZone`, with the zone named, e.g.
 * `"Dec 2, 2026, 00:00 UTC"` or `"Dec 1, 2026, 16:00 PST"`; 24-hour clock,
 * as the forms use.
 * @example formatDateTime("2026-12-02T00:00:00Z", "America/Los_Angeles") // "Dec 1, 2026, 16:00 PST"
 */
export function formatDateTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
    timeZoneName: "short",
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("month")} ${part("day")}, ${part("year")}, ${part("hour")}:${part("minute")} ${part("timeZoneName")}`;
}

/**
 * A date-time in UTC for people, e.g. `"Dec 2, 2026, 00:00 UTC"` (what the
 * server writes before the visitor's zone is known).
 * @example formatUtc("2026-12-02T00:00:00Z")
 */
export function formatUtc(iso: string): string {
  return formatDateTime(iso, "UTC");
}
