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

/**
 * Whop's fee on a payment: a decimal percentage of the total and a fixed
 * amount Whop sets in US dollars, taken in the payment's currency at the
 * day's rate (the simulator's rates: {@link MARKET_USD_RATES}).
 */
export interface WhopFees {
  /** E.g. `"2.7"` for 2.7 %. */
  percent: string;
  /** In US dollars, e.g. `"0.30"`. */
  fixed: string;
  /** Units of a currency per US dollar, by lower-case code; default {@link MARKET_USD_RATES}. */
  usdRates?: Readonly<Record<string, string>>;
}

/**
 * The simulated day's exchange rates, units per US dollar (2025 market
 * figures, the simulator's own: the app keeps its estimates apart). A
 * currency not listed is taken at 1.
 */
export const MARKET_USD_RATES: Readonly<Record<string, string>> = {
  eur: "0.92",
  gbp: "0.79",
  chf: "0.88",
  cad: "1.37",
  aud: "1.52",
  nzd: "1.66",
  jpy: "150.2",
  inr: "84.3",
  sgd: "1.34",
  hkd: "7.80",
  cny: "7.25",
  krw: "1380",
  sek: "10.6",
  nok: "10.8",
  dkk: "6.85",
  pln: "3.95",
  czk: "23.1",
  huf: "365",
  mxn: "19.6",
  brl: "5.70",
  zar: "18.2",
  aed: "3.6725",
};

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
 * percentage of the total and the dollar fixed amount at the day's rate,
 * each rounded up to the currency's minor unit (Whop does not round its fee
 * in the seller's favour).
 */
export function feeMinor(totalMinor: number, currency: string, fees: WhopFees): number {
  const percent = decimalFraction(fees.percent);
  const fixed = decimalFraction(fees.fixed);
  const code = currency.toLowerCase();
  const rate = decimalFraction(code === "usd" ? "1" : (fees.usdRates ?? MARKET_USD_RATES)[code] ?? "1");
  const scale = 10n ** BigInt(fractionDigits(currency));
  const percentPart = ceilDiv(BigInt(totalMinor) * percent.numerator, percent.denominator * 100n);
  const fixedPart = ceilDiv(fixed.numerator * rate.numerator * scale, fixed.denominator * rate.denominator);
  return Number(percentPart + fixedPart);
}
