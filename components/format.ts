/**
 * Formatting shared by pages and islands: money from decimal strings and
 * ranks (times: `lib/web/time_text.ts`, `lib/web/viewer_clock.ts`). Pure, so it runs on the server
 * and in the browser alike.
 */
import { numberFormat } from "../lib/core/intl_formats.ts";

/**
 * Formats a decimal string such as `"1234.50"` as money, exactly (the string
 * goes to `Intl.NumberFormat`, never through a float).
 * @example formatDecimalMoney("1234.50", "USD") // "$1,234.50"
 */
export function formatDecimalMoney(decimal: string, currency: string): string {
  return numberFormat("en-US", { style: "currency", currency }).format(decimal as unknown as number);
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
