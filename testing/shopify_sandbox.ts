/**
 * Test helpers: the real `@shopify/shopify-api` library pointed at a sandbox
 * (the way the app does it, by rewriting `https://{shop}/…`), a browser
 * User-Agent, and a loopback server that records webhooks.
 */
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, LogSeverity, type Session, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { type ShopifySandbox, startShopifySandbox } from "../sandbox/shopify/sandbox.ts";
import { BROWSER_UA } from "../sandbox/shopify/install_page.ts";

/** The app credentials every test uses. */
export const TEST_APP = { apiKey: "sandbox-key", apiSecret: "sandbox-secret" };

/** The Shopify library object, as `shopifyApi` builds it. */
export type ShopifyLibrary = ReturnType<typeof shopifyApi>;

let sandboxOrigin = "";
setAbstractFetchFunc((input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname.endsWith(".myshopify.com") && sandboxOrigin) {
    return fetch(`${sandboxOrigin}/${url.host}${url.pathname}${url.search}`, init);
  }
  return fetch(input, init);
});

/**
 * A library instance whose requests to `https://{shop}/…` and
 * `http://{shop}/…` go to `${sandbox.origin}/{shop}/…`.
 */
export function libraryFor(
  sandbox: ShopifySandbox,
  scopes: string[] = ["read_orders"],
): ShopifyLibrary {
  sandboxOrigin = sandbox.origin;
  return shopifyApi({
    apiKey: TEST_APP.apiKey,
    apiSecretKey: TEST_APP.apiSecret,
    apiVersion: ApiVersion.July26,
    scopes,
    hostName: "app.test",
    hostScheme: "http",
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Error },
  });
}

/** A settable clock for the sandbox: starts at the real time, moves on `advance`. */
export function testClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Starts a sandbox with the test app's credentials. */
export function startTestSandbox(
  options: Partial<Parameters<typeof startShopifySandbox>[0]> = {},
): Promise<ShopifySandbox> {
  return startShopifySandbox({ ...TEST_APP, ...options });
}

/**
 * Installs the app on `shop` through the real OAuth flow (auto-approved) and
 * returns the library's session: an expiring offline token by default.
 */
export async function installApp(
  shopify: ShopifyLibrary,
  sandbox: ShopifySandbox,
  shop: string,
  { isOnline = false, expiring = true } = {},
): Promise<Session> {
  const begin = await shopify.auth.begin({
    shop,
    callbackPath: "/api/shopify/callback",
    isOnline,
    rawRequest: new Request("http://app.test/join", {
      headers: { "User-Agent": BROWSER_UA },
    }),
  }) as Response;
  const authorize = begin.headers.get("Location")!.replace(
    "https://",
    `${sandbox.origin}/`,
  );
  const previous = sandbox.autoApprove;
  sandbox.autoApprove = true;
  const approved = await fetch(authorize, { redirect: "manual" });
  sandbox.autoApprove = previous;
  await approved.body?.cancel();
  const { session } = await shopify.auth.callback<Session>({
    rawRequest: new Request(approved.headers.get("Location")!, {
      headers: {
        "User-Agent": BROWSER_UA,
        Cookie: cookieHeader(begin),
      },
    }),
    expiring,
  });
  return session;
}

/** The `Cookie` header a browser would send back after `response`. */
export function cookieHeader(response: Response): string {
  return response.headers.getSetCookie().map((cookie) => cookie.split(";")[0])
    .join("; ");
}

/** A webhook as the app received it. */
export interface ReceivedWebhook {
  headers: Headers;
  body: string;
}

/** A loopback server that records every POST and answers `status` (changeable). */
export function startWebhookReceiver(status = 200) {
  const received: ReceivedWebhook[] = [];
  const receiver = {
    status,
    received,
    url: "",
    close: () => server.shutdown(),
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      received.push({ headers: request.headers, body: await request.text() });
      return new Response(null, { status: receiver.status });
    },
  );
  receiver.url = `http://127.0.0.1:${server.addr.port}/api/shopify/webhooks`;
  return receiver;
}

/** Posts a GraphQL document straight to the sandbox (no library). */
export async function adminGraphql(
  sandbox: ShopifySandbox,
  shop: string,
  accessToken: string,
  query: string,
  variables?: Record<string, unknown>,
) {
  const response = await fetch(
    `${sandbox.origin}/${shop}/admin/api/2026-07/graphql.json`,
    {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Access-Token": accessToken,
      },
      body: JSON.stringify({ query, variables }),
    },
  );
  return {
    status: response.status,
    headers: response.headers,
    // deno-lint-ignore no-explicit-any
    body: await response.json() as any,
  };
}
