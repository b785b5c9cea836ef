/**
 * What the server knows of a reader's clock: their time zone, from the
 * cookie the browser's island boot writes (`island_boot.ts`) on an earlier
 * visit, and the instant the page is rendered at. Times are written for
 * people in their zone with the zone named; before the zone is known (a
 * first visit, or a browser without JavaScript) they are written relative to
 * now ("in 3 days"), never as a UTC clock time the reader would misread.
 * Pure and dependency-light: islands read it too.
 */
import { dateTimeFormat, relativeTimeFormat } from "../core/intl_formats.ts";
import { createContext } from "preact";
import { DATE_TIME } from "./time_text.ts";

/** The reader's zone (IANA name) when known, and the render's instant (epoch ms). */
export interface ViewerClock {
  timeZone?: string;
  now: number;
}

/**
 * The page's reader clock: provided by each page render (`lib/web/render.tsx`)
 * and by islands that render times inside them (from their props).
 */
export const ViewerClockContext = /* @__PURE__ */ createContext<ViewerClock>({ now: 0 });

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;

/**
 * Cookie values the runtime accepted as zones, and the zone's own name for
 * each: asking builds a formatter (tens of µs), and every page asks. The
 * runtime accepts a name in any letter case, so forged spellings stop being
 * kept at the bound (each is then asked again, as before it was kept).
 */
const knownZones = new Map<string, string>();
const KNOWN_ZONES_KEPT = 1000;

/**
 * A time zone from a cookie, by the name the runtime gives it, when the
 * runtime knows it; otherwise `undefined` (the cookie is the browser's to
 * write and anyone's to forge). Any spelling of a zone is that one zone, so
 * it keeps one set of formatters and one shared rendering of a page.
 * @example readTimeZone("europe/paris") // "Europe/Paris"; readTimeZone("<b>") // undefined
 */
export function readTimeZone(value: string | undefined): string | undefined {
  if (!value || value.length > 64 || !ZONE_NAME.test(value)) return undefined;
  const known = knownZones.get(value);
  if (known) return known;
  try {
    const zone = new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
    if (knownZones.size < KNOWN_ZONES_KEPT) knownZones.set(value, zone);
    return zone;
  } catch {
    return undefined;
  }
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/**
 * How far an instant is from now, in its largest unit: `"in 3 days"`,
 * `"2 hours ago"`, `"just now"` within a minute.
 * @example relativeTime(-7_200_000) // "2 hours ago"
 */
export function relativeTime(deltaMs: number): string {
  const format = relativeTimeFormat("en", { numeric: "always" });
  for (const [unit, ms] of RELATIVE_UNITS) {
    const amount = Math.trunc(deltaMs / ms);
    if (amount !== 0) return format.format(amount, unit);
  }
  return "just now";
}

/**
 * A time for a reader: in their zone with the zone named when it is known,
 * otherwise relative to `now` (a first visit, before the browser said its
 * zone): never a clock time in a zone that is not theirs.
 * @example readableTime(iso, "Asia/Tokyo", now) // "Dec 2, 2026, 09:00 GMT+9"; readableTime(iso, undefined, now) // "in 3 days"
 */
export function readableTime(iso: string, timeZone: string | undefined, now: number): string {
  // `formatDateTime`'s shape, with the formatter kept: a page writes dozens of times.
  return timeZone
    ? dateTimeFormat("en-US", { ...DATE_TIME, timeZone }).format(new Date(iso))
    : relativeTime(Date.parse(iso) - now);
}
