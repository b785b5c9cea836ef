/**
 * Intl formatters, made once per locale and options and kept. Making one
 * loads its locale data — 26 µs for a currency format and 72 µs for a
 * date-time format, against 0.7 and 4 µs with one kept
 * (`bench/micro_bench.ts`) — and a page formats hundreds of amounts and
 * times: made per call, they were most of a store owner's 9 ms page with a
 * 100-store board (`bench/refresh_bench.ts`). Pure, for the server and the
 * islands alike.
 */

const kept = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

/** Bound on the formatters kept (a time zone comes from a visitor's cookie: any spelling the runtime accepts). */
const KEPT = 1_000;

function keep<F extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => F,
): F {
  let format = kept.get(key) as F | undefined;
  if (!format) {
    format = make();
    if (kept.size >= KEPT) kept.clear();
    kept.set(key, format);
  }
  return format;
}

/** `new Intl.NumberFormat(locale, options)`, made once. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return keep(`n${locale}${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
}

/** `new Intl.DateTimeFormat(locale, options)`, made once; an unknown time zone throws `RangeError` and is not kept. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return keep(`d${locale}${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}

/** `new Intl.RelativeTimeFormat(locale, options)`, made once. */
export function relativeTimeFormat(locale: string, options: Intl.RelativeTimeFormatOptions): Intl.RelativeTimeFormat {
  return keep(`r${locale}${JSON.stringify(options)}`, () => new Intl.RelativeTimeFormat(locale, options));
}
