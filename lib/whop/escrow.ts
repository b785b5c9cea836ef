/**
 * Escrow through a Whop checkout, for whatever one checkout funds: a
 * competition's prize (`funding.ts`) or a season's rounds and season prize
 * (`season_funding.ts`). Each of those is a {@link FundingSubject}: how its
 * record is read and written, what it must cover, and what the checkout is
 * priced on; the rules below are written once for both. One idea past 300
 * lines: the checkout, the decision whether a payment funds and the two ways
 * a payment arrives (webhook, return) share that one rule.
 *
 * The checkout asks for the amount grossed up by Whop's fee (`fees.ts`),
 * since Whop credits the company only `amount_after_fees`. It is recorded on
 * the record, which freezes what it is priced on while it exists, and asking
 * again gives the same checkout.
 *
 * A payment funds a record only when its metadata names a DRAFT whose start
 * has not passed, it is paid, its currency is the record's and its
 * `amount_after_fees` (parsed exactly) covers what it must. That decision is
 * taken inside the one atomic commit that marks the record funded, on the
 * record being committed: a price changed after the payment was read fails
 * the commit, which decides again. Any other payment for it is refunded in
 * full, once per payment, its refund record written in the same commit as
 * the `fundingIssue` a draft then shows, so money is never stuck in the
 * company's ledger and a crash leaves no payment both refunded and funding.
 * The payment arrives by Whop's `payment.succeeded` webhook or is read back
 * (`payments.retrieve`) when the creator returns from the checkout; either
 * order, and both at once, fund exactly once.
 */
import type Whop from "@whop/sdk";
import { ID_PATTERN, keys } from "../core/db.ts";
import { ConflictError, ForbiddenError, UpstreamError } from "../core/errors.ts";
import { formatMoney, type Minor, MoneyError } from "../core/money.ts";
import { log } from "../core/log.ts";
import { rememberDelivery } from "../core/deliveries.ts";
import type { FundingCheckoutRecord } from "../competitions/competitions.ts";
import { describeWhopError, fromWhopAmount, toWhopAmount, whopCurrency } from "./client.ts";
import type { WhopDeps } from "./deps.ts";
import { grossUp } from "./fees.ts";
import { type PaymentOwner, paymentRefundWrites, type RefundablePayment, requestPaymentRefund } from "./refunds.ts";

/** What one checkout funds, as the funding rules read it. */
export interface Fundable {
  id: string;
  title: string;
  creatorId: string;
  currency: string;
  startDate: string;
  status: string;
  checkout?: FundingCheckoutRecord;
  fundsTxId?: string;
  fundingIssue?: string;
}

/** How funding reads, prices and writes one kind of {@link Fundable}. */
export interface FundingSubject<T extends Fundable> {
  /** The payment metadata field that names the record (`competitionId`, `seasonId`). */
  metadataKey: string;
  /** What it is called in sentences: "competition", "season". */
  noun: string;
  /** What a payment must cover after Whop's fee. */
  covers(record: T): Minor;
  /** What its checkout is priced on: a change while the checkout is being made is a conflict. */
  pricing(record: T): string;
  /** The record, or `null`. */
  load(kv: Deno.Kv, id: string): Promise<T | null>;
  /** The record as `userId` may see it (404 when private to another). */
  loadVisible(kv: Deno.Kv, id: string, userId: string): Promise<T>;
  /** The atomic update of the record (the `updateCompetition` contract). */
  update(
    kv: Deno.Kv,
    id: string,
    now: number,
    change: (current: T, read: Deno.KvEntryMaybe<unknown>[]) => T | null,
    extra: (op: Deno.AtomicOperation, next: T, read: Deno.KvEntryMaybe<unknown>[]) => Deno.AtomicOperation,
    read: readonly Deno.KvKey[],
  ): Promise<{ record: T; changed: boolean }>;
  /** Where Whop sends the creator back after paying. */
  returnPath(id: string): string;
  /** The checkout's plan title. */
  checkoutTitle(record: T): string;
  /** Whose payments its refunds return. */
  owner(record: T): PaymentOwner;
  /**
   * What follows its funding (telling the creator, once; a season's first
   * round): run by every apply that finds it funded by the payment, so it
   * must be idempotent.
   */
  afterFunded(deps: WhopDeps, record: T, now: number): Promise<void>;
}

