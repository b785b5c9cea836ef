import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import { keys } from "../lib/core/db.ts";
import type { ShopConnection } from "../lib/shopify/connections.ts";
import { sumStoredOrders } from "../lib/competitions/revenue.ts";
import {
  approveInstall,
  BROWSER_UA,
  browserHeaders,
  cookiesFrom,
  joinStore,
  openCompetition,
  participantOf,
  postJoin,
  settledSync,
} from "../testing/shopify.ts";

const SHOP = "brawl-demo.myshopify.com";

Deno.test("shopify join - round trip: authorize page, approve, callback, encrypted tokens, webhooks, backfill", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  const sandbox = t.shopify!;
  sandbox.createShop({ shop: SHOP, currency: "USD", name: "Brawl Demo" });
  // Before the window, in the window, a test order, and one in the window that was later refunded in part.
  sandbox.createOrder(SHOP, { totalPrice: "99.00", createdAt: Date.parse(competition.startDate) - 60_000 });
  sandbox.createOrder(SHOP, { totalPrice: "12.50" });
  sandbox.createOrder(SHOP, { totalPrice: "40.00", test: true });
  const partly = sandbox.createOrder(SHOP, { totalPrice: "10.00" });
  sandbox.refundOrder(SHOP, partly.id, "2.50");

  const join = await postJoin(t, competition.id, "merchant_a", "https://admin.shopify.com/store/brawl-demo/orders");
  assert.equal(join.status, 200);
  const { authorizeUrl, shop } = await join.json();
  assert.equal(shop, SHOP);
  assert.ok(authorizeUrl.startsWith(`${sandbox.origin}/${SHOP}/admin/oauth/authorize?`), authorizeUrl);
  const authorize = new URL(authorizeUrl);
  assert.equal(authorize.searchParams.get("scope"), "read_orders");
  assert.equal(authorize.searchParams.get("grant_options[]"), "");
  assert.equal(authorize.searchParams.get("redirect_uri"), `${t.url}/api/shopify/callback`);
  const state = authorize.searchParams.get("state")!;
  const stored = await t.kv.get<{ userId: string; competitionId: string }>(keys.shopifyJoinState(state));
  assert.equal(stored.value?.userId, "merchant_a");
  assert.equal(stored.value?.competitionId, competition.id);
  const cookie = cookiesFrom(join);
  assert.match(cookie, /shopify_app_state=/);

  const callbackUrl = await approveInstall(authorizeUrl);
  assert.ok(callbackUrl.startsWith(`${t.url}/api/shopify/callback?`));
  const callback = await fetch(callbackUrl, {
    headers: await browserHeaders(t, "merchant_a", cookie),
    redirect: "manual",
  });
  await callback.body?.cancel();
  assert.equal(callback.status, 303);
  assert.equal(callback.headers.get("location"), `/competitions/${competition.id}`);
  assert.equal((await t.kv.get(keys.shopifyJoinState(state))).value, null, "the state is single use");

  const participant = (await participantOf(t, competition.id, SHOP))!;
  assert.equal(participant.displayName, "Brawl Demo");
  assert.equal(participant.currency, "USD");
  assert.equal(participant.userId, "merchant_a");

  // Tokens are stored encrypted: the raw KV value holds neither token.
  const connection = (await t.kv.get<ShopConnection>(keys.shop(SHOP))).value!;
  const token = await t.shopifyServices!.connections.accessToken(SHOP);
  assert.match(token, /^shpat_/);
  const raw = JSON.stringify(connection);
  assert.ok(!raw.includes(token), "access token is not stored in clear");
  assert.ok(!raw.includes("shprt_"), "refresh token is not stored in clear");
  assert.match(connection.accessToken, /^v1\./);
  assert.match(connection.refreshToken!, /^v1\./);
  assert.ok(connection.expiresAt);

  // Webhooks subscribed at the sandbox.
  const topics = sandbox.subscriptions(SHOP).map((s) => s.topic).sort();
  assert.deepEqual(topics, [
    "app/uninstalled",
    "orders/cancelled",
    "orders/create",
    "orders/risk_assessment_changed",
    "orders/updated",
    "refunds/create",
  ]);
  assert.ok(sandbox.subscriptions(SHOP).every((s) => s.callbackUrl === `${t.url}/api/shopify/webhooks`));

  // The backfill recorded in-window, non-test orders only: 12.50 + 7.50.
  const done = await settledSync(t, participant.id);
  assert.equal(done.sync.state, "done");
  assert.equal(done.revenue, 2000);
  assert.equal(done.orders, 2);
  assert.equal(done.sync.ordersFetched, 3, "the order before the window is not even fetched");
  assert.ok(done.sync.cursor);
  assert.deepEqual(await sumStoredOrders(t.kv, participant.id), { revenue: 2000, orders: 2 });
});

