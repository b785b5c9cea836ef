/**
 * Local date-time arithmetic for the forms: `datetime-local` values are
 * wall-clock times in a zone (the visitor's in the browser, UTC on the
 * server and without JavaScript); the schema and the records use ISO 8601 in
 * UTC. Pure, so the create-form island and the server convert the same way.
 */

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `timeZone` when the runtime knows it as an IANA zone, else UTC. */
export function knownTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`, in ms. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * A `datetime-local` value read as a wall-clock time in `timeZone`, as ISO
 * 8601 in UTC; other text unchanged (the schema then says what is wrong).
 * @example zonedInputToIso("2026-12-02T09:30", "America/Los_Angeles") // "2026-12-02T17:30:00.000Z"
 */
export function zonedInputToIso(value: string, timeZone = "UTC"): string {
  const trimmed = value.trim();
  const m = LOCAL_DATE_TIME.exec(trimmed);
  if (!m) return trimmed;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  // The offset at the guess, then at the result: right on both sides of a daylight-saving change.
  let ms = wall - zoneOffsetMs(wall, timeZone);
  ms = wall - zoneOffsetMs(ms, timeZone);
  return new Date(ms).toISOString();
}

/**
 * A `datetime-local` value read as UTC, as ISO 8601; other text unchanged.
 * @example utcInputToIso("2026-12-02T09:30") // "2026-12-02T09:30:00Z"
 */
export function utcInputToIso(value: string): string {
  const trimmed = value.trim();
  if (!LOCAL_DATE_TIME.test(trimmed)) return trimmed;
  return trimmed.length === 16 ? `${trimmed}:00Z` : `${trimmed}Z`;
}

/**
 * An ISO date-time as a `datetime-local` value in `timeZone` (UTC by default).
 * @example isoToZonedInput("2026-12-02T17:30:00.000Z", "America/Los_Angeles") // "2026-12-02T09:30"
 */
export function isoToZonedInput(iso: string, timeZone = "UTC"): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms + zoneOffsetMs(ms, timeZone)).toISOString().slice(0, 16);
}

/** The next full hour after `now`, as ISO 8601. */
export function nextFullHour(now: number): string {
  return new Date(Math.floor(now / 3_600_000) * 3_600_000 + 3_600_000).toISOString();
}
