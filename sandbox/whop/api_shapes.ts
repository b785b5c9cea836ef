/**
 * Records rendered as the JSON the real Whop API returns, typed against
 * `@whop/sdk`'s own response types so a mismatch fails `deno check`.
 */
import type Whop from "@whop/sdk";
import type { DemoUser } from "./demo_users.ts";
import { toMajor } from "./money.ts";
import type { CheckoutConfigurationRecord, PaymentRecord, RefundRecord, TransferRecord } from "./records.ts";
import type { SandboxCompany, WhopState } from "./whop_state.ts";
import type { SandboxExperience } from "./experiences.ts";

type Currency = Whop.Payment["currency"];

/** `checkoutConfigurations.create/retrieve` body. */
export function checkoutConfigurationJson(
  record: CheckoutConfigurationRecord,
): Whop.CheckoutConfigurationCreateResponse {
  return {
    id: record.id,
    account_id: record.accountId,
    created_at: record.createdAt,
    updated_at: record.createdAt,
    mode: "payment",
    affiliate_code: null,
    currency: record.currency,
    metadata: record.metadata,
    payment_method_configuration: null,
    plan: {
      id: record.planId,
      adaptive_pricing_enabled: false,
      billing_period: null,
      currency: record.currency,
      expiration_days: null,
      initial_price: record.amount,
      plan_type: "one_time",
      release_method: "buy_now",
      renewal_price: 0,
      three_ds_level: null,
      trial_period_days: null,
      visibility: "hidden",
    },
    purchase_url: record.purchaseUrl,
    redirect_url: record.redirectUrl,
    three_ds_level: null,
  };
}

/** `companies.retrieve` body: the company and who owns it. */
export function companyJson(state: WhopState, company: SandboxCompany): Whop.Company {
  return {
    id: company.id,
    affiliate_instructions: null,
    created_at: "2026-01-01T00:00:00.000Z",
    description: null,
    featured_affiliate_product: null,
    logo: null,
    member_count: state.users.size,
    metadata: null,
    owner_user: { ...state.companyOwner },
    published_reviews_count: 0,
    route: company.route,
    send_customer_emails: false,
    social_links: [],
    target_audience: null,
    title: company.title,
    updated_at: "2026-01-01T00:00:00.000Z",
    verified: false,
  };
}

/** `experiences.retrieve`'s answer: the sandbox's experiences all belong to its one company. */
export function experienceJson(state: WhopState, experience: SandboxExperience): Whop.Experience {
  const { id, route, title } = state.company;
  return {
    id: experience.id,
    app: { id: "app_cartbrawl_sandbox", icon: null, name: "CartBrawl" },
    company: { id, route, title },
    created_at: "2026-01-01T00:00:00.000Z",
    image: null,
    is_public: true,
    name: experience.name,
    order: null,
    products: [],
  };
}

/** The payment's buyer as Whop embeds it. */
function paymentUserJson(user: DemoUser | undefined, userId: string) {
  return {
    id: userId,
    email: user?.email ?? null,
    name: user?.name ?? null,
    username: user?.username ?? userId,
  };
}

/** `payments.retrieve/refund` body and `payment.succeeded` webhook `data`. */
export function paymentJson(
  state: WhopState,
  payment: PaymentRecord,
): Whop.Payment {
  const currency = payment.currency as Currency;
  const refunds = state.refunds.filter((r) => r.paymentId === payment.id);
  const left = payment.amountMinor - payment.refundedMinor;
  const refundPending = refunds.some((r) => r.status === "pending");
  const substatus = payment.refundedMinor === 0 ? "succeeded" : left === 0 ? "refunded" : "partially_refunded";
  return {
    id: payment.id,
    amount_after_fees: toMajor(payment.afterFeesMinor, payment.currency),
    application_fee: null,
    auto_refunded: false,
    billing_address: null,
    billing_reason: "one_time",
    card_brand: "visa",
    card_last4: "4242",
    checkout_configuration_id: payment.checkoutConfigurationId,
    company: {
      id: state.company.id,
      route: state.company.route,
      title: state.company.title,
    },
    created_at: payment.createdAt,
    currency,
    dispute_alerted_at: null,
    disputes: [],
    failure_message: null,
    financing_installments_count: null,
    financing_transactions: [],
    last_payment_attempt: payment.createdAt,
    member: null,
    membership: null,
    metadata: payment.metadata,
    next_payment_attempt: null,
    paid_at: payment.createdAt,
    payment_method: null,
    payment_method_type: "card",
    payments_failed: 0,
    plan: { id: payment.planId, internal_notes: null, metadata: null },
    product: null,
    promo_code: null,
    refundable: left > 0 && !refundPending,
    refunded_amount: payment.refundedMinor === 0 ? null : toMajor(payment.refundedMinor, payment.currency),
    refunded_at: payment.refundedAt,
    refunds: refunds.toReversed().map((r) => ({
      id: r.id,
      amount: r.amount,
      created_at: r.createdAt,
      currency,
      status: r.status,
    })),
    resolutions: [],
    retryable: false,
    risk_score: null,
    risk_signals: null,
    settlement_amount: payment.amount,
    settlement_currency: currency,
    settlement_exchange_rate: null,
    shipping_address: null,
    status: "paid",
    substatus,
    subtotal: payment.amount,
    tax_amount: 0,
    tax_behavior: "unspecified",
    tax_refunded_amount: null,
    three_ds_verified: false,
    total: payment.amount,
    updated_at: payment.refundedAt ?? payment.createdAt,
    usd_total: payment.currency === "usd" ? payment.amount : null,
    user: paymentUserJson(state.users.get(payment.userId), payment.userId),
    voidable: false,
  };
}

