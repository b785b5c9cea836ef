/**
 * Issue 14's table, one test per row: each was reproduced against the app as
 * an attacker would (loopback, real HTTP, the simulated Whop and Shopify)
 * and must now be refused. The return-path table is in
 * lib/web/return_path_test.ts, the join-error page in routes/pages/pages_test.ts,
 * the flood in tests/security_burst_test.ts.
 */
import assert from "node:assert/strict";
import { importJWK, SignJWT } from "jose";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { keys } from "../lib/core/db.ts";
import { getCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant } from "../lib/competitions/participants.ts";
import { CannotJoinError } from "../lib/competitions/join_rules.ts";
import { USER_TOKEN_ISSUER } from "../lib/whop/user_token.ts";
import { sumStoredOrders } from "../lib/competitions/revenue.ts";
import { createSession, getSession, sessionCookieName } from "../lib/core/sessions.ts";
import { signBody } from "../sandbox/shopify/hmac.ts";
import {
  joinStore,
  openCompetition,
  participantOf,
  postJoin,
  readParticipant,
  settledSync,
  shopifyWebhookHeaders,
} from "../testing/shopify.ts";
import { draftCompetition, postForm } from "../testing/page_fixtures.ts";
import { RATE_LIMITS } from "../lib/web/rate_limit.ts";
import { openKv } from "../app.ts";
import { loadConfig } from "../config.ts";

const ATTACKER = "user_CreatorBenR4k9p";

