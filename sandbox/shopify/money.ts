/**
 * Shopify money: decimal strings outside, integer minor units inside.
 * Nothing here goes through floating point.
 */

const ZERO_DECIMAL_CURRENCIES = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMAL_CURRENCIES = new Set([
  "BHD",
  "IQD",
  "JOD",
  "KWD",
  "LYD",
  "OMR",
  "TND",
]);

/** How many decimal places the currency's minor unit has (2 for USD, 0 for JPY). */
export function currencyExponent(currency: string): number {
  if (ZERO_DECIMAL_CURRENCIES.has(currency)) return 0;
  if (THREE_DECIMAL_CURRENCIES.has(currency)) return 3;
  return 2;
}

/**
 * Parses a non-negative decimal string such as `"12.50"` into minor units of
 * `currency`; throws on malformed input or more decimals than the currency has.
 */
export function parseMoney(amount: string, currency: string): number {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`Not a decimal amount: "${amount}"`);
  const exponent = currencyExponent(currency);
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > exponent) {
    throw new RangeError(
      `"${amount}" has more decimals than ${currency} allows (${exponent})`,
    );
  }
  const minor = BigInt(match[1] + fraction.padEnd(exponent, "0"));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`Amount too large: "${amount}"`);
  }
  return Number(minor);
}

/** Minor units as Shopify's REST API writes them: every decimal place, `"12.50"`. */
export function formatRestMoney(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  if (exponent === 0) return `${sign}${digits}`;
  const cut = digits.length - exponent;
  return `${sign}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

/**
 * Minor units as Shopify's GraphQL `Decimal` scalar writes them: trailing
 * zeros trimmed but one decimal kept, `"12.5"`, `"10.0"`.
 */
export function formatGraphqlDecimal(minor: number, currency: string): string {
  const rest = formatRestMoney(minor, currency);
  if (!rest.includes(".")) return `${rest}.0`;
  return rest.replace(/0+$/, "").replace(/\.$/, ".0");
}
