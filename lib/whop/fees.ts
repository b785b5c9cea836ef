/**
 * Whop's fee on a payment, as the app estimates it from `WHOP_FEE_PERCENT`
 * and the fixed part, and the checkout price that leaves the whole prize
 * after it. Whop credits the company `amount_after_fees`, so a checkout for
 * exactly the prize could never pay the prize out.
 *
 * Whop sets its fixed fee in US dollars (`WHOP_FEE_FIXED`, 0.30) and takes
 * it from a payment in the payment's currency, so the fixed part is
 * expressed in the competition's currency: `WHOP_FEE_FIXED_<CUR>` when set,
 * else the dollar amount at a default rate for the common currencies
 * ({@link DEFAULT_USD_RATES}: deliberately above the market rate, so a
 * moving rate leaves the estimate high rather than short), else the dollar
 * figure read as an amount of that currency. An estimate that still falls
 * short is caught when the payment arrives: it does not fund and is
 * refunded (`funding.ts`).
 *
 * The fee of a total is its percentage rounded up to the currency's minor
 * unit plus the fixed part rounded up to the minor unit: never less than Whop
 * takes. All arithmetic is on integers (bigint), exact for any currency
 * exponent (JPY 0, USD 2, KWD 3).
 */
import { currencyExponent, type Minor } from "../core/money.ts";

/** Whop's fee settings, as decimal strings (`config.whop`). */
export interface FeeSettings {
  /** `WHOP_FEE_PERCENT`, e.g. "2.7". */
  feePercent: string;
  /** `WHOP_FEE_FIXED`: the fixed fee in US dollars, e.g. "0.30". */
  feeFixed: string;
  /** `WHOP_FEE_FIXED_<CUR>`: the fixed fee in a currency, by its code, e.g. `{ JPY: "48" }`. */
  feeFixedByCurrency?: Readonly<Record<string, string>>;
}

/**
 * Units of a currency per US dollar, used to express Whop's dollar fixed fee
 * in the common currencies when no `WHOP_FEE_FIXED_<CUR>` says otherwise.
 * Each is set about 10–15 % above the market rate of 2025 (e.g. JPY 170
 * for ~150, INR 95 for ~85), so the estimate errs on the side of the prize.
 */
export const DEFAULT_USD_RATES: Readonly<Record<string, string>> = {
  EUR: "1.05",
  GBP: "0.90",
  CHF: "1.00",
  CAD: "1.60",
  AUD: "1.75",
  NZD: "1.90",
  JPY: "170",
  INR: "95",
  SGD: "1.55",
  HKD: "8.90",
  CNY: "8.20",
  KRW: "1600",
  TWD: "36",
  THB: "40",
  MYR: "5.00",
  IDR: "18500",
  PHP: "65",
  VND: "29000",
  AED: "4.20",
  SAR: "4.30",
  ILS: "4.20",
  TRY: "48",
  SEK: "12",
  NOK: "12",
  DKK: "7.80",
  PLN: "4.50",
  CZK: "26",
  HUF: "420",
  RON: "5.20",
  BGN: "2.05",
  MXN: "22",
  BRL: "6.50",
  COP: "4700",
  CLP: "1100",
  PEN: "4.30",
  ZAR: "21",
  NGN: "1800",
  KES: "150",
  EGP: "58",
};

/** A decimal string as `numerator / denominator` (a power of ten). */
function fraction(value: string): { numerator: bigint; denominator: bigint } {
  const [whole, decimals = ""] = value.trim().split(".");
  return { numerator: BigInt(whole + decimals), denominator: 10n ** BigInt(decimals.length) };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * Whop's fixed fee in `currency`, minor units rounded up: the currency's own
 * setting, else the dollar fee at its default rate, else the dollar figure
 * read in that currency.
 *
 * @example
 * fixedFee("JPY", { feePercent: "2.7", feeFixed: "0.30" }); // 51 (0.30 × 170, rounded up)
 */
export function fixedFee(currency: string, fees: FeeSettings): Minor {
  const scale = 10n ** BigInt(currencyExponent(currency));
  const own = fees.feeFixedByCurrency?.[currency];
  const fixed = fraction(own ?? fees.feeFixed);
  const rate = fraction(own === undefined && currency !== "USD" ? DEFAULT_USD_RATES[currency] ?? "1" : "1");
  return Number(ceilDiv(fixed.numerator * rate.numerator * scale, fixed.denominator * rate.denominator));
}

/**
 * Whop's fee on a payment of `total` minor units of `currency`.
 *
 * @example
 * whopFee(10000, "USD", { feePercent: "2.7", feeFixed: "0.30" }); // 300 ($2.70 + $0.30)
 */
export function whopFee(total: Minor, currency: string, fees: FeeSettings): Minor {
  const percent = fraction(fees.feePercent);
  return Number(ceilDiv(BigInt(total) * percent.numerator, percent.denominator * 100n)) + fixedFee(currency, fees);
}

/** A checkout price and the part of it Whop keeps. */
export interface GrossedUp {
  /** What the buyer pays (`initial_price`), minor units. */
  price: Minor;
  /** Whop's fee on `price`; `price - fee >= prize`. */
  fee: Minor;
}

/**
 * The smallest price whose amount after Whop's fee covers `prize`.
 * (`price - whopFee(price)` never decreases as the price grows, so the
 * smallest one is found from the exact quotient and a step or two either way.)
 *
 * @example
 * grossUp(50000, "USD", { feePercent: "2.7", feeFixed: "0.30" }); // { price: 51419, fee: 1419 }
 */
export function grossUp(prize: Minor, currency: string, fees: FeeSettings): GrossedUp {
  const percent = fraction(fees.feePercent);
  const keptShare = percent.denominator * 100n - percent.numerator;
  const fixed = fixedFee(currency, fees);
  const net = (price: number) => price - whopFee(price, currency, fees);
  let price = Number(ceilDiv(BigInt(prize + fixed) * percent.denominator * 100n, keptShare));
  while (net(price) < prize) price++;
  while (price > 0 && net(price - 1) >= prize) price--;
  return { price, fee: whopFee(price, currency, fees) };
}
