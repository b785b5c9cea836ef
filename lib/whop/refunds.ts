/**
 * Refunds through Whop, each exactly once:
 *
 * - the prize of a funded competition that is cancelled before its start, or
 *   that ends with no winner: `["refunds", competitionId]`, idempotency key
 *   `refund_<competitionId>`;
 * - a payment that cannot fund its competition (short, wrong currency, too
 *   late, or the competition is no longer a draft), so money is never stuck:
 *   `["payment_refunds", paymentId]`, key `refund_payment_<paymentId>`; a
 *   payment that cannot fund a season likewise;
 * - a season's payment (`lib/seasons/`): in full when the season is cancelled
 *   before its first round, or in part — exactly the prizes of the rounds
 *   not played — when its creator cancels the rounds not yet started:
 *   `["season_refunds", seasonId]`, key `refund_season_<seasonId>`. A season
 *   is cancelled whole or cut once, never both, so a season's payment is
 *   refunded at most once, and a succeeded refund on it is this one.
 *
 * `request…` records the refund (only if absent) and enqueues its job in one
 * commit; `processRefund` writes the attempt before the call and the refund
 * id after (see `once.ts`). Before each call it reads the payment back from
 * Whop: a payment that already carries a succeeded refund (a run died after
 * the call) is recorded as refunded instead of being refunded again, so
 * exactly-once does not depend on Whop honouring the `Idempotency-Key`
 * header.
 *
 * Only a refund Whop reports `succeeded` is done. Failed and canceled
 * attempts in the payment's `refunds` are retried (a new idempotency key per
 * earlier failure, so Whop does not replay it), shown until then; a
 * `pending` one is waited for, never duplicated.
 *
 * One idea, past 300 lines: every refund is one contract with Whop (what it
 * returns, its key, the read-back before each call, what is told after).
 */
import type Whop from "@whop/sdk";
import { keys } from "../core/db.ts";
import { type Competition } from "../competitions/competitions.ts";
import { cancelCompetition } from "../competitions/editing.ts";
import { formatMoney, type Minor, MoneyError } from "../core/money.ts";
import { appText, fact, notify, quoted } from "../competitions/notifications.ts";
import { enqueueIn, type QueueMessage } from "../core/queue.ts";
import { log } from "../core/log.ts";
import { fromWhopAmount, PermanentWhopError, toWhopAmount } from "./client.ts";
import { playedRounds, roundsPrize, type Season, seasonEscrow } from "../seasons/seasons.ts";
import type { WhopDeps } from "./deps.ts";
import {
  DEFAULT_RETRY,
  NotReadyError,
  type OnceOutcome,
  type OnceRecord,
  requestOnce,
  resumeOnce,
  runOnce,
} from "./once.ts";

/** Why a payment is returned (`rounds_cancelled`: a season's rounds not yet started, in part). */
export type RefundReason = "cancelled" | "no_winner" | "cannot_fund" | "rounds_cancelled";

/**
 * A refund record (`["refunds", competitionId]`, `["payment_refunds",
 * paymentId]` or `["season_refunds", seasonId]`).
 */
export interface Refund extends OnceRecord {
  kind: "prize" | "payment" | "season";
  /** The competition whose payment it is; absent when it is a season's. */
  competitionId?: string;
  /** The season whose payment it is. */
  seasonId?: string;
  /** The competition's or the season's title. */
  competitionTitle: string;
  /** The Whop payment refunded (in full). */
  paymentId: string;
  idempotencyKey: string;
  /** What is refunded, when known exactly: at first the prize or the payment, once sent what Whop refunded. */
  amount: Minor | null;
  /** Only `amount` of the payment is refunded (a season's rounds not played), not all of it. */
  partial?: boolean;
  currency: string | null;
  reason: RefundReason;
  /** Who is told once it is refunded. */
  notifyUserId: string;
  /** The Whop refund, once sent. */
  refundId?: string;
}

/** Which record a refund job names. */
export type RefundTarget =
  | { kind: "prize"; competitionId: string }
  | { kind: "payment"; paymentId: string }
  | { kind: "season"; seasonId: string };

function targetKey(target: RefundTarget): Deno.KvKey {
  if (target.kind === "season") return keys.seasonRefund(target.seasonId);
  return target.kind === "prize" ? keys.prizeRefund(target.competitionId) : keys.paymentRefund(target.paymentId);
}

