/**
 * The simulated Whop's domain: users, checkout configurations, payments,
 * refunds, transfers and notifications, with money moving on one ledger.
 *
 * Whop's money rules are modelled: a payment's fee (a percentage plus a fixed
 * amount) is deducted and the company is credited `amount_after_fees`, held
 * as pending for `holdMs` before it can be transferred; a transfer beyond the
 * available balance or with notes over 50 characters is refused; a refund can
 * end pending, failed or canceled (see `WhopFaults.refundOutcome`); a
 * notification sent with `company_id` reaches only the company's team.
 */
import type { DemoUser } from "./demo_users.ts";
import { WhopApiError } from "./errors.ts";
import { type AccessCheck, Experiences } from "./experiences.ts";
import { newId } from "./ids.ts";
import { InsufficientFundsError, Ledger, type LedgerSnapshot } from "./ledger.ts";
import { feeMinor, toMajor, toMinor, type WhopFees } from "./money.ts";
import type {
  CheckoutConfigurationRecord,
  NotificationRecord,
  PaymentRecord,
  RefundRecord,
  RefundStatus,
  TransferAttempt,
  TransferRecord,
} from "./records.ts";

/** The selling company whose ledger holds prizes. */
export interface SandboxCompany {
  /** `biz_…`. */
  id: string;
  /** Display name. */
  title: string;
  /** URL slug. */
  route: string;
}

/** The user who owns the company (`companies.retrieve`'s `owner_user`); an admin of it in access checks. */
export interface CompanyOwner {
  id: string;
  name: string;
  username: string;
}

/** Whop's documented limit on transfer `notes`. */
export const TRANSFER_NOTES_MAX = 50;

/** A ledger transfer request, already validated. */
export interface TransferInput {
  amount: number;
  currency: string;
  originId: string;
  destinationId: string;
  idempotenceKey: string | null;
  metadata: Record<string, unknown> | null;
  notes: string | null;
}

/** Every record of a {@link WhopState}, as plain JSON-ready data. */
export interface WhopStateSnapshot {
  company: SandboxCompany;
  users: DemoUser[];
  ledger: LedgerSnapshot;
  checkoutConfigurations: CheckoutConfigurationRecord[];
  payments: PaymentRecord[];
  refunds: RefundRecord[];
  /** Idempotence keys live on the transfers themselves. */
  transfers: TransferRecord[];
  transferAttempts: TransferAttempt[];
  notifications: NotificationRecord[];
}

/** Every record of the simulated Whop and the operations that change them. */
export class WhopState {
  /** Money. */
  readonly ledger: Ledger;
  /** Known users, by id. */
  readonly users = new Map<string, DemoUser>();
  /** Created through the API, oldest first. */
  readonly checkoutConfigurations: CheckoutConfigurationRecord[] = [];
  /** Paid, oldest first. */
  readonly payments: PaymentRecord[] = [];
  /** Refunded, oldest first. */
  readonly refunds: RefundRecord[] = [];
  /** Transfers actually made, oldest first. */
  readonly transfers: TransferRecord[] = [];
  /** Every transfer call received, oldest first. */
  readonly transferAttempts: TransferAttempt[] = [];
  /** Notifications received, oldest first. */
  readonly notifications: NotificationRecord[] = [];
  /** Experiences (communities) and their members. */
  readonly experiences = new Experiences();
  /** The company. */
  readonly company: SandboxCompany;
  /** Who owns the company. */
  readonly companyOwner: CompanyOwner;
  /** The fee deducted from each payment. */
  fees: WhopFees;
  /** How long a payment's net amount stays pending before it can be transferred. */
  holdMs: number;
  /** Users on the company's team: the only ones a `company_id` notification reaches. */
  readonly teamUserIds: Set<string>;
  readonly #now: () => number;
  readonly #transfersByKey = new Map<string, TransferRecord>();

