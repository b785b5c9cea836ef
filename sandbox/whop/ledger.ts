/**
 * Balances of the simulated Whop: one ledger account per owner (a user or the
 * company), each holding an integer minor-unit balance per currency.
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

/** Every ledger account id and balance, as plain JSON-ready data. */
export interface LedgerSnapshot {
  /** Each owner's `ldgr_…` account id. */
  accounts: { ownerId: string; accountId: string }[];
  /** Each owner's balance per currency, minor units. */
  balances: { ownerId: string; currency: string; minor: number }[];
}

/** Per-owner, per-currency balances and the owners' ledger account ids. */
export class Ledger {
  readonly #balances = new Map<string, Map<string, number>>();
  readonly #accountIds = new Map<string, string>();
  readonly #owners = new Map<string, string>();

  /** A detached copy of every account id and balance. */
  snapshot(): LedgerSnapshot {
    return {
      accounts: [...this.#accountIds].map(([ownerId, accountId]) => ({ ownerId, accountId })),
      balances: [...this.#balances].flatMap(([ownerId, byCurrency]) =>
        [...byCurrency].map(([currency, minor]) => ({ ownerId, currency, minor }))
      ),
    };
  }

  /** Replaces every account id and balance with a snapshot's. */
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

  /** Balance in minor units (0 when never touched). */
  balance(ownerId: string, currency: string): number {
    return this.#balances.get(ownerId)?.get(currency.toLowerCase()) ?? 0;
  }

  /** Every currency `ownerId` has touched, with its minor-unit balance. */
  balances(ownerId: string): { currency: string; minor: number }[] {
    return [...(this.#balances.get(ownerId) ?? new Map<string, number>())]
      .map(([currency, minor]) => ({ currency, minor }));
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
