/**
 * The simulated Whop's domain: users, checkout configurations, payments,
 * refunds, transfers and notifications, with money moving on one ledger.
 */
import type { DemoUser } from "./demo_users.ts";
import { WhopApiError } from "./errors.ts";
import { Experiences } from "./experiences.ts";
import { newId } from "./ids.ts";
import { InsufficientFundsError, Ledger, type LedgerSnapshot } from "./ledger.ts";
import { toMajor, toMinor } from "./money.ts";
import type {
  CheckoutConfigurationRecord,
  NotificationRecord,
  PaymentRecord,
  RefundRecord,
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
  readonly ledger = new Ledger();
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
  readonly #now: () => number;
  readonly #transfersByKey = new Map<string, TransferRecord>();

  constructor(
    options: {
      company: SandboxCompany;
      users: readonly DemoUser[];
      now: () => number;
    },
  ) {
    this.company = options.company;
    this.#now = options.now;
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
   * (it may go negative, as a card charge would) and the company credited.
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
    this.ledger.move(user.id, this.company.id, currency, amountMinor, {
      allowOverdraft: true,
    });
    const payment: PaymentRecord = {
      id: newId("pay"),
      checkoutConfigurationId: checkout.id,
      planId: checkout.planId,
      userId: user.id,
      amount: toMajor(amountMinor, currency),
      amountMinor,
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

  /** Refunds all that is left of a payment, or `partialAmount` (decimal) of it. */
  refund(paymentId: string, partialAmount: number | null): RefundRecord {
    const payment = this.requirePayment(paymentId);
    const left = payment.amountMinor - payment.refundedMinor;
    const amountMinor = partialAmount === null ? left : toMinor(partialAmount, payment.currency);
    if (amountMinor <= 0 || amountMinor > left) {
      throw new WhopApiError(
        400,
        "invalid_request",
        `Refund amount must be between 0 and ${toMajor(left, payment.currency)} ${payment.currency}`,
      );
    }
    this.ledger.move(
      this.company.id,
      payment.userId,
      payment.currency,
      amountMinor,
      { allowOverdraft: true },
    );
    const refund: RefundRecord = {
      id: newId("rfnd"),
      paymentId,
      amount: toMajor(amountMinor, payment.currency),
      amountMinor,
      currency: payment.currency,
      createdAt: this.nowIso(),
    };
    payment.refundedMinor += amountMinor;
    payment.refundIds.push(refund.id);
    payment.refundedAt = refund.createdAt;
    this.refunds.push(refund);
    return refund;
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