  constructor(
    options: {
      company: SandboxCompany;
      companyOwner: CompanyOwner;
      users: readonly DemoUser[];
      now: () => number;
      fees: WhopFees;
      holdMs: number;
      teamUserIds?: readonly string[];
    },
  ) {
    this.company = options.company;
    this.companyOwner = options.companyOwner;
    this.#now = options.now;
    this.ledger = new Ledger(options.now);
    this.fees = options.fees;
    this.holdMs = options.holdMs;
    this.teamUserIds = new Set(options.teamUserIds ?? []);
    for (const user of options.users) this.addUser(user);
  }

  /** Adds a user and sets its opening balances. */
  addUser(user: DemoUser): void {
    this.users.set(user.id, user);
    for (const [currency, amount] of Object.entries(user.balances ?? {})) {
      this.ledger.set(user.id, currency, toMinor(amount, currency));
    }
  }

  /** A detached copy of every user, balance and record. */
  snapshot(): WhopStateSnapshot {
    return structuredClone({
      company: this.company,
      users: [...this.users.values()],
      ledger: this.ledger.snapshot(),
      checkoutConfigurations: this.checkoutConfigurations,
      payments: this.payments,
      refunds: this.refunds,
      transfers: this.transfers,
      transferAttempts: this.transferAttempts,
      notifications: this.notifications,
    });
  }

  /**
   * Replaces users, balances and records with a snapshot's (the company
   * stays as constructed; the record arrays keep their identity). Transfers
   * made with an idempotence key answer that key again.
   */
  restore(snapshot: WhopStateSnapshot): void {
    const saved = structuredClone(snapshot);
    this.users.clear();
    for (const user of saved.users) this.users.set(user.id, user);
    this.ledger.restore(saved.ledger);
    const refill = <T>(target: T[], source: T[]) => {
      target.length = 0;
      for (const item of source) target.push(item);
    };
    refill(this.checkoutConfigurations, saved.checkoutConfigurations);
    refill(this.payments, saved.payments);
    refill(this.refunds, saved.refunds);
    refill(this.transfers, saved.transfers);
    refill(this.transferAttempts, saved.transferAttempts);
    refill(this.notifications, saved.notifications);
    this.#transfersByKey.clear();
    for (const transfer of this.transfers) {
      if (transfer.idempotenceKey !== null) {
        this.#transfersByKey.set(transfer.idempotenceKey, transfer);
      }
    }
  }