/** The Whop checkout that funds a record: where to pay, and what. */
export interface FundingCheckout {
  checkoutUrl: string;
  checkoutId: string;
  /** What the creator pays: what is covered plus `fee`, minor units of the record's currency. */
  amount: Minor;
  /** Whop's fee on `amount` (as `WHOP_FEE_PERCENT` and the fixed fee estimate it). */
  fee: Minor;
  currency: string;
}

/** What funding `record` costs: what it must cover grossed up so that what Whop credits after its fee covers it. */
export function escrowPrice<T extends Fundable>(
  deps: Pick<WhopDeps, "config">,
  subject: FundingSubject<T>,
  record: T,
): { amount: Minor; fee: Minor } {
  const { price, fee } = grossUp(subject.covers(record), record.currency, deps.config.whop);
  return { amount: price, fee };
}

function checkoutOf(record: Fundable): FundingCheckout {
  const checkout = record.checkout!;
  return {
    checkoutUrl: checkout.url,
    checkoutId: checkout.id,
    amount: checkout.amount,
    fee: checkout.fee,
    currency: record.currency,
  };
}

/** Throws the 409 that says why a record cannot be funded now, if it cannot. */
function assertFundable(record: Fundable, noun: string, now: number): void {
  if (record.status !== "DRAFT") {
    throw new ConflictError(
      record.status === "CANCELLED"
        ? `This ${noun} is cancelled; it can no longer be funded.`
        : `This ${noun} is already funded.`,
    );
  }
  if (now >= Date.parse(record.startDate)) {
    throw new ConflictError(`This ${noun}'s start has passed; it can no longer be funded.`);
  }
}

/**
 * The Whop checkout that funds a record (creator only, DRAFT only, before
 * its start): the one already made for it, else a new one, recorded only if
 * what it is priced on is unchanged (409 when an edit won meanwhile). Two
 * requests at once make at most one recorded checkout; both answer it.
 */
export async function createEscrowCheckout<T extends Fundable>(
  deps: WhopDeps,
  subject: FundingSubject<T>,
  id: string,
  userId: string,
): Promise<FundingCheckout> {
  // Another's draft does not exist for this caller (404); a funded one is theirs to see but not to fund (403).
  const record = await subject.loadVisible(deps.kv, id, userId);
  if (record.creatorId !== userId) throw new ForbiddenError(`Only the creator can fund this ${subject.noun}.`);
  assertFundable(record, subject.noun, deps.now());
  if (record.checkout) return checkoutOf(record);
  if (!deps.whop) throw new UpstreamError("Whop payments are not configured on this server.");
  const { amount, fee } = escrowPrice(deps, subject, record);
  let made: Whop.CheckoutConfigurationCreateResponse;
  try {
    made = await deps.whop.checkoutConfigurations.create({
      plan: {
        initial_price: toWhopAmount(amount, record.currency),
        currency: whopCurrency(record.currency),
        plan_type: "one_time",
        title: subject.checkoutTitle(record).slice(0, 80),
        ...(deps.config.whop.companyId ? { account_id: deps.config.whop.companyId } : {}),
      },
      metadata: { [subject.metadataKey]: record.id },
      redirect_url: `${deps.config.appUrl}${subject.returnPath(record.id)}`,
    });
  } catch (error) {
    throw new UpstreamError("Whop did not create the checkout; please try again.", error);
  }
  const url = made.purchase_url;
  if (!url) throw new UpstreamError("Whop returned a checkout without a purchase URL.");
  const now = deps.now();
  const { record: recorded } = await subject.update(
    deps.kv,
    id,
    now,
    (current) => {
      // Another request recorded its checkout first: that one is the checkout, this one is never shown.
      if (current.checkout) return null;
      assertFundable(current, subject.noun, now);
      if (subject.pricing(current) !== subject.pricing(record)) {
        throw new ConflictError(
          `The ${subject.noun}'s prize changed while its checkout was being made; open the fund button again.`,
        );
      }
      const checkout = { id: made.id, url, amount, fee, createdAt: new Date(now).toISOString() };
      return { ...current, checkout };
    },
    (op) => op,
    [],
  );
  log("info", "funding checkout", {
    [subject.metadataKey]: id,
    checkoutId: recorded.checkout?.id,
    made: made.id,
    amount,
    fee,
  });
  return checkoutOf(recorded);
}