Deno.test("shopify join - refusals before Shopify: bad shop domains, not signed in, not open, already joined", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  for (const shop of ["127.0.0.1", "localhost", "evil.com", "x.myshopify.com.evil.com", "http://127.0.0.1:1/x", 7]) {
    const res = await postJoin(t, competition.id, "merchant_a", shop);
    assert.equal(res.status, 400, String(shop));
    assert.match((await res.json()).error, /name\.myshopify\.com/);
  }
  assert.deepEqual(t.shopify!.shops(), [], "no request reached Shopify");

  const anonymous = await fetch(`${t.url}/api/competitions/${competition.id}/join`, {
    method: "POST",
    headers: { "content-type": "application/json", "User-Agent": BROWSER_UA },
    body: JSON.stringify({ shop: SHOP }),
  });
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();

  const bot = await t.request(`/api/competitions/${competition.id}/join`, {
    method: "POST",
    userId: "merchant_a",
    json: { shop: SHOP },
    headers: { "User-Agent": "curl/8.0" },
  });
  assert.equal(bot.status, 403);
  assert.match((await bot.json()).error, /everyday browser/);

  const draft = await t.request("/api/competitions", {
    method: "POST",
    userId: "creator",
    json: {
      title: "Draft",
      prize: "10.00",
      currency: "USD",
      startDate: new Date(t.clock.now() + 86_400_000).toISOString(),
      endDate: new Date(t.clock.now() + 9 * 86_400_000).toISOString(),
    },
  });
  const { competition: unfunded } = await draft.json();
  // Another's draft does not exist for this merchant: the same 404 as an unknown id (issue 23), not "not funded".
  const notOpen = await postJoin(t, unfunded.id, "merchant_a", SHOP);
  assert.equal(notOpen.status, 404);
  assert.equal((await notOpen.json()).error, "There is no competition with that id.");
  assert.equal((await postJoin(t, "nope", "merchant_a", SHOP)).status, 404);

  t.shopify!.createShop({ shop: SHOP, currency: "USD" });
  const { callback } = await joinStore(t, competition.id, "merchant_a", SHOP);
  assert.equal(callback.status, 303);
  const again = await postJoin(t, competition.id, "merchant_a", "other-store.myshopify.com");
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error, "You have already joined this competition.");
  const sameStore = await postJoin(t, competition.id, "merchant_b", SHOP);
  assert.equal(sameStore.status, 409);
  assert.equal((await sameStore.json()).error, `The store ${SHOP} is already in this competition.`);
  await settledSync(t, (await participantOf(t, competition.id, SHOP))!.id);
});

Deno.test("shopify join - a form post lands on our continue page, which sends the browser on to Shopify by a refresh and a link", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  const session = await createSession(t.kv, "merchant_a", t.clock.now());
  const headers = new Headers({
    "User-Agent": BROWSER_UA,
    "content-type": "application/x-www-form-urlencoded",
    Origin: t.url!,
    Cookie: `${sessionCookieName(t.config.appUrl)}=${session}`,
  });
  const res = await fetch(`${t.url}/api/competitions/${competition.id}/join`, {
    method: "POST",
    headers,
    body: new URLSearchParams({ shop: "admin.shopify.com/store/form-shop" }),
    redirect: "manual",
  });
  await res.body?.cancel();
  assert.equal(res.status, 303);
  const continuePath = res.headers.get("location")!;
  assert.match(continuePath, /^\/shopify\/continue\/[^/]+$/, "a page of our own: the form's redirect chain ends here");
  assert.match(cookiesFrom(res), /shopify_app_state=.*shopify_app_state\.sig=/);
  const page = await fetch(`${t.url}${continuePath}`, { headers });
  const html = await page.text();
  assert.equal(page.status, 200);
  const authorizeUrl = /<meta http-equiv="refresh" content="0;url=([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
  assert.ok(authorizeUrl?.startsWith(`${t.shopify!.origin}/form-shop.myshopify.com/admin/oauth/authorize?`));
  assert.ok(html.includes(`href="${authorizeUrl!.replaceAll("&", "&amp;")}"`), "and the same as a link");
  const gone = await fetch(`${t.url}/shopify/continue/never-issued`, { headers });
  await gone.body?.cancel();
  assert.equal(gone.status, 404);

  const refused = await fetch(`${t.url}/api/competitions/${competition.id}/join`, {
    method: "POST",
    headers,
    body: new URLSearchParams({ shop: "localhost" }),
    redirect: "manual",
  });
  await refused.body?.cancel();
  assert.equal(refused.status, 303);
  const back = new URL(refused.headers.get("location")!, t.url);
  assert.equal(back.pathname, `/competitions/${competition.id}`);
  assert.equal(back.searchParams.get("joinError"), "invalid_shop", "a code the page turns into its sentence");
});

