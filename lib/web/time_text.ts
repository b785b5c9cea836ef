/**
 * Clock times for people: a date and time in a zone, with the zone named,
 * and the browser's own zone. Apart from the reader clock
 * (`viewer_clock.ts`), so the islands that only write a time in the
 * browser's zone (a local time, the form's end) ship nothing more.
 */

/** The browser's own time zone. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * The parts of {@link formatDateTime}'s date-time (with a `timeZone`): en-US
 * writes exactly this shape, in Deno and in browsers alike: "Dec 1, 2026, 16:00 PST".
 */
export const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZoneName: "short",
};

/**
 * A date-time for people in `timeZone`, with the zone named, e.g.
 * `"Dec 2, 2026, 00:00 UTC"` or `"Dec 1, 2026, 16:00 PST"`; 24-hour clock,
 * as the forms use.
 * @example formatDateTime("2026-12-02T00:00:00Z", "America/Los_Angeles") // "Dec 1, 2026, 16:00 PST"
 */
export function formatDateTime(iso: string, timeZone: string): string {
  // Made per call: the forms and the local-time island write a few; a page's many go through `readableTime`
  // (`viewer_clock.ts`), which keeps its formatters (the forms' page is at its script budget).
  return new Intl.DateTimeFormat("en-US", { ...DATE_TIME, timeZone }).format(new Date(iso));
}

/**
 * A date-time in UTC, e.g. `"Dec 2, 2026, 00:00 UTC"`: for readers with no
 * zone at all (a share card's image, a notification to someone never seen).
 * @example formatUtc("2026-12-02T00:00:00Z")
 */
export function formatUtc(iso: string): string {
  return formatDateTime(iso, "UTC");
}