/** What applying a payment did. */
export type PaymentOutcome = "funded" | "already_applied" | "refunding" | "not_ours" | "unknown_competition";

/** A decimal amount from Whop as exact minor units, or `null` when it is not one. */
function exactAmount(amount: number | null, currency: string | null): Minor | null {
  if (!currency || amount === null) return null;
  try {
    return fromWhopAmount(amount, currency);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    return null;
  }
}

/** What was paid (`total`, what a refund returns) when exact. */
function paidOf(payment: Whop.Payment): RefundablePayment {
  const currency = payment.currency ? payment.currency.toUpperCase() : null;
  return { id: payment.id, amount: exactAmount(payment.total, currency), currency };
}

/**
 * Why a payment cannot fund `record` as it stands, in a sentence for the
 * creator's page, or `undefined` when it funds it. What counts is
 * `amount_after_fees`, what Whop credits the company.
 */
function fundingIssue<T extends Fundable>(
  payment: Whop.Payment,
  subject: FundingSubject<T>,
  record: T,
  now: number,
): string | undefined {
  const due = formatMoney(subject.covers(record), record.currency);
  const { amount, currency } = paidOf(payment);
  const afterFees = exactAmount(payment.amount_after_fees, currency);
  if (payment.status !== "paid") {
    return `A Whop payment was not completed (${payment.status}); fund the prize again.`;
  }
  if (currency !== record.currency) {
    return `A Whop payment was made in ${currency ?? "an unknown currency"} but the prize is in ` +
      `${record.currency}; it is being refunded. Fund the ${due} prize again.`;
  }
  if (amount === null || afterFees === null) {
    return `A Whop payment of ${payment.total} ${currency} (${payment.amount_after_fees} after Whop's fee) ` +
      `is not an exact amount; it is being refunded. Fund the ${due} prize again.`;
  }
  if (afterFees < subject.covers(record)) {
    return `A Whop payment of ${formatMoney(amount, currency)} left ${formatMoney(afterFees, currency)} ` +
      `after Whop's fee, which does not cover the ${due} prize; it is being refunded. Fund the prize again.`;
  }
  if (now >= Date.parse(record.startDate)) {
    return "A Whop payment arrived after the start had passed; it is being refunded.";
  }
  return undefined;
}

/**
 * Applies a verified payment naming a record of `subject`: from Whop's
 * `payment.succeeded` webhook (with `deliveryId`, its `webhook-id`,
 * remembered in the same commit as the record's change, or on its own when
 * nothing changes) or read back from Whop on the creator's return. The
 * decision is taken on the record being committed, and a payment already
 * applied changes nothing; every step is idempotent by payment id, so a
 * repeat after a crash completes what is missing.
 */