Deno.test("shopify join - from Whop's frame: a ticket, a link to a new window, one redemption, and a landing with no session", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  t.shopify!.createShop({ shop: SHOP, currency: "USD", name: "Brawl Demo" });
  // Whop's apps domain forwards the form with the viewer's token and none of our cookies.
  const framed = await browserHeaders(t, "merchant_a");
  framed.set("content-type", "application/x-www-form-urlencoded");
  const res = await fetch(`${t.url}/api/competitions/${competition.id}/join`, {
    method: "POST",
    headers: framed,
    body: new URLSearchParams({ shop: SHOP }),
    redirect: "manual",
  });
  await res.body?.cancel();
  assert.equal(res.status, 303);
  assert.equal(cookiesFrom(res), "", "no cookie: it would be the apps domain's, and dropped");
  const windowPath = res.headers.get("location")!;
  const ticket = /^\/shopify\/window\/([0-9a-f]{64})$/.exec(windowPath)?.[1];
  assert.ok(ticket, windowPath);
  const raw = JSON.stringify(await Array.fromAsync(t.kv.list({ prefix: ["shopify_join_tickets"] })));
  assert.ok(!raw.includes(ticket), "KV keeps only the ticket's hash");

  const framedPage = await fetch(`${t.url}${windowPath}`, { headers: framed });
  const html = await framedPage.text();
  assert.equal(framedPage.status, 200);
  assert.ok(html.includes(`href="${t.url}/shopify/connect/${ticket}" target="_blank"`), "a new window, our own origin");
  const someoneElse = await fetch(`${t.url}${windowPath}`, { headers: await browserHeaders(t, "merchant_b") });
  await someoneElse.body?.cancel();
  assert.equal(someoneElse.status, 404, "the ticket's page is its user's only");

  // The new window: no session, no token; the ticket starts the round trip as its user.
  const windowBrowser = { "User-Agent": BROWSER_UA };
  const connect = await fetch(`${t.url}/shopify/connect/${ticket}`, { headers: windowBrowser, redirect: "manual" });
  await connect.body?.cancel();
  assert.equal(connect.status, 303);
  assert.match(connect.headers.get("location")!, /^\/shopify\/continue\//);
  const cookie = cookiesFrom(connect);
  assert.match(cookie, /shopify_app_state=/);
  const again = await fetch(`${t.url}/shopify/connect/${ticket}`, { headers: windowBrowser, redirect: "manual" });
  await again.body?.cancel();
  assert.equal(again.status, 404, "a ticket is spent once");

  const continued = await (await fetch(`${t.url}${connect.headers.get("location")}`, { headers: windowBrowser }))
    .text();
  const authorizeUrl = /content="0;url=([^"]+)"/.exec(continued)![1].replaceAll("&amp;", "&");
  const callback = await fetch(await approveInstall(authorizeUrl), {
    headers: { ...windowBrowser, Cookie: cookie },
    redirect: "manual",
  });
  await callback.body?.cancel();
  assert.equal(callback.headers.get("location"), "/shopify/connected");
  const participant = (await participantOf(t, competition.id, SHOP))!;
  assert.equal(participant.userId, "merchant_a", "the ticket's user joined, with no session in the window");
  const landing = await fetch(`${t.url}/shopify/connected`, { headers: windowBrowser });
  assert.match(await landing.text(), /close this window and go back to Whop/);
  await settledSync(t, participant.id);
});