function targetMessage(target: RefundTarget): QueueMessage {
  if (target.kind === "season") return { type: "season_refund", seasonId: target.seasonId };
  return target.kind === "prize"
    ? { type: "prize_refund", competitionId: target.competitionId }
    : { type: "payment_refund", paymentId: target.paymentId };
}

/** The fields of a refund record not yet tried, made at `now`. */
function newRecord(now: number): Pick<Refund, "state" | "attempts" | "createdAt" | "updatedAt"> {
  const at = new Date(now).toISOString();
  return { state: "pending", attempts: 0, createdAt: at, updatedAt: at };
}

/** A refund record, or `null`. */
export async function getRefund(kv: Deno.Kv, target: RefundTarget): Promise<Refund | null> {
  return (await kv.get<Refund>(targetKey(target))).value;
}

/** Adds the index of a payment's refund (by its competition or season) to `op`. */
function indexWrites(op: Deno.AtomicOperation, target: RefundTarget, refund: Refund): Deno.AtomicOperation {
  if (target.kind !== "payment") return op;
  return op.set(
    refund.seasonId
      ? keys.seasonPaymentRefund(refund.seasonId, target.paymentId)
      : keys.competitionPaymentRefund(refund.competitionId!, target.paymentId),
    true,
  );
}

/** Adds the writes that record `refund` and queue its job to `op` (the caller checks the record is absent). */
function refundWrites(op: Deno.AtomicOperation, target: RefundTarget, refund: Refund): Deno.AtomicOperation {
  return enqueueIn(indexWrites(op.set(targetKey(target), refund), target, refund), targetMessage(target));
}

async function recordRefund(deps: Pick<WhopDeps, "kv" | "now">, target: RefundTarget, refund: Refund): Promise<Refund> {
  const key = targetKey(target);
  const { record, created } = await requestOnce(
    deps.kv,
    key,
    refund,
    targetMessage(target),
    (op) => indexWrites(op, target, refund),
  );
  if (created) {
    log("info", "refund requested", { record: key.join("/"), paymentId: refund.paymentId, reason: refund.reason });
  }
  return record;
}

/**
 * Records and queues the refund of a funded competition's prize, once. A
 * competition without `fundsTxId` has nothing to refund (returns `null`).
 */
export function requestPrizeRefund(
  deps: Pick<WhopDeps, "kv" | "now">,
  competition: Competition,
  reason: "cancelled" | "no_winner",
): Promise<Refund | null> {
  if (!competition.fundsTxId) return Promise.resolve(null);
  return recordRefund(deps, { kind: "prize", competitionId: competition.id }, {
    kind: "prize",
    ...ownerFields(competitionOwner(competition)),
    paymentId: competition.fundsTxId,
    idempotencyKey: `refund_${competition.id}`,
    amount: competition.prize,
    currency: competition.currency,
    reason,
    ...newRecord(deps.now()),
  });
}

/**
 * Cancels a competition before its start (creator only) and requests the
 * refund of its prize when it was funded. A crash between the two is healed
 * by the status job, which requests the refund of every recently cancelled
 * funded competition (idempotent).
 */
export async function cancelAndRefund(
  deps: Pick<WhopDeps, "kv" | "now">,
  competitionId: string,
  userId: string,
): Promise<{ competition: Competition; refund: Refund | null }> {
  const competition = await cancelCompetition(deps.kv, competitionId, userId, deps.now());
  return { competition, refund: await requestPrizeRefund(deps, competition, "cancelled") };
}

/** A payment that cannot fund its competition: its id and, when exact, what was paid. */
export interface RefundablePayment {
  id: string;
  amount: Minor | null;
  currency: string | null;
}

/** Whose payment a refund returns: a competition's, or a season's. */
export interface PaymentOwner {
  kind: "competition" | "season";
  id: string;
  title: string;
  creatorId: string;
}

/** A competition as the owner of its payments. */
export function competitionOwner(competition: Pick<Competition, "id" | "title" | "creatorId">): PaymentOwner {
  return { kind: "competition", id: competition.id, title: competition.title, creatorId: competition.creatorId };
}

