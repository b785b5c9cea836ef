/**
 * Money as integer minor units (cents, yen, fils) in one ISO 4217 currency.
 * Decimal strings are parsed digit by digit, never through floating point.
 */

/** Amounts inside the app: integer minor units of a currency. */
export type Minor = number;

const CURRENCY_CODE = /^[A-Z]{3}$/;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));
/**
 * Per currency asked for: its exponent and its formatter for people, made
 * once (building an `Intl.NumberFormat` costs ~26 µs, more than parsing or
 * formatting an amount with one). Only ISO 4217 codes get here.
 */
const currencies = new Map<string, KnownCurrency>();

/** A currency's formatter and exponent (a pair: the forms' island ships this module, at its script budget). */
type KnownCurrency = [format: Intl.NumberFormat, exponent: number];

function currencyOf(currency: string): KnownCurrency {
  let known = currencies.get(currency);
  if (!known) {
    if (!isCurrency(currency)) throw new MoneyError(`${currency} is not an ISO 4217 currency code.`);
    const format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    // Always set for the currency style: the currency's ISO 4217 digits.
    known = [format, format.resolvedOptions().maximumFractionDigits!];
    currencies.set(currency, known);
  }
  return known;
}

/** Whether `code` is an ISO 4217 currency code this runtime knows. */
export function isCurrency(code: string): boolean {
  return CURRENCY_CODE.test(code) && knownCurrencies.has(code);
}

/**
 * The number of minor-unit digits of a currency (its ISO 4217 exponent).
 *
 * @example
 * currencyExponent("USD"); // 2
 * currencyExponent("JPY"); // 0
 * currencyExponent("KWD"); // 3
 */
export function currencyExponent(currency: string): number {
  return currencyOf(currency)[1];
}

/** A decimal string that is not an exact amount of its currency. */
export class MoneyError extends Error {
  override name = "MoneyError";
}

/**
 * Parses a non-negative decimal string into minor units, exactly.
 * Trailing zeros past the currency's exponent are accepted; any other
 * extra digit, an exponent, a sign, `NaN` or an empty string is refused.
 *
 * @example
 * parseMoney("1234.50", "USD"); // 123450
 * parseMoney("1000", "JPY"); // 1000
 */
export function parseMoney(value: string, currency: string): Minor {
  const exponent = currencyExponent(currency);
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new MoneyError(`"${value}" is not a decimal amount such as 12.50.`);
  const [, whole, fraction = ""] = match;
  const kept = fraction.slice(0, exponent);
  if (/[1-9]/.test(fraction.slice(exponent))) {
    throw new MoneyError(
      `${currency} amounts have at most ${exponent} decimal place${exponent === 1 ? "" : "s"}.`,
    );
  }
  const minor = BigInt(whole + kept.padEnd(exponent, "0"));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError(`"${value}" is too large.`);
  return Number(minor);
}

/**
 * Formats minor units as a plain decimal string with the currency's digits.
 *
 * @example
 * toDecimalString(123450, "USD"); // "1234.50"
 */
export function toDecimalString(minor: Minor, currency: string): string {
  const exponent = currencyExponent(currency);
  const digits = BigInt(Math.abs(minor)).toString().padStart(exponent + 1, "0");
  const sign = minor < 0 ? "-" : "";
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Formats minor units for people, e.g. `$1,234.50`, exactly (the decimal
 * string goes to `Intl.NumberFormat`, not a float).
 */
export function formatMoney(minor: Minor, currency: string): string {
  return currencyOf(currency)[0].format(toDecimalString(minor, currency) as unknown as number);
}