Deno.test("shopify join - refusals at the callback: currency, store already in, tampered HMAC, wrong, expired and replayed state, missing cookie", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  const sandbox = t.shopify!;

  // A EUR shop cannot join a USD competition: back to the page with the sentence, nothing stored.
  sandbox.createShop({ shop: "euro-shop.myshopify.com", currency: "EUR" });
  const euro = await joinStore(t, competition.id, "merchant_e", "euro-shop.myshopify.com");
  assert.equal(euro.callback.status, 303);
  const euroLocation = new URL(euro.callback.headers.get("location")!, t.url);
  assert.equal(euroLocation.pathname, `/competitions/${competition.id}`);
  assert.equal(euroLocation.searchParams.get("joinError"), "currency");
  assert.equal(await participantOf(t, competition.id, "euro-shop.myshopify.com"), undefined);
  assert.equal((await t.kv.get(keys.shop("euro-shop.myshopify.com"))).value, null);

  // Two joins of one store started before either finished: the second callback is refused.
  sandbox.createShop({ shop: SHOP, currency: "USD" });
  const first = await postJoin(t, competition.id, "merchant_a", SHOP);
  const second = await postJoin(t, competition.id, "merchant_b", SHOP);
  const firstUrl = await approveInstall((await first.json()).authorizeUrl);
  const secondUrl = await approveInstall((await second.json()).authorizeUrl);
  const ok = await fetch(firstUrl, {
    headers: await browserHeaders(t, "merchant_a", cookiesFrom(first)),
    redirect: "manual",
  });
  assert.equal(ok.headers.get("location"), `/competitions/${competition.id}`);
  const late = await fetch(secondUrl, {
    headers: await browserHeaders(t, "merchant_b", cookiesFrom(second)),
    redirect: "manual",
  });
  assert.equal(new URL(late.headers.get("location")!, t.url).searchParams.get("joinError"), "store_taken");

  // Replaying a used callback URL.
  const replay = await fetch(firstUrl, { headers: await browserHeaders(t, "merchant_a", cookiesFrom(first)) });
  assert.equal(replay.status, 400);
  assert.match((await replay.json()).error, /expired or was already used/);

  // Tampered HMAC (any parameter changed).
  sandbox.createShop({ shop: "third.myshopify.com", currency: "USD" });
  const third = await postJoin(t, competition.id, "merchant_c", "third.myshopify.com");
  const thirdCookie = cookiesFrom(third);
  const thirdUrl = new URL(await approveInstall((await third.json()).authorizeUrl));
  const tampered = new URL(thirdUrl);
  tampered.searchParams.set("code", "0000");
  const badHmac = await fetch(tampered, { headers: await browserHeaders(t, "merchant_c", thirdCookie) });
  assert.equal(badHmac.status, 400);
  assert.match((await badHmac.json()).error, /not signed/);
  const otherShop = new URL(thirdUrl);
  otherShop.searchParams.set("shop", "127.0.0.1");
  assert.equal((await fetch(otherShop, { headers: await browserHeaders(t, "merchant_c", thirdCookie) })).status, 400);

  // A validly signed callback whose state was never issued.
  const { signQuery } = await import("../sandbox/shopify/hmac.ts");
  const forged = Object.fromEntries(thirdUrl.searchParams);
  forged.state = "never-issued";
  delete forged.hmac;
  forged.hmac = await signQuery("sandbox-secret", forged);
  const unknownState = await fetch(`${t.url}/api/shopify/callback?${new URLSearchParams(forged)}`, {
    headers: await browserHeaders(t, "merchant_c", thirdCookie),
  });
  assert.equal(unknownState.status, 400);
  assert.match((await unknownState.json()).error, /expired or was already used/);

  // The real state, but without the library's cookie: refused (the state is used up).
  const noCookie = await fetch(thirdUrl, { headers: await browserHeaders(t, "merchant_c"), redirect: "manual" });
  assert.equal(new URL(noCookie.headers.get("location")!, t.url).searchParams.get("joinError"), "cookie_lost");
  await noCookie.body?.cancel();

  // An expired state (more than 10 minutes on the app clock).
  const fourth = await postJoin(t, competition.id, "merchant_c", "third.myshopify.com");
  const fourthUrl = await approveInstall((await fourth.json()).authorizeUrl);
  t.clock.advance(11 * 60_000);
  const expired = await fetch(fourthUrl, { headers: await browserHeaders(t, "merchant_c", cookiesFrom(fourth)) });
  assert.equal(expired.status, 400);
  assert.match((await expired.json()).error, /10 minutes/);
  assert.equal(await participantOf(t, competition.id, "third.myshopify.com"), undefined);
  await settledSync(t, (await participantOf(t, competition.id, SHOP))!.id);
  for (const r of [ok, late]) await r.body?.cancel();
});
