/**
 * `SANDBOX=1` without Shopify settings: start the simulated Shopify
 * in-process on loopback and point `SHOPIFY_ORIGIN` and the app's Shopify
 * credentials at it, so joining, webhooks and syncs work end to end. Its
 * shops, orders and tokens are kept in a file next to the KV file (tokens
 * stored in KV must stay valid across restarts).
 */
import type { Config } from "../config.ts";
import { type ShopifySandbox, startShopifySandbox } from "./shopify/mod.ts";
import { SANDBOX_APP, WEBHOOK_PATH } from "../lib/shopify/library.ts";
import { onPreferredPort, SIMULATOR_PORT_OFFSET } from "./ports.ts";

/**
 * Starts the simulated Shopify when the app runs sandboxed with no Shopify
 * key and no `SHOPIFY_ORIGIN`, and returns the settings to run with
 * (unchanged otherwise).
 *
 * @example
 * const { config: effective, sandbox } = await withShopifySandbox(config, `http://127.0.0.1:${config.port}`);
 */
export async function withShopifySandbox(
  config: Config,
  appOrigin: string,
): Promise<{ config: Config; sandbox?: ShopifySandbox }> {
  if (!config.sandbox || config.shopify.apiKey || config.shopify.origin) return { config };
  const onDisk = config.kvPath !== ":memory:" && !/^https?:\/\//.test(config.kvPath);
  const sandbox = await onPreferredPort(config.port + SIMULATOR_PORT_OFFSET.shopify, (port) =>
    startShopifySandbox({
      ...SANDBOX_APP,
      appWebhookUrl: `${appOrigin}${WEBHOOK_PATH}`,
      // The App URL the browser is sent to (the app's public address: its cookies are set there).
      appUrl: `${config.appUrl}/shopify`,
      statePath: onDisk ? config.kvPath.replace(/[^/]*$/, "") + "shopify-sandbox.json" : undefined,
      port,
    }));
  return {
    sandbox,
    config: { ...config, shopify: { ...SANDBOX_APP, origin: sandbox.origin } },
  };
}
