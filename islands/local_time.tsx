/**
 * Island: a date and time in the visitor's own zone, with the zone shown.
 * The server writes it in UTC (it does not know the zone), so the page reads
 * correctly without JavaScript; in the browser it is rewritten in the zone
 * the browser reports.
 */
import { useEffect, useState } from "preact/hooks";
import { formatDateTime } from "../components/format.ts";

/** Props: `iso` is an ISO 8601 date-time. */
export interface LocalTimeProps {
  iso: string;
}

/** `<LocalTime iso="2026-12-02T00:00:00Z" />` → "Dec 1, 2026, 16:00 PST" in Los Angeles. */
export default function LocalTime({ iso }: LocalTimeProps) {
  // Plain hooks, no signals: this island is on most pages, so it stays as small as it can.
  const [timeZone, setTimeZone] = useState("UTC");
  useEffect(() => setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return <time dateTime={iso}>{formatDateTime(iso, timeZone)}</time>;
}
