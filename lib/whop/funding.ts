/**
 * Prize escrow: a Whop checkout for the prize, and the verified payment that
 * moves a competition from DRAFT to UPCOMING, whether Whop's
 * `payment.succeeded` webhook or the creator's return from the checkout
 * (`payments.retrieve`) brings it first.
 *
 * The checkout asks for the prize grossed up by Whop's fee (`fees.ts`), since
 * Whop credits the company only `amount_after_fees`. It is recorded on the
 * competition, which freezes the prize, its currency and its split while it
 * exists (`lockedFields`), and asking again gives the same checkout.
 *
 * A payment funds a competition only when its metadata names a DRAFT whose
 * start has not passed, it is paid, its currency is the prize's and its
 * `amount_after_fees` (parsed exactly) covers the prize. That decision is
 * taken inside the one atomic commit that marks the competition funded, on
 * the record being committed: a prize changed after the payment was read
 * fails the commit, which decides again on the new prize. Any other payment
 * for a competition is refunded in full, once per payment, its refund record
 * written in the same commit as the `fundingIssue` a draft then shows, so
 * money is never stuck in the company's ledger and a crash leaves no payment
 * both refunded and funding.
 *
 * One idea past 300 lines: the checkout a prize is priced on, the decision
 * whether a payment funds it and the two ways a payment arrives (webhook,
 * return) share that one rule, so they stay in one module.
 */
import type Whop from "@whop/sdk";
import { ID_PATTERN, keys } from "../core/db.ts";
import { type Competition, getVisibleCompetition, updateCompetition } from "../competitions/competitions.ts";
import { prizeSplitOf } from "../competitions/prize_split.ts";
import { ConflictError, ForbiddenError, UpstreamError } from "../core/errors.ts";
import { formatMoney, type Minor, MoneyError } from "../core/money.ts";
import { appText, fact, notify, quoted } from "../competitions/notifications.ts";
import { log } from "../core/log.ts";
import { describeWhopError, fromWhopAmount, toWhopAmount, whopCurrency } from "./client.ts";
import type { WhopDeps } from "./deps.ts";
import { paymentRefundWrites, type RefundablePayment, requestPaymentRefund } from "./refunds.ts";
import { grossUp } from "./fees.ts";
import { rememberDelivery } from "../core/deliveries.ts";

/** The Whop checkout that funds a prize: where to pay, and what. */
export interface FundingCheckout {
  checkoutUrl: string;
  checkoutId: string;
  /** What the creator pays: the prize plus `fee`, minor units of the prize's currency. */
  amount: Minor;
  /** Whop's fee on `amount` (as `WHOP_FEE_PERCENT` and the fixed fee estimate it). */
  fee: Minor;
  /** The prize's currency. */
  currency: string;
}

/**
 * What funding a competition's prize costs: the prize grossed up so that
 * what Whop credits after its fee covers it.
 */
export function fundingPrice(deps: Pick<WhopDeps, "config">, competition: Competition): { amount: Minor; fee: Minor } {
  const { price, fee } = grossUp(competition.prize, competition.currency, deps.config.whop);
  return { amount: price, fee };
}

/**
 * Where Whop sends the creator back after paying: the app asks Whop for the
 * payment there. Not under `/competitions/:id`, whose community gate would
 * turn away a creator who paid from Whop's frame and came back in a tab
 * signed in nowhere: the payment itself, read from Whop, is the credential.
 */
export function fundingReturnPath(competitionId: string): string {
  return `/funding/${competitionId}/return`;
}

function checkoutOf(competition: Competition): FundingCheckout {
  const checkout = competition.checkout!;
  return {
    checkoutUrl: checkout.url,
    checkoutId: checkout.id,
    amount: checkout.amount,
    fee: checkout.fee,
    currency: competition.currency,
  };
}

/**
 * The Whop checkout that funds a competition's prize (creator only, DRAFT
 * only, before its start), for the prize plus Whop's fee: the one already
 * made for it, else a new one, recorded on the competition only if its
 * prize, currency and split are still those it was priced on (409 when an
 * edit won meanwhile). Two requests at once make at most one recorded
 * checkout; both answer it.
 */
