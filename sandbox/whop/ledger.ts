/**
 * Balances of the simulated Whop: one ledger account per owner (a user or the
 * company), each holding an integer minor-unit balance per currency. As on
 * Whop, money received from a payment is first pending (`pending_balance`)
 * and becomes available (`balance`) when its hold ends; only the available
 * balance can be transferred.
 */
import { newId } from "./ids.ts";

/** Thrown when a debit would take an account below zero. */
export class InsufficientFundsError extends Error {
  /** The owner whose balance was short. */
  readonly ownerId: string;
  /** Balance available, minor units. */
  readonly available: number;
  /** Amount asked for, minor units. */
  readonly requested: number;

  constructor(ownerId: string, available: number, requested: number) {
    super(
      `Insufficient balance on ${ownerId}: ${available} available, ${requested} requested (minor units)`,
    );
    this.ownerId = ownerId;
    this.available = available;
    this.requested = requested;
  }
}

/** Money received but not yet available: it joins the balance at `availableAt`. */
export interface HeldFunds {
  ownerId: string;
  currency: string;
  minor: number;
  /** Epoch milliseconds. */
  availableAt: number;
}

/** Every ledger account id and balance, as plain JSON-ready data. */
export interface LedgerSnapshot {
  /** Each owner's `ldgr_…` account id. */
  accounts: { ownerId: string; accountId: string }[];
  /** Each owner's available balance per currency, minor units. */
  balances: { ownerId: string; currency: string; minor: number }[];
  /** Funds still on hold. */
  held: HeldFunds[];
}

/** Per-owner, per-currency balances and the owners' ledger account ids. */
export class Ledger {
  readonly #balances = new Map<string, Map<string, number>>();
  readonly #accountIds = new Map<string, string>();
  readonly #owners = new Map<string, string>();
  #held: HeldFunds[] = [];
  readonly #now: () => number;

  /** `now` decides when held funds become available. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A detached copy of every account id, balance and hold. */
  snapshot(): LedgerSnapshot {
    this.#release();
    return {
      accounts: [...this.#accountIds].map(([ownerId, accountId]) => ({ ownerId, accountId })),
      balances: [...this.#balances].flatMap(([ownerId, byCurrency]) =>
        [...byCurrency].map(([currency, minor]) => ({ ownerId, currency, minor }))
      ),
      held: this.#held.map((hold) => ({ ...hold })),
    };
  }

  /** Replaces every account id, balance and hold with a snapshot's. */
  restore(snapshot: LedgerSnapshot): void {
    this.#balances.clear();
    this.#accountIds.clear();
    this.#owners.clear();
    for (const { ownerId, accountId } of snapshot.accounts) {
      this.#accountIds.set(ownerId, accountId);
      this.#owners.set(accountId, ownerId);
    }
    for (const { ownerId, currency, minor } of snapshot.balances) {
      this.set(ownerId, currency, minor);
    }
    this.#held = snapshot.held.map((hold) => ({ ...hold }));
  }

  /** Credits `minor` to `ownerId` as pending until `availableAt` (available at once when it has passed). */
  hold(ownerId: string, currency: string, minor: number, availableAt: number): void {
    const code = currency.toLowerCase();
    this.set(ownerId, code, this.balance(ownerId, code));
    this.#held.push({ ownerId, currency: code, minor, availableAt });
    this.#release();
  }

  /** Pending (held) minor units of `ownerId` in `currency`. */
  pending(ownerId: string, currency: string): number {
    this.#release();
    const code = currency.toLowerCase();
    return this.#held.filter((h) => h.ownerId === ownerId && h.currency === code)
      .reduce((sum, h) => sum + h.minor, 0);
  }

  /** Moves every hold whose time has come into its owner's balance. */
  #release(): void {
    const now = this.#now();
    const due = this.#held.filter((h) => h.availableAt <= now);
    if (due.length === 0) return;
    this.#held = this.#held.filter((h) => h.availableAt > now);
    for (const h of due) this.#credit(h.ownerId, h.currency, h.minor);
  }

  #credit(ownerId: string, currency: string, minor: number): void {
    const byCurrency = this.#balances.get(ownerId) ?? new Map<string, number>();
    this.#balances.set(ownerId, byCurrency);
    byCurrency.set(currency, (byCurrency.get(currency) ?? 0) + minor);
  }

  /** The ledger account id (`ldgr_…`) of `ownerId`, created on first use. */
  accountId(ownerId: string): string {
    let id = this.#accountIds.get(ownerId);
    if (!id) {
      id = newId("ldgr");
      this.#accountIds.set(ownerId, id);
      this.#owners.set(id, ownerId);
    }
    return id;
  }

  /** The owner behind an owner id or a ledger account id; undefined if unknown. */
  ownerOf(id: string): string | undefined {
    return id.startsWith("ldgr_") ? this.#owners.get(id) : id;
  }

  /** Available balance in minor units (0 when never touched). */
  balance(ownerId: string, currency: string): number {
    this.#release();
    return this.#balances.get(ownerId)?.get(currency.toLowerCase()) ?? 0;
  }

  /** Every currency `ownerId` has touched, with its available and pending minor units. */
  balances(ownerId: string): { currency: string; minor: number; pendingMinor: number }[] {
    this.#release();
    return [...(this.#balances.get(ownerId) ?? new Map<string, number>())]
      .map(([currency, minor]) => ({ currency, minor, pendingMinor: this.pending(ownerId, currency) }));
  }

  /** Sets a balance outright (seeding and test set-up). */
  set(ownerId: string, currency: string, minor: number): void {
    let byCurrency = this.#balances.get(ownerId);
    if (!byCurrency) {
      byCurrency = new Map();
      this.#balances.set(ownerId, byCurrency);
    }
    byCurrency.set(currency.toLowerCase(), minor);
  }

  /**
   * Moves `minor` units from one owner to another; throws
   * {@link InsufficientFundsError} unless `allowOverdraft` (card charges, refunds).
   */
  move(
    fromId: string,
    toId: string,
    currency: string,
    minor: number,
    options: { allowOverdraft?: boolean } = {},
  ): void {
    const available = this.balance(fromId, currency);
    if (!options.allowOverdraft && available < minor) {
      throw new InsufficientFundsError(fromId, available, minor);
    }
    this.set(fromId, currency, available - minor);
    this.set(toId, currency, this.balance(toId, currency) + minor);
  }
}
