/**
 * Island: a date and time in the reader's own zone, with the zone shown.
 * The server writes it first (`text`: in the zone the reader's browser said
 * on an earlier visit, or relative to now before it knows), so the page
 * reads correctly without JavaScript and never shows a clock time in another
 * zone; in the browser it is written in the zone the browser reports.
 */
import { useEffect, useState } from "preact/hooks";
import { browserTimeZone, formatDateTime } from "../lib/web/time_text.ts";

/** Props: `iso` is an ISO 8601 date-time; `text` how the server wrote it for this reader. */
export interface LocalTimeProps {
  iso: string;
  text: string;
}

/** `<LocalTime iso="2026-12-02T00:00:00Z" text="in 3 days" />` → "Dec 1, 2026, 16:00 PST" in Los Angeles. */
export default function LocalTime({ iso, text }: LocalTimeProps) {
  // Plain hooks, no signals: this island is on most pages, so it stays as small as it can.
  const [shown, setShown] = useState(text);
  useEffect(() => setShown(formatDateTime(iso, browserTimeZone())), [iso]);
  return <time dateTime={iso}>{shown}</time>;
}