/** Records and queues the refund of a payment that could not fund what `owner` is, once per payment. */
export function requestPaymentRefund(
  deps: Pick<WhopDeps, "kv" | "now">,
  owner: PaymentOwner,
  payment: RefundablePayment,
): Promise<Refund> {
  return recordRefund(deps, { kind: "payment", paymentId: payment.id }, paymentRefund(owner, payment, deps.now()));
}

/**
 * Adds the writes that record and queue the refund of `payment` to `op`, so
 * that the decision not to fund and the refund commit together. The caller
 * has read `keys.paymentRefund(payment.id)` as absent and checks it.
 */
export function paymentRefundWrites(
  op: Deno.AtomicOperation,
  owner: PaymentOwner,
  payment: RefundablePayment,
  now: number,
): Deno.AtomicOperation {
  return refundWrites(op, { kind: "payment", paymentId: payment.id }, paymentRefund(owner, payment, now));
}

/** Who a refund belongs to, as its record names it. */
function ownerFields(owner: PaymentOwner) {
  return {
    ...(owner.kind === "season" ? { seasonId: owner.id } : { competitionId: owner.id }),
    competitionTitle: owner.title,
    notifyUserId: owner.creatorId,
  };
}

function paymentRefund(owner: PaymentOwner, payment: RefundablePayment, now: number): Refund {
  return {
    kind: "payment",
    ...ownerFields(owner),
    paymentId: payment.id,
    idempotencyKey: `refund_payment_${payment.id}`,
    amount: payment.amount,
    currency: payment.currency,
    reason: "cannot_fund",
    ...newRecord(now),
  };
}

/**
 * Records and queues, once, the refund of a funded season's payment: all of
 * it when the season was cancelled before its first round, else (its rounds
 * from `cancelledFromRound` on cancelled) exactly those rounds' prizes. A
 * season neither cancelled nor cut, or never funded, has nothing to refund
 * (`null`).
 */
export function requestSeasonRefund(deps: Pick<WhopDeps, "kv" | "now">, season: Season): Promise<Refund | null> {
  const whole = season.status === "CANCELLED";
  if (!season.fundsTxId || (!whole && season.cancelledFromRound === undefined)) return Promise.resolve(null);
  const unplayed = season.rounds - playedRounds(season);
  return recordRefund(deps, { kind: "season", seasonId: season.id }, {
    kind: "season",
    ...ownerFields({ kind: "season", id: season.id, title: season.title, creatorId: season.creatorId }),
    paymentId: season.fundsTxId,
    idempotencyKey: `refund_season_${season.id}`,
    amount: whole ? season.checkout?.amount ?? seasonEscrow(season) : roundsPrize(season, unplayed),
    ...(whole ? {} : { partial: true }),
    currency: season.currency,
    reason: whole ? "cancelled" : "rounds_cancelled",
    ...newRecord(deps.now()),
  });
}

/** Every refund recorded for a competition: its prize refund and the refunds of payments that could not fund it. */
export async function listCompetitionRefunds(kv: Deno.Kv, competitionId: string): Promise<Refund[]> {
  const refunds: Refund[] = [];
  const prize = await getRefund(kv, { kind: "prize", competitionId });
  if (prize) refunds.push(prize);
  for await (const entry of kv.list({ prefix: keys.competitionPaymentRefunds(competitionId) })) {
    const paymentId = String(entry.key.at(-1));
    const refund = await getRefund(kv, { kind: "payment", paymentId });
    if (refund) refunds.push(refund);
  }
  return refunds;
}

/** A refund Whop made: its id and, when exact, what it returned (a funding payment's fee included). */
interface RefundMade {
  refundId: string;
  amount?: Minor;
  currency?: string;
}

/**
 * Where a payment's refunding stands at Whop: done (a succeeded refund),
 * still pending there (`NotReadyError`), or to be asked for, with how many
 * attempts failed or were canceled before.
 */
