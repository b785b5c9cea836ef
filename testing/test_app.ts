/**
 * A real app for tests: in-memory KV, a settable clock, and Whop user tokens
 * signed by a key served from a loopback JWKS endpoint.
 */
import { type Config, loadConfig } from "../config.ts";
import { buildRuntime, type createApp, formActionOrigins, type Runtime } from "../app.ts";
import { createUserTokenSigner, type UserTokenSigner } from "../sandbox/user_tokens.ts";
import { createUserTokenVerifier } from "../lib/whop/user_token.ts";
import { startWhopSandbox, type WhopSandbox } from "../sandbox/whop/mod.ts";
import { assertWhopContractKept } from "./whop_sandbox.ts";
import { type ShopifySandbox, type ShopifySandboxOptions, startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { SANDBOX_APP, type ShopifyServices } from "../lib/shopify/mod.ts";
import type { QueueWorker } from "../lib/core/queue.ts";

/** A test clock: starts at `start` and moves only when told. */
export class TestClock {
  constructor(public ms = Date.parse("2026-12-01T12:00:00Z")) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

/** Everything a test needs to call the app as a real client would. */
export interface TestApp extends AsyncDisposable {
  app: ReturnType<typeof createApp>;
  /** What the app was assembled from (in sandbox mode, with the sandbox's time controls). */
  deps: Runtime["deps"];
  kv: Deno.Kv;
  /** The KV file, when started with `{ kvFile: true }` (another process may open it). */
  kvPath?: string;
  clock: TestClock;
  config: Config;
  signer: UserTokenSigner;
  /** The simulated Whop, when started with `{ whop: true }`. */
  whop?: WhopSandbox;
  /** The app served on loopback (`APP_URL`), when started with `{ whop: true }` or `{ shopify: true }`. */
  url?: string;
  /** The simulated Shopify (on the test clock), when started with `{ shopify: true }`. */
  shopify?: ShopifySandbox;
  /** The app's Shopify services, when started with `{ shopify: true }`. */
  shopifyServices?: ShopifyServices;
  /** The KV queue worker (listening), when started with `{ shopify: true }`; register more handlers on it. */
  worker?: QueueWorker;
  /** Milliseconds the Shopify client waited (429, throttling, backoff): it moves the test clock instead of sleeping. */
  shopifyWaitedMs: () => number;
  /** Calls the app with a user token for `userId` (or anonymously). */
  request(path: string, init?: RequestInit & { userId?: string; json?: unknown }): Promise<Response>;
}

/** Extra parts a test app can have. */
/**
 * The `form-action` origins of production (Whop's API, Shopify's stores):
 * those of the default settings, before sandbox mode points them at the
 * simulators. With them a test browses the simulators under production's
 * policy, which lets no form redirect to a simulator.
 */
export const PRODUCTION_FORM_ACTIONS: readonly string[] = formActionOrigins(loadConfig({}));

export interface TestAppOptions {
  /** The `form-action` origins to serve pages with, e.g. {@link PRODUCTION_FORM_ACTIONS}; the settings' by default. */
  formActions?: readonly string[];
  /** A KV file instead of `:memory:` (commits then wait on the disk, as in production); removed on dispose. */
  kvFile?: boolean;
  /**
   * Start the simulated Whop (settings `TEST_WHOP_SETTINGS`), give the app an
   * SDK client for it, and serve the app on loopback (its `APP_URL`) so the
   * sandbox's webhooks reach it. `maxRetries` is the SDK's (default 0).
   */
  whop?: boolean | { maxRetries?: number };
  /**
   * Start the simulated Shopify on the test clock (sandbox credentials,
   * privacy webhooks to the app), point the app at it with `SHOPIFY_ORIGIN`,
   * serve the app on loopback, and run the KV queue worker (backfills). The
   * Shopify client's waits move the test clock instead of sleeping.
   */
  shopify?: boolean | { sandbox?: Partial<ShopifySandboxOptions>; pageSize?: number };
}

/** The Whop settings of a test app started with `{ whop: true }`. */
export const TEST_WHOP_SETTINGS = {
  apiKey: "apik_test_key",
  appId: "app_test",
  companyId: "biz_TestCompany01",
  clientId: "app_test",
  clientSecret: "test-client-secret",
  webhookSecret: "ws_test_webhook_secret",
} as const;

/** The settings that point the app at a simulated Whop started with `TEST_WHOP_SETTINGS`. */
export function testWhopEnv(origin: string): Record<string, string> {
  return {
    WHOP_API_KEY: TEST_WHOP_SETTINGS.apiKey,
    WHOP_APP_ID: TEST_WHOP_SETTINGS.appId,
    WHOP_COMPANY_ID: TEST_WHOP_SETTINGS.companyId,
    WHOP_CLIENT_ID: TEST_WHOP_SETTINGS.clientId,
    WHOP_CLIENT_SECRET: TEST_WHOP_SETTINGS.clientSecret,
    WHOP_WEBHOOK_SECRET: TEST_WHOP_SETTINGS.webhookSecret,
    WHOP_ORIGIN: origin,
  };
}

/** The settings that point the app at a simulated Shopify started with `SANDBOX_APP`'s credentials. */
export function testShopifyEnv(origin: string): Record<string, string> {
  return { SHOPIFY_API_KEY: SANDBOX_APP.apiKey, SHOPIFY_API_SECRET: SANDBOX_APP.apiSecret, SHOPIFY_ORIGIN: origin };
}

/**
 * Builds the app on `:memory:` KV with the given settings.
 *
 * @example
 * await using t = await createTestApp();
 * const res = await t.request("/api/competitions", { method: "POST", userId: "user_a", json: {...} });
 */
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const appId = "app_test";
  const signer = await createUserTokenSigner(appId);
  const jwksServer = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json(signer.jwks),
  );
  const kvDir = options.kvFile ? await Deno.makeTempDir({ prefix: "cartbrawl_kv_" }) : undefined;
  const kv = await Deno.openKv(kvDir ? `${kvDir}/cartbrawl.sqlite3` : ":memory:");
  const clock = new TestClock();
  let whop: WhopSandbox | undefined;
  let appServer: Deno.HttpServer<Deno.NetAddr> | undefined;
  // The served app gets the connection info as Deno.serve passes it (the client address for the limits).
  let serveApp: (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  const whopEnv: Record<string, string> = {};
  if (options.whop || options.shopify) {
    appServer = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request, info) => serveApp(request, info),
    );
    whopEnv.APP_URL = `http://127.0.0.1:${appServer.addr.port}`;
  }
  let shopify: ShopifySandbox | undefined;
  if (options.shopify) {
    const url = whopEnv.APP_URL;
    shopify = await startShopifySandbox({
      ...SANDBOX_APP,
      now: clock.now,
      appWebhookUrl: `${url}/api/shopify/webhooks`,
      appUrl: `${url}/shopify`,
      ...(options.shopify === true ? {} : options.shopify.sandbox),
    });
    Object.assign(whopEnv, {
      ...testShopifyEnv(shopify.origin),
    });
  }
  if (options.whop) {
    const url = whopEnv.APP_URL;
    // No hold: the simulated Whop runs on real time, the app on the test clock (`payouts_test.ts` covers holds).
    whop = await startWhopSandbox({
      ...TEST_WHOP_SETTINGS,
      webhookUrl: `${url}/api/webhooks/whop`,
      appUrl: url,
      holdMs: 0,
    });
    Object.assign(whopEnv, {
      APP_URL: url,
      ...testWhopEnv(whop.origin),
    });
  }
  const config = loadConfig({
    SANDBOX: "1",
    COMPETITION_MIN_DURATION_S: "3600",
    SETTLEMENT_DELAY_S: "0",
    WHOP_APP_ID: appId,
    ...whopEnv,
    ...env,
  });
  let shopifyWaited = 0;
  const runtime = await buildRuntime(config, kv, {
    now: clock.now,
    simulators: false,
    verifyUserToken: createUserTokenVerifier({
      jwksUrl: new URL(`http://127.0.0.1:${jwksServer.addr.port}/.well-known/jwks.json`),
      appId,
    }),
    whopClient: { maxRetries: typeof options.whop === "object" ? options.whop.maxRetries ?? 0 : 0 },
    formActions: options.formActions && [...options.formActions],
    shopifyClient: {
      pageSize: typeof options.shopify === "object" ? options.shopify.pageSize : undefined,
      sleep: async (ms) => {
        shopifyWaited += ms;
        clock.advance(ms);
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
    },
  });
  const { app, deps } = runtime;
  let worker: QueueWorker | undefined;
  if (options.shopify) {
    worker = runtime.worker;
    worker.listen();
  }
  serveApp = (request, info) => app.fetch(request, info);
  return {
    app,
    deps,
    kv,
    ...(kvDir ? { kvPath: `${kvDir}/cartbrawl.sqlite3` } : {}),
    clock,
    config,
    signer,
    whop,
    url: appServer ? config.appUrl : undefined,
    shopify,
    shopifyServices: deps.shopify,
    worker,
    shopifyWaitedMs: () => shopifyWaited,
    async request(path, init = {}) {
      const { userId, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (userId) headers.set("x-whop-user-token", await signer.sign(userId));
      if (json !== undefined) headers.set("content-type", "application/json");
      return app.request(
        new Request(`http://localhost${path}`, {
          ...rest,
          headers,
          body: json !== undefined ? JSON.stringify(json) : rest.body,
        }),
      );
    },
    async [Symbol.asyncDispose]() {
      await whop?.close();
      await shopify?.close();
      await appServer?.shutdown();
      kv.close();
      if (kvDir) await Deno.remove(kvDir, { recursive: true });
      await jwksServer.shutdown();
      if (whop) assertWhopContractKept(whop);
    },
  };
}

/** Competition page regions served, by where they came from (`cartbrawl_competition_page_regions_total`). */
export interface RegionsServed {
  rendered: number;
  shared: number;
}

/**
 * The competition page regions `t` served so far, for page loads and for
 * live pages' refreshes (its `/metrics`: the counters are the process's, so
 * compare two readings).
 * @example (await regionsServed(t)).refresh.shared // 3
 */
export async function regionsServed(t: TestApp): Promise<{ page: RegionsServed; refresh: RegionsServed }> {
  const text = await (await t.request("/metrics")).text();
  const sample = (request: string, source: string) => {
    const series = `cartbrawl_competition_page_regions_total{request="${request}",source="${source}"}`;
    return Number(text.split("\n").find((l) => l.startsWith(series + " "))?.split(" ")[1] ?? 0);
  };
  return {
    page: { rendered: sample("page", "rendered"), shared: sample("page", "shared") },
    refresh: { rendered: sample("refresh", "rendered"), shared: sample("refresh", "shared") },
  };
}