  /** The current time as ISO 8601, from the sandbox clock. */
  nowIso(): string {
    return new Date(this.#now()).toISOString();
  }

  /** A user by id or username, or a 404. */
  requireUser(idOrUsername: string): DemoUser {
    const user = this.users.get(idOrUsername) ??
      [...this.users.values()].find((u) => u.username === idOrUsername);
    if (!user) throw notFound("User", idOrUsername);
    return user;
  }

  /** Records a checkout configuration for an inline plan. */
  createCheckoutConfiguration(
    input: {
      amount: number;
      currency: string;
      title: string | null;
      metadata: Record<string, unknown> | null;
      redirectUrl: string | null;
      origin: string;
    },
  ): CheckoutConfigurationRecord {
    const id = newId("ch");
    const currency = input.currency.toLowerCase();
    const amountMinor = toMinor(input.amount, currency);
    const record: CheckoutConfigurationRecord = {
      id,
      planId: newId("plan"),
      accountId: this.company.id,
      amount: toMajor(amountMinor, currency),
      amountMinor,
      currency,
      title: input.title,
      metadata: input.metadata,
      redirectUrl: input.redirectUrl,
      purchaseUrl: `${input.origin}/checkout/${id}`,
      createdAt: this.nowIso(),
    };
    this.checkoutConfigurations.push(record);
    return record;
  }

  /** A checkout configuration, or a 404. */
  requireCheckoutConfiguration(id: string): CheckoutConfigurationRecord {
    const found = this.checkoutConfigurations.find((c) => c.id === id);
    if (!found) throw notFound("Checkout configuration", id);
    return found;
  }

  /**
   * The buyer pays a checkout configuration: the payer's wallet is charged
   * the total (it may go negative, as a card charge would) and the company
   * is credited the total less Whop's fee, pending for `holdMs`.
   */
  pay(
    checkoutConfigurationId: string,
    input: { userId: string; amount?: number; currency?: string },
  ): PaymentRecord {
    const checkout = this.requireCheckoutConfiguration(checkoutConfigurationId);
    const user = this.requireUser(input.userId);
    const currency = (input.currency ?? checkout.currency).toLowerCase();
    const amountMinor = input.amount === undefined ? checkout.amountMinor : toMinor(input.amount, currency);
    if (amountMinor <= 0) {
      throw new WhopApiError(400, "invalid_request", "Amount must be positive");
    }
    const fee = feeMinor(amountMinor, currency, this.fees);
    const afterFeesMinor = amountMinor - fee;
    if (afterFeesMinor <= 0) {
      throw new WhopApiError(400, "invalid_request", "Amount does not cover the processing fee");
    }
    this.ledger.set(user.id, currency, this.ledger.balance(user.id, currency) - amountMinor);
    this.ledger.hold(this.company.id, currency, afterFeesMinor, this.#now() + this.holdMs);
    const payment: PaymentRecord = {
      id: newId("pay"),
      checkoutConfigurationId: checkout.id,
      planId: checkout.planId,
      userId: user.id,
      amount: toMajor(amountMinor, currency),
      amountMinor,
      afterFeesMinor,
      currency,
      metadata: checkout.metadata,
      refundedMinor: 0,
      refundIds: [],
      createdAt: this.nowIso(),
      refundedAt: null,
    };
    this.payments.push(payment);
    return payment;
  }

  /** A payment, or a 404. */
  requirePayment(id: string): PaymentRecord {
    const found = this.payments.find((p) => p.id === id);
    if (!found) throw notFound("Payment", id);
    return found;
  }

  /**
   * Refunds all that is left of a payment, or `partialAmount` (decimal) of
   * it. The refund ends as `status` says (`succeeded` unless a fault says
   * otherwise): a failed or canceled one moves no money; a pending one holds
   * its amount until {@link setRefundStatus} settles it.
   */
  refund(paymentId: string, partialAmount: number | null, status: RefundStatus = "succeeded"): RefundRecord {
    const payment = this.requirePayment(paymentId);
    if (this.refunds.some((r) => r.paymentId === paymentId && r.status === "pending")) {
      throw new WhopApiError(400, "invalid_request", "A refund of this payment is already pending");
    }
    const left = payment.amountMinor - payment.refundedMinor;
    const amountMinor = partialAmount === null ? left : toMinor(partialAmount, payment.currency);
    if (amountMinor <= 0 || amountMinor > left) {
      throw new WhopApiError(
        400,
        "invalid_request",
        `Refund amount must be between 0 and ${toMajor(left, payment.currency)} ${payment.currency}`,
      );
    }
    const refund: RefundRecord = {
      id: newId("rfnd"),
      paymentId,
      amount: toMajor(amountMinor, payment.currency),
      amountMinor,
      currency: payment.currency,
      status: "pending",
      createdAt: this.nowIso(),
    };
    payment.refundIds.push(refund.id);
    this.refunds.push(refund);
    if (status !== "failed" && status !== "canceled") this.#applyRefund(payment, refund, 1);
    refund.status = status;
    return refund;
  }

  /** Settles a pending refund: `succeeded` keeps the money moved, `failed`/`canceled` moves it back. */
  setRefundStatus(refundId: string, status: Exclude<RefundStatus, "pending">): RefundRecord {
    const refund = this.requireRefund(refundId);
    if (refund.status !== "pending") {
      throw new WhopApiError(400, "invalid_request", `Refund ${refundId} is already ${refund.status}`);
    }
    if (status !== "succeeded") this.#applyRefund(this.requirePayment(refund.paymentId), refund, -1);
    refund.status = status;
    return refund;
  }

  /** Moves a refund's money from the company to the payer (`direction` 1) or back (-1). */
  #applyRefund(payment: PaymentRecord, refund: RefundRecord, direction: 1 | -1): void {
    const [from, to] = direction === 1 ? [this.company.id, payment.userId] : [payment.userId, this.company.id];
    this.ledger.move(from, to, payment.currency, refund.amountMinor, { allowOverdraft: true });
    payment.refundedMinor += direction * refund.amountMinor;
    payment.refundedAt = direction === 1 ? refund.createdAt : payment.refundedAt;
  }

  /** A refund, or a 404. */
  requireRefund(id: string): RefundRecord {
    const found = this.refunds.find((r) => r.id === id);
    if (!found) throw notFound("Refund", id);
    return found;
  }

  /**
   * Makes a ledger transfer, or returns the earlier one made with the same
   * idempotence key (`replayed`), moving no money the second time.
   */
  transfer(
    input: TransferInput,
  ): { transfer: TransferRecord; replayed: boolean } {
    if (input.idempotenceKey !== null) {
      const earlier = this.#transfersByKey.get(input.idempotenceKey);
      if (earlier) return { transfer: earlier, replayed: true };
    }
    const originId = this.requireAccountOwner(input.originId);
    const destinationId = this.requireAccountOwner(input.destinationId);
    const currency = input.currency.toLowerCase();
    const amountMinor = toMinor(input.amount, currency);
    if (amountMinor <= 0) {
      throw new WhopApiError(400, "invalid_request", "amount must be positive");
    }
    if (input.notes !== null && input.notes.length > TRANSFER_NOTES_MAX) {
      throw new WhopApiError(
        400,
        "invalid_request",
        `notes must be at most ${TRANSFER_NOTES_MAX} characters (got ${input.notes.length})`,
      );
    }
    try {
      this.ledger.move(originId, destinationId, currency, amountMinor);
    } catch (error) {
      if (!(error instanceof InsufficientFundsError)) throw error;
      throw new WhopApiError(
        400,
        "insufficient_funds",
        `Insufficient balance: ${
          toMajor(error.available, currency)
        } ${currency} available, ${input.amount} ${currency} requested`,
      );
    }
    const transfer: TransferRecord = {
      id: newId("ctt"),
      amount: toMajor(amountMinor, currency),
      amountMinor,
      currency,
      originId,
      destinationId,
      idempotenceKey: input.idempotenceKey,
      metadata: input.metadata,
      notes: input.notes,
      createdAt: this.nowIso(),
    };
    this.transfers.push(transfer);
    if (input.idempotenceKey !== null) {
      this.#transfersByKey.set(input.idempotenceKey, transfer);
    }
    return { transfer, replayed: false };
  }

  /** A transfer, or a 404. */
  requireTransfer(id: string): TransferRecord {
    const found = this.transfers.find((t) => t.id === id);
    if (!found) throw notFound("Transfer", id);
    return found;
  }

  /** The company, when `id` names it (Whop also accepts its route), or a 404. */
  requireCompany(id: string): SandboxCompany {
    if (id !== this.company.id && id !== this.company.route) throw notFound("Company", id);
    return this.company;
  }

  /**
   * `users.checkAccess(resourceId, { id: userId })`: for the company, its
   * owner and team are admins and anyone else has no access; for an
   * experience, its members' levels (`experiences.ts`).
   */
  checkAccess(userId: string, resourceId: string): AccessCheck {
    if (resourceId !== this.company.id) return this.experiences.check(userId, resourceId);
    const admin = userId === this.companyOwner.id || this.teamUserIds.has(userId);
    return admin ? { access_level: "admin", has_access: true } : { access_level: "no_access", has_access: false };
  }

  /** Whether `ownerId` is the company or a known user. */
  isAccountOwner(ownerId: string): boolean {
    return ownerId === this.company.id || this.users.has(ownerId);
  }

  /** The owner behind a `user_`, `biz_` or `ldgr_` id, or a 404. */
  requireAccountOwner(id: string): string {
    const owner = this.ledger.ownerOf(id);
    if (!owner || !this.isAccountOwner(owner)) throw notFound("Account", id);
    return owner;
  }
}

function notFound(what: string, id: string): WhopApiError {
  return new WhopApiError(404, "not_found", `${what} ${id} not found`);
}
