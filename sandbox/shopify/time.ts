/** Timestamps as Shopify writes them: whole seconds, in UTC or the shop's offset. */

/** Milliseconds rounded down to the whole second Shopify stores. */
export function toWholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** GraphQL `DateTime`: `2024-03-05T15:11:12Z`. */
export function graphqlDateTime(ms: number): string {
  return new Date(toWholeSecond(ms)).toISOString().replace(".000Z", "Z");
}

/** REST timestamp in the shop's zone: `2024-03-05T10:11:12-05:00`. */
export function restDateTime(ms: number, utcOffsetMinutes: number): string {
  const local = new Date(toWholeSecond(ms) + utcOffsetMinutes * 60_000)
    .toISOString().slice(0, 19);
  return `${local}${formatOffset(utcOffsetMinutes)}`;
}

/** `-05:00` for -300, `+05:30` for 330, `+00:00` for 0. */
export function formatOffset(utcOffsetMinutes: number): string {
  const sign = utcOffsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(utcOffsetMinutes);
  const hours = String(Math.floor(abs / 60)).padStart(2, "0");
  const minutes = String(abs % 60).padStart(2, "0");
  return `${sign}${hours}:${minutes}`;
}

/**
 * Reads a timestamp the way Shopify's search does: full ISO with a zone, ISO
 * without a zone (taken in the shop's zone) or a bare date (midnight there).
 * Returns `undefined` when the text is not a date.
 */
export function parseSearchTime(
  text: string,
  utcOffsetMinutes: number,
): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/
    .exec(text);
  if (!match) return undefined;
  const [, date, clock = "00:00:00", zone] = match;
  const offset = zone === undefined
    ? formatOffset(utcOffsetMinutes)
    : zone === "Z"
    ? "Z"
    : zone.length === 5
    ? `${zone.slice(0, 3)}:${zone.slice(3)}`
    : zone;
  const ms = Date.parse(`${date}T${clock}${offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}