/** `refunds.retrieve` body and `refund.created` webhook `data`. */
export function refundJson(
  state: WhopState,
  refund: RefundRecord,
): Whop.RefundRetrieveResponse {
  const payment = state.requirePayment(refund.paymentId);
  const currency = refund.currency as Currency;
  return {
    id: refund.id,
    amount: refund.amount,
    created_at: refund.createdAt,
    currency,
    payment: {
      id: payment.id,
      billing_reason: "one_time",
      card_brand: "visa",
      card_last4: "4242",
      created_at: payment.createdAt,
      currency,
      dispute_alerted_at: null,
      member: null,
      membership: null,
      metadata: payment.metadata,
      paid_at: payment.createdAt,
      payment_method_type: "card",
      plan: { id: payment.planId, metadata: null },
      product: null,
      subtotal: payment.amount,
      tax_amount: 0,
      tax_behavior: "unspecified",
      tax_refunded_amount: null,
      total: payment.amount,
      usd_total: payment.currency === "usd" ? payment.amount : null,
      user: paymentUserJson(state.users.get(payment.userId), payment.userId),
    },
    provider: "stripe",
    provider_created_at: refund.createdAt,
    reference_status: "available",
    reference_type: null,
    reference_value: null,
    status: refund.status,
  };
}

/** The `origin`/`destination` of a transfer: the company or a user. */
function accountJson(
  state: WhopState,
  ownerId: string,
): Whop.TransferCreateResponse.Transfer["origin"] {
  if (ownerId === state.company.id) {
    return {
      id: ownerId,
      typename: "Company",
      route: state.company.route,
      title: state.company.title,
    };
  }
  const user = state.users.get(ownerId);
  return {
    id: ownerId,
    typename: "User",
    name: user?.name ?? null,
    username: user?.username ?? ownerId,
  };
}

/** `transfers.create/retrieve` body. */
export function transferJson(
  state: WhopState,
  transfer: TransferRecord,
): Whop.TransferCreateResponse.Transfer {
  return {
    id: transfer.id,
    amount: transfer.amount,
    created_at: transfer.createdAt,
    currency: transfer.currency,
    origin: accountJson(state, transfer.originId),
    destination: accountJson(state, transfer.destinationId),
    origin_ledger_account_id: state.ledger.accountId(transfer.originId),
    destination_ledger_account_id: state.ledger.accountId(
      transfer.destinationId,
    ),
    fee_amount: 0,
    metadata: transfer.metadata,
    notes: transfer.notes,
  };
}

/** `ledgerAccounts.retrieve` body for a user or the company. */
export function ledgerAccountJson(
  state: WhopState,
  ownerId: string,
): Whop.LedgerAccountRetrieveResponse {
  const owner = accountJson(state, ownerId);
  return {
    id: state.ledger.accountId(ownerId),
    balances: state.ledger.balances(ownerId).map(({ currency, minor, pendingMinor }) => ({
      balance: toMajor(minor, currency),
      currency: currency as Currency,
      pending_balance: toMajor(pendingMinor, currency),
      reserve_balance: 0,
    })),
    ledger_type: "primary",
    owner: owner.typename === "Company"
      ? {
        id: owner.id,
        typename: "Company",
        route: owner.route ?? "",
        title: owner.title ?? "",
      }
      : {
        id: owner.id,
        typename: "User",
        name: owner.name ?? null,
        username: owner.username ?? owner.id,
      },
    payments_approval_status: "approved",
    payout_account_details: null,
    transfer_fee: 0,
    treasury_balance: null,
  };
}

/**
 * `users.retrieve` body. `withBalance` fills `balance` (cash by currency),
 * which Whop does only for `GET /users/me` with the user's own token.
 */
export function userJson(
  state: WhopState,
  user: DemoUser,
  withBalance: boolean,
): Whop.User {
  const cash = state.ledger.balances(user.id).map(({ currency, minor }) => {
    const balance = toMajor(minor, currency);
    return {
      balance,
      balance_usd: balance,
      currency,
      pending_balance_usd: 0,
      reserve_balance_usd: 0,
      total_withdrawable_balance: balance,
    };
  });
  const cashUsd = cash.filter((c) => c.currency === "usd")
    .reduce((sum, c) => sum + c.balance, 0).toFixed(2);
  return {
    id: user.id,
    balance: withBalance
      ? {
        businesses: [],
        businesses_total_usd: "0.00",
        cash,
        cash_usd: cashUsd,
        crypto: [],
        crypto_usd: "0.00",
        pending_usd: "0.00",
        total_usd: cashUsd,
        treasury_pending_usd: "0.00",
      }
      : null,
    balance_history: null,
    bio: null,
    created_at: "2024-01-01T00:00:00.000Z",
    earnings_usd: null,
    name: user.name,
    profile_picture: null,
    username: user.username,
    verification: null,
    whop_partner_enabled_at: null,
  };
}
