import { assert, assertEquals, assertMatch, assertRejects } from "../../testing/assert.ts";
import { HttpResponseError, type Session } from "@shopify/shopify-api";
import { approveInstall, BROWSER_UA, launchApp, MerchantBrowser } from "./install_page.ts";
import { signQuery } from "./hmac.ts";
import {
  adminGraphql,
  cookieHeader,
  installApp,
  libraryFor,
  startTestSandbox,
  TEST_APP,
  testClock,
} from "../../testing/shopify_sandbox.ts";

const SHOP = "brawl-demo.myshopify.com";

Deno.test("shopify sandbox - OAuth begin, install page, approve and callback give an expiring offline session", async () => {
  const sandbox = await startTestSandbox();
  try {
    sandbox.createShop({ shop: SHOP, name: "Brawl Demo", currency: "EUR" });
    const shopify = libraryFor(sandbox);
    const begin = await shopify.auth.begin({
      shop: SHOP,
      callbackPath: "/api/shopify/callback",
      isOnline: false,
      rawRequest: new Request("http://app.test/join", {
        headers: { "User-Agent": BROWSER_UA },
      }),
    }) as Response;
    assertEquals(begin.status, 302);
    const location = new URL(begin.headers.get("Location")!);
    assertEquals(location.host, SHOP);
    assertEquals(location.pathname, "/admin/oauth/authorize");

    const authorizeUrl = `${sandbox.origin}/${SHOP}${location.pathname}${location.search}`;
    const browser = new MerchantBrowser();
    const page = await browser.open(authorizeUrl, "http://app.test");
    assert("html" in page);
    for (const text of ["Brawl Demo", "CartBrawl", "read_orders", "Approve"]) {
      assert(page.html.includes(text), `install page lacks ${text}`);
    }
    const callbackUrl = new URL(await approveInstall(authorizeUrl, browser));
    assertEquals(callbackUrl.origin + callbackUrl.pathname, "http://app.test/api/shopify/callback");
    assertEquals(
      [...callbackUrl.searchParams.keys()].sort(),
      ["code", "hmac", "host", "shop", "state", "timestamp"],
    );
    assertEquals(callbackUrl.searchParams.get("state"), location.searchParams.get("state"));
    assertEquals(atob(callbackUrl.searchParams.get("host")!), "admin.shopify.com/store/brawl-demo");

    const { session } = await shopify.auth.callback<Session>({
      rawRequest: new Request(callbackUrl, {
        headers: { "User-Agent": BROWSER_UA, Cookie: cookieHeader(begin) },
      }),
      expiring: true,
    });
    assertEquals(session.shop, SHOP);
    assertEquals(session.isOnline, false);
    assertEquals(session.scope, "read_orders");
    assertMatch(session.accessToken!, /^shpat_/);
    assert(session.refreshToken, "expiring offline token comes with a refresh token");
    const lifetime = session.expires!.getTime() - Date.now();
    assert(lifetime > 3_500_000 && lifetime <= 3_600_000, `lifetime ${lifetime}`);
    assert(sandbox.shops()[0].installed);

    const client = new shopify.clients.Graphql({ session });
    const response = await client.request(
      `query { shop { name currencyCode myshopifyDomain } }`,
    );
    assertEquals(response.data, {
      shop: { name: "Brawl Demo", currencyCode: "EUR", myshopifyDomain: SHOP },
    });
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - the approval redirect's hmac fails the library's check once tampered", async () => {
  const sandbox = await startTestSandbox({ autoApprove: true });
  try {
    const shopify = libraryFor(sandbox);
    const response = await fetch(
      `${sandbox.origin}/${SHOP}/admin/oauth/authorize?client_id=${TEST_APP.apiKey}&scope=read_orders&redirect_uri=${
        encodeURIComponent("http://app.test/cb")
      }&state=abc%20def&grant_options%5B%5D=`,
      { redirect: "manual" },
    );
    const query = new URL(response.headers.get("Location")!).searchParams;
    assertEquals(query.get("state"), "abc def");
    assert(await shopify.utils.validateHmac(Object.fromEntries(query)));
    query.set("shop", "other.myshopify.com");
    assertEquals(await shopify.utils.validateHmac(Object.fromEntries(query)), false);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - shops are created on first authorize, unknown client ids are refused", async () => {
  const sandbox = await startTestSandbox();
  try {
    const url = (clientId: string) =>
      `${sandbox.origin}/new-store.myshopify.com/admin/oauth/authorize?client_id=${clientId}&scope=read_orders&redirect_uri=http%3A%2F%2Fapp.test%2Fcb&state=1`;
    const refused = await fetch(url("someone-else"));
    assertEquals(refused.status, 400);
    assert((await refused.text()).includes("someone-else"));
    assertEquals(sandbox.shops().length, 0);
    const page = await new MerchantBrowser().open(url(TEST_APP.apiKey), "http://app.test");
    assert("html" in page && page.html.includes("Approve"));
    assertEquals(sandbox.shops().map((shop) => [shop.domain, shop.currency]), [
      ["new-store.myshopify.com", "USD"],
    ]);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - refresh rotates both tokens and the old refresh token stops working", async () => {
  const sandbox = await startTestSandbox();
  try {
    const shopify = libraryFor(sandbox);
    const first = await installApp(shopify, sandbox, SHOP);
    const { session: second } = await shopify.auth.refreshToken({
      shop: SHOP,
      refreshToken: first.refreshToken!,
    });
    assert(second.accessToken !== first.accessToken);
    assert(second.refreshToken && second.refreshToken !== first.refreshToken);
    assert(second.expires, "the refreshed token expires too");
    const reused = await assertRejects(
      () => shopify.auth.refreshToken({ shop: SHOP, refreshToken: first.refreshToken! }),
      HttpResponseError,
    );
    assertEquals(reused.response.code, 400);
    const client = new shopify.clients.Graphql({ session: second });
    const response = await client.request(`{ shop { name } }`);
    assertEquals(response.data?.shop.name, "Brawl Demo");
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - access tokens expire on the sandbox clock; unknown tokens get 401", async () => {
  const clock = testClock();
  const sandbox = await startTestSandbox({ now: clock.now });
  try {
    const shopify = libraryFor(sandbox);
    const session = await installApp(shopify, sandbox, SHOP);
    const query = `{ shop { name } }`;
    assertEquals((await adminGraphql(sandbox, SHOP, session.accessToken!, query)).status, 200);
    assertEquals((await adminGraphql(sandbox, SHOP, "shpat_made_up", query)).status, 401);
    clock.advance(3600_000);
    const expired = await adminGraphql(sandbox, SHOP, session.accessToken!, query);
    assertEquals(expired.status, 401);
    assertMatch(expired.body.errors, /Invalid API key or access token/);
    const { session: fresh } = await shopify.auth.refreshToken({
      shop: SHOP,
      refreshToken: session.refreshToken!,
    });
    assertEquals((await adminGraphql(sandbox, SHOP, fresh.accessToken!, query)).status, 200);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - codes are single use and the client secret is checked", async () => {
  const sandbox = await startTestSandbox({ autoApprove: true });
  try {
    const redirect = await fetch(
      `${sandbox.origin}/${SHOP}/admin/oauth/authorize?client_id=${TEST_APP.apiKey}&scope=read_orders&redirect_uri=http%3A%2F%2Fapp.test%2Fcb&state=s`,
      { redirect: "manual" },
    );
    const code = new URL(redirect.headers.get("Location")!).searchParams.get("code");
    const exchange = (secret: string) =>
      fetch(`${sandbox.origin}/${SHOP}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          client_id: TEST_APP.apiKey,
          client_secret: secret,
          code,
          expiring: "0",
        }),
      });
    const wrongSecret = await exchange("nope");
    assertEquals(wrongSecret.status, 401);
    assertEquals((await wrongSecret.json()).error, "invalid_client");
    const ok = await exchange(TEST_APP.apiSecret);
    const token = await ok.json();
    assertEquals(ok.status, 200);
    assertEquals(Object.keys(token).sort(), ["access_token", "scope"]);
    const again = await exchange(TEST_APP.apiSecret);
    assertEquals(again.status, 400);
    assertEquals((await again.json()).error, "invalid_request");
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - a per-user install yields an online token with its user", async () => {
  const sandbox = await startTestSandbox();
  try {
    const shopify = libraryFor(sandbox);
    const session = await installApp(shopify, sandbox, SHOP, { isOnline: true });
    assertEquals(session.isOnline, true);
    assertMatch(session.accessToken!, /^shpua_/);
    assertEquals(session.onlineAccessInfo?.associated_user.account_owner, true);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - a browser not logged in goes through the login origin and back; no page may be framed", async () => {
  const sandbox = await startTestSandbox();
  try {
    sandbox.createShop({ shop: SHOP, name: "Brawl Demo", email: "owner@brawl.example" });
    const authorizeUrl = `${sandbox.origin}/${SHOP}/admin/oauth/authorize?client_id=${TEST_APP.apiKey}` +
      `&scope=read_orders&redirect_uri=${encodeURIComponent("http://app.test/cb")}&state=s1`;
    const first = await fetch(authorizeUrl, { redirect: "manual" });
    await first.body?.cancel();
    assertEquals(first.status, 302);
    const login = new URL(first.headers.get("location")!);
    assertEquals(login.origin, sandbox.accountsOrigin);
    assert(login.origin !== sandbox.origin && login.hostname === "localhost", "the login is another origin and host");
    assertEquals(login.searchParams.get("return_to"), authorizeUrl);
    const loginPage = await fetch(login);
    const html = await loginPage.text();
    assert(html.includes('value="owner@brawl.example"'), "the shop owner's email is filled in");
    for (const response of [first, loginPage]) {
      assertEquals(response.headers.get("x-frame-options"), "DENY");
      assertEquals(response.headers.get("content-security-policy"), "frame-ancestors 'none'");
    }
    // The login goes back only to the admin origin.
    const elsewhere = await fetch(
      `${sandbox.accountsOrigin}/login?return_to=${encodeURIComponent("http://evil.test/")}`,
    );
    await elsewhere.body?.cancel();
    assertEquals(elsewhere.status, 400);
    // Approving without the admin's session cookie is refused.
    const unsigned = await fetch(authorizeUrl.split("?")[0], {
      method: "POST",
      body: new URLSearchParams([...new URL(authorizeUrl).searchParams, ["decision", "approve"]]),
      redirect: "manual",
    });
    await unsigned.body?.cancel();
    assertEquals(unsigned.status, 403);
    assertEquals(sandbox.approvals, 0);
    const callback = new URL(await approveInstall(authorizeUrl));
    assertEquals(callback.origin + callback.pathname, "http://app.test/cb");
    assertEquals(sandbox.approvals, 1);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - the admin's app launcher sends the merchant to the App URL with Shopify's signed query", async () => {
  const sandbox = await startTestSandbox({ appUrl: "http://app.test/shopify" });
  try {
    sandbox.createShop({ shop: SHOP, name: "Brawl Demo" });
    const overview = await (await fetch(`${sandbox.origin}/`)).text();
    assert(overview.includes(`href="/${SHOP}/admin/apps/cartbrawl"`), "the overview links the launcher");
    const appUrl = new URL(await launchApp(sandbox.appLauncherUrl(SHOP), "http://app.test"));
    assertEquals(appUrl.origin + appUrl.pathname, "http://app.test/shopify");
    const query = Object.fromEntries(appUrl.searchParams);
    assertEquals(Object.keys(query).sort(), ["hmac", "host", "shop", "timestamp"]);
    assertEquals(query.shop, SHOP);
    assertEquals(query.hmac, await signQuery(TEST_APP.apiSecret, query));
    assert(await libraryFor(sandbox).utils.validateHmac(query), "the library accepts Shopify's signature");
  } finally {
    await sandbox.close();
  }
});