function unescapeHtml(value: string): string {
  return value.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** Starts a sign-in in a browser (its cookie jar is `cookie`) and approves it on Whop; stops before the callback. */
async function approvedSignIn(t: TestApp, cookie = ""): Promise<{ callback: string; cookie: string }> {
  const login = await fetch(`${t.url}/login`, { redirect: "manual", headers: { cookie } });
  await login.body?.cancel();
  assert.equal(login.status, 302);
  const binder = login.headers.getSetCookie().map((c) => c.split(";")[0])
    .find((c) => c.startsWith("cartbrawl_signin=")) ?? "";
  const page = await (await fetch(login.headers.get("location")!)).text();
  const form = page.match(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/)!;
  const fields = new URLSearchParams();
  for (const [, name, value] of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(name, unescapeHtml(value));
  }
  fields.set("user_id", ATTACKER);
  const chosen = await fetch(new URL(form[1], login.headers.get("location")!), {
    method: "POST",
    body: fields,
    redirect: "manual",
  });
  await chosen.body?.cancel();
  return { callback: chosen.headers.get("location")!, cookie: binder };
}

Deno.test("security (high) - an attacker's approved sign-in link signs no one else in", async () => {
  await using t = await createTestApp({}, { whop: true });
  // The attacker starts and approves, but does not follow the redirect; the victim is sent the link.
  const attacker = await approvedSignIn(t);
  assert.match(attacker.cookie, /^cartbrawl_signin=[\w-]{43}$/, "the starting browser holds a binder");
  const victimWithNoCookie = await fetch(attacker.callback, { redirect: "manual" });
  assert.equal(victimWithNoCookie.status, 400);
  assert.match(await victimWithNoCookie.text(), /not started in this browser/);
  // A victim who once started a sign-in of their own has a binder too, just not the attacker's.
  const victimLogin = await fetch(`${t.url}/login`, { redirect: "manual" });
  await victimLogin.body?.cancel();
  const victimBinder = victimLogin.headers.getSetCookie()[0].split(";")[0];
  const victim = await fetch(attacker.callback, { redirect: "manual", headers: { cookie: victimBinder } });
  assert.equal(victim.status, 400);
  await victim.body?.cancel();
  for (const response of [victimWithNoCookie, victim]) {
    assert.ok(!response.headers.getSetCookie().some((c) => /cartbrawl_session=[0-9a-f]/.test(c)), "no session");
  }
  assert.equal((await Array.fromAsync(t.kv.list({ prefix: ["sessions"] }))).length, 0);
  // The browser that started it still can (once).
  const own = await fetch(attacker.callback, { redirect: "manual", headers: { cookie: attacker.cookie } });
  await own.body?.cancel();
  assert.equal(own.status, 303);
});

Deno.test("security (medium) - returnTo=/..//evil.example never leaves the site, at sign-in or after notifications", async () => {
  await using t = await createTestApp({}, { whop: true });
  const login = await fetch(`${t.url}/login?returnTo=${encodeURIComponent("/..//evil.example/phish")}`, {
    redirect: "manual",
  });
  await login.body?.cancel();
  const state = new URL(login.headers.get("location")!).searchParams.get("state")!;
  assert.equal(
    (await t.kv.get<{ returnTo: string }>(keys.oauthState(state))).value!.returnTo,
    "",
    "no page to go back to: the callback picks the user's own landing page",
  );

  for (const returnTo of ["/..//evil.example/phish", "//evil.example", "/\t/evil.example", "/%5Cevil.example"]) {
    const read = await postForm(t, "/api/notifications/read", { returnTo }, "user_reader");
    assert.equal(read.status, 303);
    assert.equal(read.headers.get("location"), "/dashboard", JSON.stringify(returnTo));
  }
});

Deno.test("security (medium) - forged webhooks and sign-in starts from one address get 429 with Retry-After; a signed delivery still lands", async () => {
  await using t = await createTestApp({}, { shopify: true, whop: true });
  const competition = await openCompetition(t);
  const shop = "limits-demo.myshopify.com";
  t.shopify!.createShop({ shop, currency: "USD" });
  await joinStore(t, competition.id, "merchant_a", shop);
  const participant = (await participantOf(t, competition.id, shop))!;
  await settledSync(t, participant.id);
  const order = (id: number) =>
    JSON.stringify({
      id,
      created_at: new Date(t.clock.now()).toISOString(),
      updated_at: new Date(t.clock.now()).toISOString(),
      currency: "USD",
      current_total_price: "10.00",
    });
  const deliver = async (body: string, hmac: string) => {
    const response = await fetch(`${t.url}/api/shopify/webhooks`, {
      method: "POST",
      headers: await shopifyWebhookHeaders({ shop, body, hmac }),
      body,
    });
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.text() };
  };
  const limit = RATE_LIMITS.authFailures.limit;
  const forged = [];
  for (let i = 0; i < limit + 5; i++) forged.push(await deliver(order(9000 + i), "AAAA" + "A".repeat(40)));
  assert.deepEqual(forged.slice(0, limit).map((r) => r.status), Array(limit).fill(401));
  assert.deepEqual(forged.slice(limit).map((r) => r.status), Array(5).fill(429));
  assert.ok(Number(forged[limit].retryAfter) > 0 && Number(forged[limit].retryAfter) <= 60, forged[limit].retryAfter!);
  // Forged Whop webhooks from the same address: refused with 429 too.
  const whop = await fetch(`${t.url}/api/webhooks/whop`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": "msg_x",
      "webhook-timestamp": "1",
      "webhook-signature": "v1,xx",
    },
    body: "{}",
  });
  await whop.body?.cancel();
  assert.equal(whop.status, 429);
  // A correctly signed delivery from the blocked address is verified first and applied.
  const body = order(4242);
  const signed = await deliver(body, await signBody("sandbox-secret", body));
  assert.equal(signed.status, 200, signed.body);
  assert.equal((await readParticipant(t, participant.id)).orders, 1);
  assert.equal((await sumStoredOrders(t.kv, participant.id)).revenue, 1000);
  // A bad user token counts as a failed authentication too.
  const badToken = await fetch(`${t.url}/api/user`, { headers: { "x-whop-user-token": "not-a-token" } });
  await badToken.body?.cancel();
  assert.equal(badToken.status, 429);

  // Sign-in starts: limited per address, and so are the OAuth states they leave in KV.
  const starts = [];
  for (let i = 0; i < RATE_LIMITS.signInStarts.limit + 3; i++) {
    const response = await fetch(`${t.url}/login`, { redirect: "manual" });
    await response.body?.cancel();
    starts.push(response.status);
  }
  assert.deepEqual(starts.slice(-3), [429, 429, 429]);
  assert.equal(starts.filter((s) => s === 302).length, RATE_LIMITS.signInStarts.limit);
  assert.equal((await Array.fromAsync(t.kv.list({ prefix: ["oauth_states"] }))).length, RATE_LIMITS.signInStarts.limit);
  // Another address is not affected (counters are per address).
  t.clock.advance(RATE_LIMITS.signInStarts.windowMs);
  const later = await fetch(`${t.url}/login`, { redirect: "manual" });
  await later.body?.cancel();
  assert.equal(later.status, 302, "a new window starts afresh");
});

