/**
 * Stable addresses for the simulators: each listens on a port next to the
 * app's (Whop on PORT+1, Shopify on PORT+2, Whop's checkout pages on
 * PORT+3), so a newcomer's bookmarks, the start-up banner and the checkout
 * links stored with drafts stay right across restarts. When a port is
 * taken, any free port is used instead (and the banner says which).
 */

/** Where each simulator prefers to listen, given the app's port. */
export const SIMULATOR_PORT_OFFSET = { whop: 1, shopify: 2, whopCheckout: 3 } as const;

/**
 * Starts a server on `preferred`, or on any free port when that one is in
 * use.
 * @example const sandbox = await onPreferredPort(8001, (port) => startWhopSandbox({ ...settings, port }));
 */
export async function onPreferredPort<T>(preferred: number, start: (port: number) => Promise<T>): Promise<T> {
  if (preferred <= 0 || preferred > 65_535) return await start(0);
  try {
    return await start(preferred);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return await start(0);
    throw error;
  }
}

/**
 * The port `offset` away from `port` when `port` is one (0 stays 0: any free
 * port).
 * @example beside(8001, 2) // 8003
 */
export function beside(port: number, offset: number): number {
  return port > 0 && port + offset <= 65_535 ? port + offset : 0;
}
