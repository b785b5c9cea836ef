/**
 * Whop's fee on a payment, as the app estimates it from `WHOP_FEE_PERCENT`
 * and `WHOP_FEE_FIXED`, and the checkout price that leaves the whole prize
 * after it. Whop credits the company `amount_after_fees`, so a checkout for
 * exactly the prize could never pay the prize out.
 *
 * The fee of a total is its percentage rounded up to the currency's minor
 * unit plus the fixed amount (in the payment's currency) rounded up to the
 * minor unit: never less than Whop takes. All arithmetic is on integers
 * (bigint), exact for any currency exponent (JPY 0, USD 2, KWD 3).
 */
import { currencyExponent, type Minor } from "../core/money.ts";

/** Whop's fee settings, as decimal strings (`config.whop.feePercent`, `config.whop.feeFixed`). */
export interface FeeSettings {
  feePercent: string;
  feeFixed: string;
}

/** A decimal string as `numerator / denominator` (a power of ten). */
function fraction(value: string): { numerator: bigint; denominator: bigint } {
  const [whole, decimals = ""] = value.trim().split(".");
  return { numerator: BigInt(whole + decimals), denominator: 10n ** BigInt(decimals.length) };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * Whop's fee on a payment of `total` minor units of `currency`.
 *
 * @example
 * whopFee(10000, "USD", { feePercent: "2.7", feeFixed: "0.30" }); // 300 ($2.70 + $0.30)
 */
export function whopFee(total: Minor, currency: string, fees: FeeSettings): Minor {
  const percent = fraction(fees.feePercent);
  const fixed = fraction(fees.feeFixed);
  const scale = 10n ** BigInt(currencyExponent(currency));
  return Number(
    ceilDiv(BigInt(total) * percent.numerator, percent.denominator * 100n) +
      ceilDiv(fixed.numerator * scale, fixed.denominator),
  );
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
  const fixed = whopFee(0, currency, fees);
  const net = (price: number) => price - whopFee(price, currency, fees);
  let price = Number(ceilDiv(BigInt(prize + fixed) * percent.denominator * 100n, keptShare));
  while (net(price) < prize) price++;
  while (price > 0 && net(price - 1) >= prize) price--;
  return { price, fee: whopFee(price, currency, fees) };
}