function refundStanding(payment: Whop.Payment): RefundMade | { failedBefore: number } {
  const succeeded = payment.refunds.find((r) => r.status === "succeeded");
  if (succeeded) {
    const currency = succeeded.currency.toUpperCase();
    try {
      return { refundId: succeeded.id, amount: fromWhopAmount(succeeded.amount, currency), currency };
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      return { refundId: succeeded.id };
    }
  }
  if (payment.refunds.some((r) => r.status === "pending" || r.status === "requires_action")) {
    throw new NotReadyError("Whop is still processing the refund.");
  }
  if (!payment.refundable) {
    throw new PermanentWhopError(`Whop says payment ${payment.id} can no longer be refunded.`);
  }
  return { failedBefore: payment.refunds.length };
}

/** Makes (or confirms) a refund. Safe to run any number of times: one refund. */
export function processRefund(deps: WhopDeps, target: RefundTarget): Promise<OnceOutcome> {
  const { whop } = deps;
  return runOnce<Refund, RefundMade>({
    kv: deps.kv,
    key: targetKey(target),
    now: deps.now,
    retry: deps.retry ?? DEFAULT_RETRY,
    message: targetMessage(target),
    label: `${target.kind} refund`,
    async perform(refund) {
      if (!whop) throw new Error("Whop is not configured (WHOP_API_KEY).");
      const before = await whop.payments.retrieve(refund.paymentId);
      const standing = refundStanding(before);
      if ("refundId" in standing) return standing;
      const tried = standing.failedBefore;
      let payment: Whop.Payment;
      try {
        // A season's rounds not played: exactly their prizes, the rest of the payment stays in escrow.
        const body = refund.partial && refund.amount !== null && refund.currency
          ? { partial_amount: toWhopAmount(refund.amount, refund.currency) }
          : {};
        payment = await whop.payments.refund(refund.paymentId, body, {
          // A failed attempt's answer would be replayed under its key: each new attempt has its own.
          headers: { "Idempotency-Key": tried === 0 ? refund.idempotencyKey : `${refund.idempotencyKey}_${tried}` },
          // Not retried blindly: the next attempt first reads the payment back.
          maxRetries: 0,
        });
      } catch (error) {
        // The refund may have been made although its answer was lost.
        const made = await whop.payments.retrieve(refund.paymentId).then(refundStanding, () => null);
        if (made && "refundId" in made) return made;
        throw error;
      }
      const after = refundStanding(payment);
      if ("refundId" in after) return after;
      const attempt = payment.refunds.find((r) => !before.refunds.some((earlier) => earlier.id === r.id));
      const status = attempt?.status ?? "failed";
      throw new Error(`Whop's refund ${status === "canceled" ? "was canceled" : "failed"}; it will be tried again.`);
    },
    sentFields: ({ refundId, amount, currency }) =>
      amount === undefined ? { refundId } : { refundId, amount, currency: currency ?? null },
    afterSent: (refund) => notifyRefunded(deps, refund),
  });
}

async function notifyRefunded(deps: WhopDeps, refund: Refund): Promise<void> {
  const body = refund.amount !== null && refund.currency
    ? appText`${fact(formatMoney(refund.amount, refund.currency))} was refunded through Whop`
    : appText`Your payment was refunded through Whop`;
  const what = refund.seasonId ? "season" : "competition";
  const why = refund.reason === "cancelled"
    ? appText`the ${fact(what)} was cancelled`
    : refund.reason === "rounds_cancelled"
    ? appText`the season's rounds not yet started were cancelled`
    : refund.reason === "no_winner"
    ? appText`the competition ended with no winner`
    : appText`it could not fund the prize`;
  await notify(
    deps.kv,
    {
      dedupeKey: refund.kind === "prize"
        ? `prize_refunded:${refund.competitionId}`
        : refund.kind === "season"
        ? `season_refunded:${refund.seasonId}`
        : `payment_refunded:${refund.paymentId}`,
      userId: refund.notifyUserId,
      kind: "refunded",
      competitionId: refund.competitionId,
      seasonId: refund.seasonId,
      title: appText`${quoted(refund.competitionTitle)}: refunded`,
      body: appText`${fact(body)} because ${fact(why)}.`,
    },
    deps.now(),
    deps.sendNotification,
  );
}

/** Lets a refund that gave up try again (after an operator fixed the cause). */
export function retryRefund(deps: Pick<WhopDeps, "kv" | "now">, target: RefundTarget): Promise<boolean> {
  return resumeOnce<Refund>(deps.kv, targetKey(target), targetMessage(target), deps.now());
}
