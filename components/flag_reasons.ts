/**
 * Why an order was held or flagged, in words, for the two people who read
 * it: the creator who decides (the manage page's review queue and audit
 * log) and the store owner whose order it is ("Your orders"). Both tables
 * sit here so the two voices say the same thing about each reason.
 */
import type { FlagReason } from "../lib/competitions/order_rules.ts";

/** What the sentences depend on besides the reason. */
export interface FlagFacts {
  reason: FlagReason;
  /** The order stays out of the total unless counted (rather than counting while flagged). */
  held: boolean;
  /** A `spike` raised because the store had no meaningful sales history before the start. */
  noSalesHistory?: boolean;
}

/** A few words per reason: the audit log's and the queue's label. */
export const FLAG_LABELS: Record<FlagReason, string> = {
  pending_payment: "payment pending",
  voided: "payment voided",
  manual_source: "draft or manual order",
  high_risk: "Shopify fraud analysis",
  customer_cap: "over the customer cap",
  spike: "sales spike",
};

const PENDING =
  "Shopify says the payment is still pending. It counts by itself once paid, if that happens before the results are final.";

/** The reason as the creator reads it in the review queue, with what happens unless they decide. */
export function reasonForCreator(flag: FlagFacts): string {
  switch (flag.reason) {
    case "pending_payment":
      return PENDING;
    case "voided":
      return "The payment was voided: no money was taken, so it can never count.";
    case "manual_source":
      return "Created from a draft order or paid through a manual gateway (entered by hand, not bought at the checkout). It stays out unless you count it.";
    case "high_risk":
      return flag.held
        ? "Shopify's fraud analysis recommends cancelling it. It stays out unless you count it."
        : "Shopify's fraud analysis recommends investigating it. It counts unless you exclude it.";
    case "customer_cap":
      return "Its customer had already reached the customer cap, so it counts only up to the cap. Count it to add it in full.";
    case "spike":
      return flag.noSalesHistory
        ? "The store had no meaningful sales before the start (under one order per ten hours), so its hours cannot be compared with its past: this is its one flag. Check that its orders look genuine. It counts unless you exclude it."
        : "It took the store's sales in one hour above ten times its hourly average before the start. It counts unless you exclude it.";
  }
}

/** The reason as the store owner reads it under their order, with what happens next. */
export function reasonForOwner(flag: FlagFacts): string {
  switch (flag.reason) {
    case "pending_payment":
      return PENDING;
    case "voided":
      return "The payment was voided: no money was taken, so it never counts.";
    case "manual_source":
      return "It was created from a draft order or paid through a manual gateway, so it waits for the creator's decision.";
    case "high_risk":
      return flag.held
        ? "Shopify's fraud analysis recommends cancelling it, so it waits for the creator's decision."
        : "Shopify's fraud analysis recommends investigating it. It counts unless the creator excludes it.";
    case "customer_cap":
      return "Its customer had already reached the competition's customer cap, so it counts only up to the cap.";
    case "spike":
      return flag.noSalesHistory
        ? "Your store had too few sales before the start to compare its hours with, so the creator was asked, once, to look at its orders. It counts unless the creator excludes it."
        : "It took your store's sales in one hour above ten times your hourly average before the start. It counts unless the creator excludes it.";
  }
}
