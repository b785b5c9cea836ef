/**
 * Prize escrow: a Whop checkout for the prize, and the verified
 * `payment.succeeded` webhook that moves a competition from DRAFT to
 * UPCOMING.
 *
 * The checkout asks for the prize grossed up by Whop's fee (`fees.ts`), since
 * Whop credits the company only `amount_after_fees`. A payment funds a
 * competition only when its metadata names a DRAFT competition whose start
 * has not passed, it is paid, its currency is the prize's and its
 * `amount_after_fees` (parsed exactly) covers the prize. Any other payment
 * for a competition is refunded in full (once per payment), so money is
 * never stuck in the company's ledger; a draft then shows `fundingIssue`.
 */
import type Whop from "@whop/sdk";
import { keys } from "../core/db.ts";
import { type Competition, getVisibleCompetition, updateCompetition } from "../competitions/competitions.ts";
import { ConflictError, ForbiddenError, UpstreamError } from "../core/errors.ts";
import { formatMoney, type Minor, MoneyError } from "../core/money.ts";
import { appText, fact, notify, quoted } from "../competitions/notifications.ts";
import { log } from "../core/log.ts";
import { fromWhopAmount, toWhopAmount, whopCurrency } from "./client.ts";
import type { WhopDeps } from "./deps.ts";
import { requestPaymentRefund } from "./refunds.ts";
import { grossUp } from "./fees.ts";
import { rememberDelivery } from "../core/deliveries.ts";

/** The Whop checkout that funds a prize: where to pay, and what. */
export interface FundingCheckout {
  checkoutUrl: string;
  checkoutId: string;
  /** What the creator pays: the prize plus `fee`, minor units of the prize's currency. */
  amount: Minor;
  /** Whop's fee on `amount` (as `WHOP_FEE_PERCENT` and `WHOP_FEE_FIXED` estimate it). */
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
 * Creates the Whop checkout that funds a competition's prize (creator only,
 * DRAFT only, before its start) for the prize plus Whop's fee, and returns
 * its purchase URL and the price breakdown.
 */
export async function createFundingCheckout(
  deps: WhopDeps,
  competitionId: string,
  userId: string,
): Promise<FundingCheckout> {
  // Another's draft does not exist for this caller (404); a funded one is theirs to see but not to fund (403).
  const competition = await getVisibleCompetition(deps.kv, competitionId, userId);
  if (competition.creatorId !== userId) throw new ForbiddenError("Only the creator can fund this competition.");
  if (competition.status !== "DRAFT") {
    throw new ConflictError(
      competition.status === "CANCELLED"
        ? "This competition is cancelled; it can no longer be funded."
        : "This competition's prize is already funded.",
    );
  }
  if (deps.now() >= Date.parse(competition.startDate)) {
    throw new ConflictError("This competition's start has passed; it can no longer be funded.");
  }
  if (!deps.whop) throw new UpstreamError("Whop payments are not configured on this server.");
  const { amount, fee } = fundingPrice(deps, competition);
  let checkout: Whop.CheckoutConfigurationCreateResponse;
  try {
    checkout = await deps.whop.checkoutConfigurations.create({
      plan: {
        initial_price: toWhopAmount(amount, competition.currency),
        currency: whopCurrency(competition.currency),
        plan_type: "one_time",
        title: `Prize: ${competition.title}`.slice(0, 80),
        ...(deps.config.whop.companyId ? { account_id: deps.config.whop.companyId } : {}),
      },
      metadata: { competitionId: competition.id },
      redirect_url: `${deps.config.appUrl}/competitions/${competition.id}/manage`,
    });
  } catch (error) {
    throw new UpstreamError("Whop did not create the checkout; please try again.", error);
  }
  if (!checkout.purchase_url) throw new UpstreamError("Whop returned a checkout without a purchase URL.");
  log("info", "funding checkout created", { competitionId, checkoutId: checkout.id, amount, fee });
  return { checkoutUrl: checkout.purchase_url, checkoutId: checkout.id, amount, fee, currency: competition.currency };
}

/** What a payment webhook did. */
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

/**
 * Whether a payment can fund a competition: what was paid (`total`, what a
 * refund returns), or the sentence explaining why not. What counts is
 * `amount_after_fees`, what Whop credits the company.
 */
