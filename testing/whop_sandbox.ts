/** Shared set-up for the sandbox's tests: settings, an SDK client, a webhook receiver. */
import Whop from "@whop/sdk";
import { startWhopSandbox, type WhopSandbox, type WhopSandboxOptions } from "../sandbox/whop/sandbox.ts";

/** Settings as the app would receive them. */
export const TEST_SETTINGS = {
  apiKey: "apik_sandbox_test_key",
  appId: "app_SandboxTest01",
  companyId: "biz_SandboxTest01",
  clientId: "app_SandboxTest01",
  clientSecret: "client-secret-for-tests",
  webhookSecret: "ws_sandbox_test_secret",
} as const;

/**
 * A sandbox with {@link TEST_SETTINGS} and any overrides. Fees and holds are
 * off unless overridden, so the tests of other behaviour (transfers,
 * persistence, webhooks) count in round amounts; `money_rules_test.ts`
 * covers them.
 */
export function startTestSandbox(
  overrides: Partial<WhopSandboxOptions> = {},
): Promise<WhopSandbox> {
  return startWhopSandbox({ ...TEST_SETTINGS, fees: { percent: "0", fixed: "0" }, holdMs: 0, ...overrides });
}

/** The official SDK client configured as the app configures it. */
export function sdkFor(
  sandbox: WhopSandbox,
  options: { maxRetries?: number; apiKey?: string } = {},
): Whop {
  return new Whop({
    apiKey: options.apiKey ?? TEST_SETTINGS.apiKey,
    appID: TEST_SETTINGS.appId,
    webhookKey: btoa(TEST_SETTINGS.webhookSecret),
    baseURL: sandbox.apiBaseUrl,
    userTokenJwksUrl: sandbox.jwksUrl,
    maxRetries: options.maxRetries ?? 0,
    logLevel: "off",
  });
}

/** A webhook delivery as a receiver saw it. */
export interface ReceivedWebhook {
  body: string;
  headers: Record<string, string>;
}

/** A loopback HTTP endpoint that records every POST it receives. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** Starts a {@link WebhookReceiver} on a free loopback port. */
export function startWebhookReceiver(): WebhookReceiver {
  const received: ReceivedWebhook[] = [];
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen() {} },
    async (request) => {
      received.push({
        body: await request.text(),
        headers: Object.fromEntries(request.headers),
      });
      return new Response(null, { status: 204 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/api/webhooks/whop`,
    received,
    async close() {
      abort.abort();
      await server.finished;
    },
  };
}

/** A funded checkout: creates a configuration for `amount` usd and pays it. */
export async function fundCompany(
  sandbox: WhopSandbox,
  whop: Whop,
  amount: number,
  payerId = sandbox.users[0].id,
) {
  const checkout = await whop.checkoutConfigurations.create({
    plan: { initial_price: amount, currency: "usd", plan_type: "one_time", account_id: sandbox.company.id },
    metadata: { competitionId: "cmp_test" },
  });
  return await sandbox.pay(checkout.id, { userId: payerId });
}

/**
 * Throws when the simulated Whop refused any request for not matching
 * Whop's published schemas: the app must never send one. Test apps call it
 * when they close, so every test driving the app checks the contract.
 */
export function assertWhopContractKept(sandbox: WhopSandbox): void {
  const { invalid } = sandbox.contract;
  if (invalid.length === 0) return;
  throw new Error(
    `${invalid.length} Whop request(s) broke Whop's published contract: ` +
      invalid.map((i) => `${i.endpoint}: ${i.errors.join(", ")}`).join(" | "),
  );
}