Deno.test("security (medium) - one user cannot flood competitions, and unfunded cancelled ones are never listed", async () => {
  await using t = await createTestApp();
  const body = (i: number) => ({
    title: `FREE $500 - claim at evil.example ${i}`,
    prize: "500.00",
    currency: "USD",
    startDate: new Date(t.clock.now() + 2 * 3600_000).toISOString(),
    endDate: new Date(t.clock.now() + 30 * 3600_000).toISOString(),
  });
  const statuses = [];
  for (let i = 0; i < 30; i++) {
    const response = await t.request("/api/competitions", { method: "POST", userId: "user_spammer", json: body(i) });
    statuses.push(response.status);
    if (response.status === 429) assert.ok(Number(response.headers.get("retry-after")) > 0);
    await response.body?.cancel();
  }
  const limit = RATE_LIMITS.competitionCreation.limit;
  assert.deepEqual(statuses, [...Array(limit).fill(201), ...Array(30 - limit).fill(429)]);
  // The site's form counts against the same limit as the API.
  const form = await postForm(t, "/competitions/new", {
    title: "One more",
    prize: "5.00",
    currency: "USD",
    startDate: body(0).startDate.slice(0, 16),
    endDate: body(0).endDate.slice(0, 16),
  }, "user_spammer");
  assert.equal(form.status, 429);
  assert.ok(Number(form.headers.get("retry-after")) > 0);
  // Their start passes unfunded: the status job cancels them. Still nobody else's to see.
  const mine = await (await t.request("/api/competitions?creator=me", { userId: "user_spammer" })).json();
  for (const competition of mine.competitions) {
    await updateCompetition(t.kv, competition.id, t.clock.now(), "status", (c) => ({
      ...c,
      status: "CANCELLED",
      cancelReason: "unfunded",
    }));
  }
  for (
    const path of ["/api/competitions", "/api/competitions?status=CANCELLED", "/api/competitions?creator=user_spammer"]
  ) {
    const listed = await (await t.request(path, { userId: "user_other" })).json();
    assert.deepEqual(listed.competitions, [], path);
  }
  for (const path of ["/", "/?status=CANCELLED"]) {
    assert.doesNotMatch(await (await t.request(path)).text(), /evil\.example/, path);
  }
  const own = await (await t.request("/api/competitions?creator=me", { userId: "user_spammer" })).json();
  assert.equal(own.competitions.length, limit, "the creator still sees their own");
  // A competition cancelled after it was funded stays public.
  const funded = mine.competitions[0];
  await updateCompetition(t.kv, funded.id, t.clock.now(), "status", (c) => ({ ...c, fundsTxId: "pay_1" }));
  const cancelled = await (await t.request("/api/competitions?status=CANCELLED")).json();
  assert.deepEqual(cancelled.competitions.map((c: { id: string }) => c.id), [funded.id]);
});

Deno.test("security (low) - a draft's JSON, leaderboard, events and page are 404 to anyone but its creator", async () => {
  await using t = await createTestApp({}, { whop: true });
  const draft = await draftCompetition(t, "user_creator");
  for (const path of ["", "/leaderboard", "/events"]) {
    for (const userId of [undefined, "user_other"]) {
      const response = await fetch(`${t.url}/api/competitions/${draft.id}${path}`, {
        headers: userId ? { "x-whop-user-token": await t.signer.sign(userId) } : {},
      });
      assert.equal(response.status, 404, `${path} as ${userId}`);
      const text = await response.text();
      assert.doesNotMatch(text, /Holiday Cup|500\.00/, "neither title nor prize");
    }
  }
  assert.equal((await t.request(`/competitions/${draft.id}`)).status, 404);
  const own = await t.request(`/api/competitions/${draft.id}/leaderboard`, { userId: "user_creator" });
  assert.equal(own.status, 200);
  assert.equal((await own.json()).competition.title, "Holiday Cup");
});

Deno.test("security (low) - returnTo with a tab or newline on the sandbox start-now form: a path on this site, no 500", async () => {
  await using t = await createTestApp();
  for (const returnTo of ["/\t/evil.example", "/\n/evil.example", "/\r\nSet-Cookie: x=1"]) {
    const competition = await openCompetition(t, { upcoming: true, creatorId: "user_creator" });
    const response = await postForm(
      t,
      `/sandbox/competitions/${competition.id}/start-now`,
      { returnTo },
      "user_creator",
    );
    await response.body?.cancel();
    assert.equal(response.status, 303, JSON.stringify(returnTo));
    assert.equal(response.headers.get("location"), `/competitions/${competition.id}/manage`);
    assert.equal((await getCompetition(t.kv, competition.id)).status, "ACTIVE");
  }
});

