/**
 * The Shopify half of the operators' preflight. Shopify has no call that
 * checks an app's client id and secret without a store: its token endpoints
 * are per shop, and the client-credentials grant works only for an app
 * installed on a store of one's own organization. So the credentials' form
 * is checked with the settings (`config.ts`), the first install proves them,
 * and what can be checked here is what the app already holds: the stored
 * shop tokens open with `ENCRYPTION_KEY`, and, when `SHOPIFY_ORIGIN` points
 * elsewhere (the simulated Shopify), that it answers.
 */
import { failed, passed, type PreflightCheck } from "../core/preflight.ts";
import { probeStoredTokens } from "./connections.ts";

/** The stored shop tokens open with the key the app runs with. */
export async function storedTokensCheck(kv: Deno.Kv, key: () => Promise<CryptoKey>): Promise<PreflightCheck> {
  const name = "Shopify tokens";
  const { opened, unreadable } = await probeStoredTokens(kv, key);
  if (unreadable) {
    return failed(
      name,
      `ENCRYPTION_KEY does not open the stored token of ${unreadable}: set the key the tokens were stored with ` +
        `(kept with your backups), or the store must connect again.`,
    );
  }
  return passed(
    name,
    opened === 0 ? "no store is connected yet." : `ENCRYPTION_KEY opens the stored tokens (${opened} checked).`,
  );
}

/** `SHOPIFY_ORIGIN`, when set, answers HTTP. */
export async function shopifyOriginCheck(origin: string): Promise<PreflightCheck> {
  const name = "Shopify";
  try {
    const response = await fetch(origin, { signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
    if (response.status < 500) return passed(name, `${origin} answers (SHOPIFY_ORIGIN).`);
    return failed(name, `${origin} answered ${response.status}: check SHOPIFY_ORIGIN (unset for Shopify itself).`);
  } catch {
    return failed(name, `${origin} did not answer: check SHOPIFY_ORIGIN (unset for Shopify itself).`);
  }
}