export async function createFundingCheckout(
  deps: WhopDeps,
  competitionId: string,
  userId: string,
): Promise<FundingCheckout> {
  // Another's draft does not exist for this caller (404); a funded one is theirs to see but not to fund (403).
  const competition = await getVisibleCompetition(deps.kv, competitionId, userId);
  if (competition.creatorId !== userId) throw new ForbiddenError("Only the creator can fund this competition.");
  assertFundable(competition, deps.now());
  if (competition.checkout) return checkoutOf(competition);
  if (!deps.whop) throw new UpstreamError("Whop payments are not configured on this server.");
  const { amount, fee } = fundingPrice(deps, competition);
  let made: Whop.CheckoutConfigurationCreateResponse;
  try {
    made = await deps.whop.checkoutConfigurations.create({
      plan: {
        initial_price: toWhopAmount(amount, competition.currency),
        currency: whopCurrency(competition.currency),
        plan_type: "one_time",
        title: `Prize: ${competition.title}`.slice(0, 80),
        ...(deps.config.whop.companyId ? { account_id: deps.config.whop.companyId } : {}),
      },
      metadata: { competitionId: competition.id },
      redirect_url: `${deps.config.appUrl}${fundingReturnPath(competition.id)}`,
    });
  } catch (error) {
    throw new UpstreamError("Whop did not create the checkout; please try again.", error);
  }
  const url = made.purchase_url;
  if (!url) throw new UpstreamError("Whop returned a checkout without a purchase URL.");
  const now = deps.now();
  const { competition: recorded } = await updateCompetition(deps.kv, competitionId, now, "status", (current) => {
    // Another request recorded its checkout first: that one is the checkout, this one is never shown.
    if (current.checkout) return null;
    assertFundable(current, now);
    if (
      current.prize !== competition.prize || current.currency !== competition.currency ||
      prizeSplitOf(current).join() !== prizeSplitOf(competition).join() ||
      JSON.stringify(current.divisions) !== JSON.stringify(competition.divisions)
    ) {
      throw new ConflictError("The prize changed while its checkout was being made; open the fund button again.");
    }
    const checkout = { id: made.id, url, amount, fee, createdAt: new Date(now).toISOString() };
    return { ...current, checkout };
  });
  log("info", "funding checkout", { competitionId, checkoutId: recorded.checkout?.id, made: made.id, amount, fee });
  return checkoutOf(recorded);
}

/** Throws the 409 that says why a competition cannot be funded now, if it cannot. */
function assertFundable(competition: Competition, now: number): void {
  if (competition.status !== "DRAFT") {
    throw new ConflictError(
      competition.status === "CANCELLED"
        ? "This competition is cancelled; it can no longer be funded."
        : "This competition's prize is already funded.",
    );
  }
  if (now >= Date.parse(competition.startDate)) {
    throw new ConflictError("This competition's start has passed; it can no longer be funded.");
  }
}

/** What applying a payment did. */
export type PaymentOutcome =
  | "funded"
  | "already_applied"
  | "refunding"
  | "not_ours"
  | "unknown_competition";

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
 * Why a payment cannot fund `competition` as it stands, in a sentence for
 * the manage page, or `undefined` when it funds it. What counts is
 * `amount_after_fees`, what Whop credits the company.
 */
function fundingIssue(payment: Whop.Payment, competition: Competition, now: number): string | undefined {
  const prize = formatMoney(competition.prize, competition.currency);
  const { amount, currency } = paidOf(payment);
  const afterFees = exactAmount(payment.amount_after_fees, currency);
  if (payment.status !== "paid") {
    return `A Whop payment was not completed (${payment.status}); fund the prize again.`;
  }
  if (currency !== competition.currency) {
    return `A Whop payment was made in ${currency ?? "an unknown currency"} but the prize is in ` +
      `${competition.currency}; it is being refunded. Fund the ${prize} prize again.`;
  }
  if (amount === null || afterFees === null) {
    return `A Whop payment of ${payment.total} ${currency} (${payment.amount_after_fees} after Whop's fee) ` +
      `is not an exact amount; it is being refunded. Fund the ${prize} prize again.`;
  }
  if (afterFees < competition.prize) {
    return `A Whop payment of ${formatMoney(amount, currency)} left ${formatMoney(afterFees, currency)} ` +
      `after Whop's fee, which does not cover the ${prize} prize; it is being refunded. Fund the prize again.`;
  }
  if (now >= Date.parse(competition.startDate)) {
    return "A Whop payment arrived after the start had passed; it is being refunded.";
  }
  return undefined;
}

/**
 * Applies a verified payment: from Whop's `payment.succeeded` webhook (with
 * `deliveryId`, its `webhook-id`, remembered in the same commit as the
 * competition's change, or on its own when nothing changes) or read back
 * from Whop when the creator returns from the checkout. Either order, and
 * both at once, fund exactly once: the decision is taken on the record being
 * committed, and a payment already applied changes nothing. Every step is
 * idempotent by payment id, so a repeat after a crash completes what is
 * missing.
 */