Deno.test("security (low) - a 3,000-digit order id and a 3,000-character token sub are 400 and 401, never 500", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const body = JSON.stringify({
    id: "9".repeat(3000),
    created_at: new Date(t.clock.now()).toISOString(),
    updated_at: new Date(t.clock.now()).toISOString(),
    currency: "USD",
    current_total_price: "10.00",
  });
  const response = await fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: await shopifyWebhookHeaders({ shop: "any-shop.myshopify.com", body }),
    body,
  });
  assert.equal(response.status, 400, await response.text());
  const longId = await fetch(`${t.url}/api/shopify/webhooks`, {
    method: "POST",
    headers: await shopifyWebhookHeaders({ shop: "any-shop.myshopify.com", body: "{}", webhookId: "w".repeat(3000) }),
    body: "{}",
  });
  assert.equal(longId.status, 400, await longId.text());
  const token = await t.signer.sign("u".repeat(3000));
  const me = await fetch(`${t.url}/api/user`, { headers: { "x-whop-user-token": token } });
  assert.equal(me.status, 401, await me.text());
});

Deno.test("security (low) - an order beyond any real total is refused, so a store's total stays exact", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  const shop = "big-spender.myshopify.com";
  t.shopify!.createShop({ shop, currency: "USD" });
  await joinStore(t, competition.id, "merchant_a", shop);
  const participant = (await participantOf(t, competition.id, shop))!;
  await settledSync(t, participant.id);
  const deliver = async (id: number, total: string) => {
    const body = JSON.stringify({
      id,
      created_at: new Date(t.clock.now()).toISOString(),
      updated_at: new Date(t.clock.now()).toISOString(),
      currency: "USD",
      current_total_price: total,
    });
    const response = await fetch(`${t.url}/api/shopify/webhooks`, {
      method: "POST",
      headers: await shopifyWebhookHeaders({ shop, body }),
      body,
    });
    await response.body?.cancel();
    return response.status;
  };
  assert.equal(await deliver(1, "90071992547409.91"), 400);
  assert.equal(await deliver(2, "50.00"), 200);
  const stored = await readParticipant(t, participant.id);
  assert.equal(stored.revenue, 5000);
  assert.ok(Number.isSafeInteger(stored.revenue));
  assert.equal((await sumStoredOrders(t.kv, participant.id)).revenue, 5000);
});

Deno.test("security (low) - user tokens without exp, or issued a year ahead, are refused", async () => {
  await using t = await createTestApp({}, { whop: true });
  const { kid, privateJwk } = t.signer.signingKey;
  const key = await importJWK(privateJwk, "ES256");
  // Signed with the test app's real key: only the claims are at fault.
  const token = (claims: (jwt: SignJWT) => SignJWT) =>
    claims(
      new SignJWT({}).setProtectedHeader({ alg: "ES256", kid }).setIssuer(USER_TOKEN_ISSUER).setAudience("app_test")
        .setSubject("user_x"),
    ).sign(key);
  const now = Math.floor(Date.now() / 1000);
  const cases = [
    ["exp and iat: accepted", await token((jwt) => jwt.setIssuedAt(now).setExpirationTime(now + 600)), 200],
    ["no exp", await token((jwt) => jwt.setIssuedAt(now)), 401],
    [
      "iat a year ahead",
      await token((jwt) => jwt.setIssuedAt(now + 365 * 86_400).setExpirationTime(now + 400 * 86_400)),
      401,
    ],
    ["iat within a minute's skew", await token((jwt) => jwt.setIssuedAt(now + 30).setExpirationTime(now + 600)), 200],
  ] as const;
  for (const [what, jwt, status] of cases) {
    const response = await fetch(`${t.url}/api/competitions?creator=me`, { headers: { "x-whop-user-token": jwt } });
    assert.equal(response.status, status, `${what}: ${await response.text()}`);
  }
});

