/**
 * A user's Whop balance, read with the app's key from the user's ledger
 * account (`ledgerAccounts.retrieve(userId)`), so no user access token has
 * to be stored. Whop being down never fails the caller: the failure is
 * logged and the balance is `null`.
 */
import type Whop from "@whop/sdk";
import { toDecimalString } from "../core/money.ts";
import { log } from "../core/log.ts";
import { describeWhopError, fromWhopAmount } from "./client.ts";

/** A balance as the API shows it: an exact decimal string and its currency. */
export interface BalanceView {
  amount: string;
  currency: string;
}

/**
 * The user's balances by currency (USD first, then as Whop lists them), or
 * `null` when Whop cannot say. Currencies the app does not know (e.g. crypto)
 * are skipped.
 */
export async function getWhopBalances(whop: Whop | undefined, userId: string): Promise<BalanceView[] | null> {
  if (!whop) return null;
  try {
    const account = await whop.ledgerAccounts.retrieve(userId, { maxRetries: 0, timeout: 5_000 });
    const balances: BalanceView[] = [];
    for (const entry of account.balances) {
      const currency = entry.currency.toUpperCase();
      try {
        balances.push({ amount: toDecimalString(fromWhopAmount(entry.balance, currency, true), currency), currency });
      } catch {
        // Not an ISO 4217 currency or not an exact amount: not shown.
      }
    }
    return balances.sort((a, b) => Number(b.currency === "USD") - Number(a.currency === "USD"));
  } catch (error) {
    log("warn", "whop balance unavailable", { userId, error: describeWhopError(error) });
    return null;
  }
}
