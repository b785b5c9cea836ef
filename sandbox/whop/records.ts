/**
 * What the simulated Whop remembers. Amounts appear twice: `amount` in the
 * API's decimal major units and `amountMinor` as exact integer minor units.
 */

/** A checkout configuration created through `checkoutConfigurations.create`. */
export interface CheckoutConfigurationRecord {
  /** `ch_…`. */
  id: string;
  /** The inline plan's id, `plan_…`. */
  planId: string;
  /** The selling company, `biz_…`. */
  accountId: string;
  /** Plan price, decimal. */
  amount: number;
  /** Plan price, minor units. */
  amountMinor: number;
  /** Lower-case ISO code. */
  currency: string;
  /** Plan title shown on the checkout page. */
  title: string | null;
  /** Metadata copied to each payment. */
  metadata: Record<string, unknown> | null;
  /** Where the buyer goes after paying. */
  redirectUrl: string | null;
  /** `${origin}/checkout/{id}`. */
  purchaseUrl: string;
  /** ISO 8601. */
  createdAt: string;
}

/** A payment made on a checkout page or by `sandbox.pay`. */
export interface PaymentRecord {
  /** `pay_…`. */
  id: string;
  /** The checkout configuration paid. */
  checkoutConfigurationId: string;
  /** The plan paid. */
  planId: string;
  /** The payer. */
  userId: string;
  /** Amount paid, decimal. */
  amount: number;
  /** Amount paid, minor units (`total`). */
  amountMinor: number;
  /** What the company is credited: the total less Whop's fee, minor units (`amount_after_fees`). */
  afterFeesMinor: number;
  /** Lower-case ISO code. */
  currency: string;
  /** Copied from the checkout configuration. */
  metadata: Record<string, unknown> | null;
  /** Sum refunded so far, minor units. */
  refundedMinor: number;
  /** Refund ids, oldest first. */
  refundIds: string[];
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601 of the latest refund. */
  refundedAt: string | null;
}

/** Where a refund stands, as `@whop/sdk`'s `RefundStatus` (less `requires_action`, not simulated). */
export type RefundStatus = "pending" | "succeeded" | "failed" | "canceled";

/** A refund attempted through `payments.refund`. */
export interface RefundRecord {
  /** `rfnd_…`. */
  id: string;
  /** The refunded payment. */
  paymentId: string;
  /** Decimal. */
  amount: number;
  /** Minor units. */
  amountMinor: number;
  /** Lower-case ISO code. */
  currency: string;
  /** Only a succeeded (or still pending) refund moves money. */
  status: RefundStatus;
  /** ISO 8601. */
  createdAt: string;
}

/** A transfer that moved money (repeats with the same key are not new transfers). */
export interface TransferRecord {
  /** `ctt_…`. */
  id: string;
  /** Decimal, as sent. */
  amount: number;
  /** Minor units. */
  amountMinor: number;
  /** Lower-case ISO code. */
  currency: string;
  /** Sender: company or user id. */
  originId: string;
  /** Receiver: company or user id. */
  destinationId: string;
  /** The body's `idempotence_key`, else the `Idempotency-Key` header, else null. */
  idempotenceKey: string | null;
  /** Metadata as sent. */
  metadata: Record<string, unknown> | null;
  /** Notes as sent. */
  notes: string | null;
  /** ISO 8601. */
  createdAt: string;
}

/** What became of one `POST /transfers` call. */
export type TransferOutcome =
  | "created"
  | "replayed"
  | "rejected"
  | "injected_failure";

/** Every `POST /transfers` received, repeats and failures included. */
export interface TransferAttempt {
  /** ISO 8601 of receipt. */
  receivedAt: string;
  /** The JSON body as received. */
  body: Record<string, unknown>;
  /** The body's `idempotence_key`, if any. */
  idempotenceKey: string | null;
  /** The `Idempotency-Key` header, if any. */
  idempotencyKeyHeader: string | null;
  /** What happened. */
  outcome: TransferOutcome;
  /** HTTP status answered (200 also when the response was then cut). */
  status: number;
  /** The transfer created or replayed. */
  transferId: string | null;
  /** Error message for rejections. */
  error: string | null;
}

/** A notification sent through `notifications.create`, body as received. */
export interface NotificationRecord {
  /** ISO 8601 of receipt. */
  receivedAt: string;
  /** `company_id` or null when the experience form was used. */
  companyId: string | null;
  /** `experience_id` or null. */
  experienceId: string | null;
  /** Headline. */
  title: string;
  /** Body text. */
  content: string;
  /** Target users, if narrowed. */
  userIds: string[] | null;
  /** Who it reached: with `company_id` only the company's team, with `experience_id` the listed users. */
  deliveredTo: string[];
  /** The full JSON body. */
  body: Record<string, unknown>;
}
