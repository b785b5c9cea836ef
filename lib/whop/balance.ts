/**
 * A user's Whop balance, read the way Whop allows: with the user's own
 * authorization. The app's API key reads the company's ledger (its
 * permissions, `company:balance:read`, are the company's), never a user's;
 * so the balance is read with the access token the user's own sign-in gave
 * (`completeSignIn`), kept sealed with `ENCRYPTION_KEY` in their session
 * until it expires, and never stored anywhere else. Without one (a caller
 * signed in through Whop's frame, whose user token is not an access token,
 * or an expired one) the balance is unknown, and so is it when Whop does
 * not answer: `null`, which the pages leave unsaid.
 */
import { decryptSecret, type EncryptionSettings, encryptSecret, resolveEncryptionKey } from "../core/crypto.ts";
import { toDecimalString } from "../core/money.ts";
import { log } from "../core/log.ts";
import type { SealedAccess } from "../core/sessions.ts";
import { createWhopClient, describeWhopError, fromWhopAmount, type WhopSettings } from "./client.ts";
import type { WhopAccess } from "./oauth.ts";

/** A balance as the API shows it: an exact decimal string and its currency. */
export interface BalanceView {
  amount: string;
  currency: string;
}

/** What reading a balance needs: KV and the settings (the encryption key, where Whop is). */
export interface BalanceDeps {
  kv: Deno.Kv;
  config: EncryptionSettings & Pick<WhopSettings, "whop">;
  now: () => number;
}

/** What the sealed token is bound to: another user's session cannot use it. */
function ownerOf(userId: string): string {
  return `whop_access:${userId}`;
}

/** Seals the user's access token for their session. */
export async function sealWhopAccess(deps: BalanceDeps, userId: string, access: WhopAccess): Promise<SealedAccess> {
  const key = await resolveEncryptionKey(deps.kv, deps.config);
  return {
    sealed: await encryptSecret(key, access.token, ownerOf(userId)),
    expiresAt: new Date(access.expiresAt).toISOString(),
  };
}

/**
 * The user's balances by currency (USD first, then as Whop lists them), read
 * with their own sealed access token, or `null` when there is none (or it
 * expired) or Whop cannot say. Currencies the app does not know (crypto) are
 * skipped.
 */
export async function getWhopBalances(
  deps: BalanceDeps,
  userId: string,
  access: SealedAccess | undefined,
): Promise<BalanceView[] | null> {
  if (!access || Date.parse(access.expiresAt) <= deps.now()) return null;
  try {
    const token = await decryptSecret(await resolveEncryptionKey(deps.kv, deps.config), access.sealed, ownerOf(userId));
    const whop = createWhopClient({ whop: { origin: deps.config.whop.origin, apiKey: token } }, {
      maxRetries: 0,
      timeout: 5_000,
    })!;
    const account = await whop.ledgerAccounts.retrieve(userId);
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
