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

/** Whop's fee on a payment: a decimal percentage and a decimal fixed amount in the payment's currency. */
export interface WhopFees {
  /** E.g. `"2.7"` for 2.7 %. */
  percent: string;
  /** E.g. `"0.30"`. */
  fixed: string;
}

/** A non-negative decimal string as an exact fraction `numerator / 10^scale`. */
function decimalFraction(value: string): { numerator: bigint; denominator: bigint } {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not a decimal`);
  const fraction = match[2] ?? "";
  return { numerator: BigInt(match[1] + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/** `ceil(a / b)` for non-negative bigints. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * The fee Whop deducts from a payment of `totalMinor`, in minor units: the
 * percentage of the total and the fixed amount, each rounded up to the
 * currency's minor unit (Whop does not round its fee in the seller's favour).
 */
export function feeMinor(totalMinor: number, currency: string, fees: WhopFees): number {
  const percent = decimalFraction(fees.percent);
  const fixed = decimalFraction(fees.fixed);
  const scale = 10n ** BigInt(fractionDigits(currency));
  const percentPart = ceilDiv(BigInt(totalMinor) * percent.numerator, percent.denominator * 100n);
  const fixedPart = ceilDiv(fixed.numerator * scale, fixed.denominator);
  return Number(percentPart + fixedPart);
}
