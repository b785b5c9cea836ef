/**
 * The app in sandbox mode as a newcomer runs it, in this process: the
 * runtime starts the simulated Whop and Shopify itself, and the app checks
 * the user tokens the simulated Whop signs (its iframe's among them), which
 * `createTestApp`'s own signer does not. Served on loopback at a free port.
 */
import { buildRuntime, type Runtime } from "../app.ts";
import { loadConfig } from "../config.ts";
import { freePort } from "./app_process.ts";
import type { WhopSandbox } from "../sandbox/whop/mod.ts";
import type { ShopifySandbox } from "../sandbox/shopify/mod.ts";

/** A served sandbox-mode app; disposing it stops the server and the simulators and closes KV. */
export interface SandboxApp extends AsyncDisposable {
  runtime: Runtime;
  kv: Deno.Kv;
  whop: WhopSandbox;
  shopify: ShopifySandbox;
  /** `APP_URL`: where the browser reaches the app. */
  appUrl: string;
}

/**
 * Builds and serves the app with `SANDBOX=1` on `:memory:` KV; `worker`
 * starts its queue worker (backfills); `formActions` replaces the pages'
 * `form-action` origins (production's, e.g.).
 *
 * @example
 * await using sandbox = await serveSandboxApp();
 * await page.goto(`${sandbox.whop.origin}/experiences/${id}?as=${userId}`);
 */
export async function serveSandboxApp(
  options: { worker?: boolean; formActions?: readonly string[] } = {},
): Promise<SandboxApp> {
  const kv = await Deno.openKv(":memory:");
  const port = freePort();
  const runtime = await buildRuntime(loadConfig({ PORT: String(port), KV_PATH: ":memory:", SANDBOX: "1" }), kv, {
    formActions: options.formActions && [...options.formActions],
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, runtime.app.fetch);
  if (options.worker) runtime.worker.listen();
  const { whop, shopify } = runtime.sandboxes;
  return {
    runtime,
    kv,
    whop: whop!,
    shopify: shopify!,
    appUrl: runtime.config.appUrl,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await shopify?.close();
      await whop?.close();
      kv.close();
    },
  };
}
