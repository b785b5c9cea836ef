/**
 * Money conversions for the simulated Whop. The Whop API speaks decimal
 * amounts in major units (`25.5` is twenty-five dollars fifty); the sandbox
 * keeps balances in integer minor units so that sums stay exact.
 */

const fractionDigitsCache = new Map<string, number>();

/** How many minor-unit digits `currency` has (2 for usd, 0 for jpy). */
export function fractionDigits(currency: string): number {
  const code = currency.toUpperCase();
  let digits = fractionDigitsCache.get(code);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency: code })
      .resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigitsCache.set(code, digits);
  }
  return digits;
}

/** A decimal API amount as integer minor units, rounded to the nearest unit. */
export function toMinor(amount: number, currency: string): number {
  return Math.round(amount * 10 ** fractionDigits(currency));
}

/** Integer minor units as the decimal amount the API returns. */
export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** fractionDigits(currency);
}

/** Minor units formatted for people, e.g. `$1,234.50`. */
export function formatMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat("en", {
    style: "currency",
    currency: currency.toUpperCase(),
  }).format(toMajor(minor, currency));
}