function assessPayment(
  payment: Whop.Payment,
  competition: Competition,
): { amount: Minor | null; currency: string | null; issue?: string } {
  const prize = formatMoney(competition.prize, competition.currency);
  const currency = payment.currency ? payment.currency.toUpperCase() : null;
  const amount = exactAmount(payment.total, currency);
  const afterFees = exactAmount(payment.amount_after_fees, currency);
  if (payment.status !== "paid") {
    return { amount, currency, issue: `A Whop payment was not completed (${payment.status}); fund the prize again.` };
  }
  if (currency !== competition.currency) {
    return {
      amount,
      currency,
      issue:
        `A Whop payment was made in ${currency ?? "an unknown currency"} but the prize is in ${competition.currency}` +
        `; it is being refunded. Fund the ${prize} prize again.`,
    };
  }
  if (amount === null || afterFees === null) {
    return {
      amount,
      currency,
      issue: `A Whop payment of ${payment.total} ${currency} (${payment.amount_after_fees} after Whop's fee) ` +
        `is not an exact amount; it is being refunded. Fund the ${prize} prize again.`,
    };
  }
  if (afterFees < competition.prize) {
    return {
      amount,
      currency,
      issue: `A Whop payment of ${formatMoney(amount, currency)} left ${formatMoney(afterFees, currency)} ` +
        `after Whop's fee, which does not cover the ${prize} prize; it is being refunded. Fund the prize again.`,
    };
  }
  return { amount, currency };
}

/**
 * Applies a verified `payment.succeeded` event. `deliveryId` is the
 * `webhook-id`, remembered in the same commit as the competition's change
 * (or on its own when nothing changes). Every step is idempotent by
 * payment id, so a redelivery after a crash completes what is missing.
 */
export async function applyPaymentSucceeded(
  deps: WhopDeps,
  payment: Whop.Payment,
  deliveryId: string,
): Promise<PaymentOutcome> {
  const { kv } = deps;
  const remember = async () => {
    await rememberDelivery(kv.atomic(), "whop", deliveryId).commit();
  };
  const competitionId = payment.metadata?.competitionId;
  if (typeof competitionId !== "string" || competitionId === "") {
    await remember();
    return "not_ours";
  }
  const entry = await kv.get<Competition>(keys.competition(competitionId));
  if (!entry.value) {
    log("warn", "payment names an unknown competition", { paymentId: payment.id, competitionId });
    await remember();
    return "unknown_competition";
  }
  const assessment = assessPayment(payment, entry.value);
  if (assessment.issue && entry.value.fundsTxId !== payment.id) {
    // Recorded before the competition changes: a crash in between is completed by the redelivery.
    await requestPaymentRefund(deps, entry.value, { id: payment.id, ...assessment });
  }

  const now = deps.now();
  const result: { outcome: PaymentOutcome; rejected: boolean } = { outcome: "already_applied", rejected: false };
  const { competition, changed } = await updateCompetition(
    kv,
    competitionId,
    now,
    "status",
    (current) => {
      if (current.fundsTxId === payment.id) {
        result.outcome = "already_applied";
        return null;
      }
      if (current.status !== "DRAFT") {
        result.outcome = "refunding";
        result.rejected = true;
        return null;
      }
      const issue = assessment.issue ??
        (now >= Date.parse(current.startDate)
          ? `A Whop payment arrived after the start had passed; it is being refunded.`
          : undefined);
      if (issue) {
        result.outcome = "refunding";
        result.rejected = true;
        return current.fundingIssue === issue ? null : { ...current, fundingIssue: issue };
      }
      result.outcome = "funded";
      const { fundingIssue: _cleared, ...rest } = current;
      return { ...rest, status: "UPCOMING", fundsTxId: payment.id };
    },
    (op) => rememberDelivery(op, "whop", deliveryId),
  );
  if (result.rejected && !assessment.issue) {
    // Covered the prize but arrived too late or for a competition that is no longer a draft.
    await requestPaymentRefund(deps, competition, { id: payment.id, ...assessment });
  }
  if (!changed) await remember();

  if (competition.fundsTxId === payment.id) {
    if (changed) log("info", "competition funded", { competitionId, paymentId: payment.id });
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
  } else if (result.rejected) {
    log("warn", "payment could not fund its competition", {
      competitionId,
      paymentId: payment.id,
      status: competition.status,
      issue: assessment.issue,
    });
  }
  return result.outcome;
}