Deno.test("security (low) - a session id is kept only as its hash; the KV file is 0600 in a 0700 folder", async () => {
  await using t = await createTestApp();
  const id = await createSession(t.kv, "user_a", t.clock.ms);
  const stored = await Array.fromAsync(t.kv.list({ prefix: ["sessions"] }));
  assert.equal(stored.length, 1);
  assert.notEqual(stored[0].key[1], id);
  assert.ok(!JSON.stringify(stored).includes(id), "the cookie value appears nowhere in KV");
  assert.equal((await getSession(t.kv, id, t.clock.ms))?.userId, "user_a");
  const me = await t.request("/api/user", { headers: { cookie: `${sessionCookieName(t.config.appUrl)}=${id}` } });
  assert.equal(me.status, 200);

  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/data/cartbrawl.sqlite3`;
    const kv = await openKv(path);
    await kv.set(["x"], 1);
    kv.close();
    assert.equal((await Deno.stat(`${dir}/data`)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("security (low, sandbox) - sandbox mode listens on 127.0.0.1 unless LISTEN_ADDRESS says otherwise", () => {
  assert.equal(loadConfig({ SANDBOX: "1" }).listenAddress, "127.0.0.1");
  assert.equal(loadConfig({}).listenAddress, "127.0.0.1", "sandbox by default without credentials");
  assert.equal(loadConfig({ SANDBOX: "1", LISTEN_ADDRESS: "0.0.0.0" }).listenAddress, "0.0.0.0");
  const production = {
    ENCRYPTION_KEY: btoa(String.fromCharCode(...new Uint8Array(32))),
    SHOPIFY_API_KEY: "k",
    SHOPIFY_API_SECRET: "s",
    WHOP_API_KEY: "k",
    WHOP_APP_ID: "app",
    WHOP_COMPANY_ID: "biz",
    WHOP_WEBHOOK_SECRET: "w",
    WHOP_CLIENT_ID: "app",
    WHOP_CLIENT_SECRET: "c",
    APP_URL: "https://brawl.example.com",
  };
  assert.equal(loadConfig(production).listenAddress, "0.0.0.0");
  assert.throws(() => loadConfig({ LISTEN_ADDRESS: "evil host" }), /LISTEN_ADDRESS/);
});

Deno.test("security (rule) - a creator cannot enter their own competition", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t, { creatorId: "user_creator" });
  t.shopify!.createShop({ shop: "creator-store.myshopify.com", currency: "USD" });
  const api = await postJoin(t, competition.id, "user_creator", "creator-store.myshopify.com");
  assert.equal(api.status, 409);
  assert.match((await api.json()).error, /You created this competition, so you cannot enter it/);
  const form = await fetch(`${t.url}/api/competitions/${competition.id}/join`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: t.config.appUrl,
      "x-whop-user-token": await t.signer.sign("user_creator"),
    },
    body: new URLSearchParams({ shop: "creator-store.myshopify.com" }),
    redirect: "manual",
  });
  await form.body?.cancel();
  assert.equal(new URL(form.headers.get("location")!, t.url).searchParams.get("joinError"), "creator");
  const page = await (await t.request(`/competitions/${competition.id}?joinError=creator`)).text();
  assert.match(page, /role="alert">You created this competition, so you cannot enter it/);
  assert.equal(await participantOf(t, competition.id, "creator-store.myshopify.com"), undefined);
  // The rule lives where a participant is created, so no path around the route gets past it.
  await assert.rejects(
    createParticipant(t.kv, competition.id, {
      userId: "user_creator",
      shop: "creator-store.myshopify.com",
      displayName: "Mine",
      currency: "USD",
    }, t.clock.now()),
    (error: unknown) => error instanceof CannotJoinError && error.code === "creator",
  );
});

Deno.test("security (medium) - a webhook declaring more than 1 MB is refused before its body is read", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const { hostname, port } = new URL(t.url!);
  using conn = await Deno.connect({ hostname, port: Number(port) });
  // Headers for a 50 MB body, then only a few bytes of it: the answer must not wait for the rest.
  await conn.write(
    new TextEncoder().encode(
      `POST /api/shopify/webhooks HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${50 * 1024 * 1024}\r\nX-Shopify-Hmac-Sha256: x\r\n\r\n{"id":`,
    ),
  );
  const buffer = new Uint8Array(4096);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const read = await Promise.race([
    conn.read(buffer),
    new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), 5000)),
  ]);
  clearTimeout(timer);
  assert.ok(read, "answered without the body");
  assert.match(new TextDecoder().decode(buffer.subarray(0, read)), /^HTTP\/1\.1 413/);
});