export async function applyPaymentSucceeded(
  deps: WhopDeps,
  payment: Whop.Payment,
  deliveryId?: string,
): Promise<PaymentOutcome> {
  const { kv } = deps;
  const remember = async () => {
    if (deliveryId) await rememberDelivery(kv.atomic(), "whop", deliveryId).commit();
  };
  const competitionId = payment.metadata?.competitionId;
  if (typeof competitionId !== "string" || competitionId === "") {
    await remember();
    return "not_ours";
  }
  if (!(await kv.get(keys.competition(competitionId))).value) {
    log("warn", "payment names an unknown competition", { paymentId: payment.id, competitionId });
    await remember();
    return "unknown_competition";
  }

  const now = deps.now();
  const paid = paidOf(payment);
  // Set by the last decision: the one on the record that was committed (or left as it was).
  const decided: { outcome: PaymentOutcome; issue?: string } = { outcome: "already_applied" };
  const { competition, changed } = await updateCompetition(
    kv,
    competitionId,
    now,
    "status",
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
      const issue = fundingIssue(payment, current, now);
      if (issue) {
        decided.outcome = "refunding";
        decided.issue = issue;
        // Once the refund is recorded and the draft says why, there is nothing left to write.
        return refund.value && current.fundingIssue === issue ? null : { ...current, fundingIssue: issue };
      }
      decided.outcome = "funded";
      const { fundingIssue: _cleared, ...rest } = current;
      return { ...rest, status: "UPCOMING", fundsTxId: payment.id };
    },
    (op, next, [refund]) => {
      if (deliveryId) rememberDelivery(op, "whop", deliveryId);
      return next.status === "DRAFT" && !refund.value ? paymentRefundWrites(op, next, paid, now) : op;
    },
    [keys.paymentRefund(payment.id)],
  );
  const { outcome, issue } = decided;
  if (outcome === "refunding" && competition.status !== "DRAFT") {
    // Covers the prize or not, it arrived for a competition that is no longer a draft: never stuck, refunded once.
    await requestPaymentRefund(deps, competition, paid);
  }
  if (!changed) await remember();

  if (outcome === "funded") {
    log("info", "competition funded", {
      competitionId,
      paymentId: payment.id,
      source: deliveryId ? "webhook" : "return",
    });
  }
  if (competition.fundsTxId === payment.id) {
    await notify(
      kv,
      {
        dedupeKey: `funded:${competitionId}`,
        userId: competition.creatorId,
        kind: "funded",
        competitionId,
        title: appText`${quoted(competition.title)} is funded`,
        body: appText`Your ${
          fact(formatMoney(competition.prize, competition.currency))
        } prize is held in escrow on Whop. The competition opens to stores now and starts as scheduled.`,
      },
      now,
      deps.sendNotification,
    );
  } else if (outcome === "refunding") {
    log("warn", "payment could not fund its competition", {
      competitionId,
      paymentId: payment.id,
      status: competition.status,
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
 * (`payments.retrieve`) and, when it is paid and names this competition,
 * applies it at once through {@link applyPaymentSucceeded}, the webhook's own
 * atomic apply, so a webhook that is late, lost or never configured leaves no
 * paid competition in DRAFT, and the two together fund exactly once. A
 * payment already applied is not asked for again; an unknown id, another
 * competition's payment, one not paid yet or Whop not answering change
 * nothing (`not_confirmed`: the webhook still can).
 */
export async function confirmReturnedPayment(
  deps: WhopDeps,
  competitionId: string,
  paymentId: string | undefined,
): Promise<ReturnOutcome> {
  if (!ID_PATTERN.test(competitionId) || !paymentId || !PAYMENT_ID.test(paymentId) || !deps.whop) {
    return "not_confirmed";
  }
  const stored = (await deps.kv.get<Competition>(keys.competition(competitionId))).value;
  if (!stored) return "not_confirmed";
  if (stored.fundsTxId === paymentId) return "already_applied";
  let payment: Whop.Payment;
  try {
    payment = await deps.whop.payments.retrieve(paymentId, { timeout: 10_000 });
  } catch (error) {
    log("warn", "returned payment not confirmed", { competitionId, paymentId, error: describeWhopError(error) });
    return "not_confirmed";
  }
  if (payment.metadata?.competitionId !== competitionId || payment.status !== "paid") return "not_confirmed";
  return await applyPaymentSucceeded(deps, payment);
}