export async function applyEscrowPayment<T extends Fundable>(
  deps: WhopDeps,
  subject: FundingSubject<T>,
  payment: Whop.Payment,
  deliveryId?: string,
): Promise<PaymentOutcome> {
  const { kv } = deps;
  const remember = async () => {
    if (deliveryId) await rememberDelivery(kv.atomic(), "whop", deliveryId).commit();
  };
  const id = payment.metadata?.[subject.metadataKey];
  if (typeof id !== "string" || id === "") {
    await remember();
    return "not_ours";
  }
  if (!ID_PATTERN.test(id) || !(await subject.load(kv, id))) {
    log("warn", `payment names an unknown ${subject.noun}`, { paymentId: payment.id, [subject.metadataKey]: id });
    await remember();
    return "unknown_competition";
  }

  const now = deps.now();
  const paid = paidOf(payment);
  // Set by the last decision: the one on the record that was committed (or left as it was).
  const decided: { outcome: PaymentOutcome; issue?: string } = { outcome: "already_applied" };
  const { record, changed } = await subject.update(
    kv,
    id,
    now,
    (current, [refund]) => {
      if (current.fundsTxId === payment.id) {
        decided.outcome = "already_applied";
        return null;
      }
      decided.issue = undefined;
      if (current.status !== "DRAFT") {
        // Funded by another payment, or cancelled: refunded below (no draft to explain it on).
        decided.outcome = "refunding";
        return null;
      }
      const issue = fundingIssue(payment, subject, current, now);
      if (issue) {
        decided.outcome = "refunding";
        decided.issue = issue;
        // Once the refund is recorded and the draft says why, there is nothing left to write.
        return refund.value && current.fundingIssue === issue ? null : { ...current, fundingIssue: issue };
      }
      decided.outcome = "funded";
      const { fundingIssue: _cleared, ...rest } = current;
      return { ...rest, status: "UPCOMING", fundsTxId: payment.id } as T;
    },
    (op, next, [refund]) => {
      if (deliveryId) rememberDelivery(op, "whop", deliveryId);
      return next.status === "DRAFT" && !refund.value ? paymentRefundWrites(op, subject.owner(next), paid, now) : op;
    },
    [keys.paymentRefund(payment.id)],
  );
  const { outcome, issue } = decided;
  if (outcome === "refunding" && record.status !== "DRAFT") {
    // Covers it or not, it arrived for a record that is no longer a draft: never stuck, refunded once.
    await requestPaymentRefund(deps, subject.owner(record), paid);
  }
  if (!changed) await remember();
  if (outcome === "funded") {
    log("info", `${subject.noun} funded`, {
      [subject.metadataKey]: id,
      paymentId: payment.id,
      source: deliveryId ? "webhook" : "return",
    });
  }
  if (record.fundsTxId === payment.id) {
    await subject.afterFunded(deps, record, now);
  } else if (outcome === "refunding") {
    log("warn", `payment could not fund its ${subject.noun}`, {
      [subject.metadataKey]: id,
      paymentId: payment.id,
      status: record.status,
      issue,
    });
  }
  return outcome;
}

/** A Whop payment id, as Whop's redirect names it (`pay_…`). */
const PAYMENT_ID = /^pay_[A-Za-z0-9]{1,60}$/;

/** What the return from Whop's checkout found. */
export type ReturnOutcome = PaymentOutcome | "not_confirmed";

/**
 * The creator's return from Whop's checkout, whose redirect names the
 * payment (`payment_id`, also sent as `receipt_id`): asks Whop for it
 * (`payments.retrieve`) and, when it is paid and names this record, applies
 * it at once through {@link applyEscrowPayment}, the webhook's own atomic
 * apply, so a webhook that is late, lost or never configured leaves no paid
 * record in DRAFT, and the two together fund exactly once. A payment already
 * applied is not asked for again; an unknown id, another record's payment,
 * one not paid yet or Whop not answering change nothing (`not_confirmed`:
 * the webhook still can).
 */
export async function confirmEscrowReturn<T extends Fundable>(
  deps: WhopDeps,
  subject: FundingSubject<T>,
  id: string,
  paymentId: string | undefined,
): Promise<ReturnOutcome> {
  if (!ID_PATTERN.test(id) || !paymentId || !PAYMENT_ID.test(paymentId) || !deps.whop) return "not_confirmed";
  const stored = await subject.load(deps.kv, id);
  if (!stored) return "not_confirmed";
  if (stored.fundsTxId === paymentId) return "already_applied";
  let payment: Whop.Payment;
  try {
    payment = await deps.whop.payments.retrieve(paymentId, { timeout: 10_000 });
  } catch (error) {
    log("warn", "returned payment not confirmed", {
      [subject.metadataKey]: id,
      paymentId,
      error: describeWhopError(error),
    });
    return "not_confirmed";
  }
  if (payment.metadata?.[subject.metadataKey] !== id || payment.status !== "paid") return "not_confirmed";
  return await applyEscrowPayment(deps, subject, payment);
}
