/**
 * Island: a date and time in the reader's own zone, with the zone shown.
 * The server writes it in the zone the reader's browser said on an earlier
 * visit, or relative to now ("in 3 days") before it knows, so the page reads
 * correctly without JavaScript and never shows a clock time in another zone;
 * in the browser it is written in the zone the browser reports.
 */
import { useEffect, useState } from "preact/hooks";
import { browserTimeZone, readableTime, type ViewerClock } from "../lib/web/viewer_clock.ts";

/** Props: `iso` is an ISO 8601 date-time; `clock` the server's reader clock. */
export interface LocalTimeProps {
  iso: string;
  clock?: ViewerClock;
}

/** `<LocalTime iso="2026-12-02T00:00:00Z" />` → "Dec 1, 2026, 16:00 PST" in Los Angeles. */
export default function LocalTime({ iso, clock }: LocalTimeProps) {
  // Plain hooks, no signals: this island is on most pages, so it stays as small as it can.
  const [zone, setZone] = useState(clock?.timeZone);
  useEffect(() => setZone(browserTimeZone()), []);
  return <time dateTime={iso}>{readableTime(iso, zone, clock?.now ?? Date.now())}</time>;
}
