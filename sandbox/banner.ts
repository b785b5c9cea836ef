/**
 * The few lines printed when the product starts in sandbox mode: where the
 * app and the two simulators are, in words a newcomer can use, instead of
 * addresses buried in JSON log lines.
 */

/** Where things are, for {@link sandboxBanner}. */
export interface SandboxAddresses {
  appUrl: string;
  whopOrigin?: string;
  shopifyOrigin?: string;
}

/**
 * The start-up banner of sandbox mode.
 * @example console.log(sandboxBanner({ appUrl: "http://localhost:8000", whopOrigin, shopifyOrigin }));
 */
export function sandboxBanner(addresses: SandboxAddresses): string {
  const lines = [
    "",
    "  CartBrawl is running in sandbox mode: Whop and Shopify are simulated, no real money moves.",
    "",
    `  Open the app            ${addresses.appUrl}`,
  ];
  if (addresses.whopOrigin) {
    lines.push(`  Simulated Whop          ${addresses.whopOrigin}   (users, payments, transfers, balances)`);
  }
  if (addresses.shopifyOrigin) {
    lines.push(
      `  Simulated Shopify       ${addresses.shopifyOrigin}   (shops: place and cancel orders, install the app)`,
    );
  }
  lines.push("", "  Stop with Ctrl+C. Delete the data folder to start over.", "");
  return lines.join("\n");
}
