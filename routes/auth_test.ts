import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { keys } from "../lib/core/db.ts";
import { getUser } from "../lib/core/users.ts";
import { completeSignIn } from "../lib/whop/oauth.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { decodeJwt, SignJWT } from "jose";

const CREATOR = "user_CreatorBenR4k9p";
const OWNER = "user_OwnerCaraT8w3n";

function unescapeHtml(value: string): string {
  return value.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** A sign-in stopped at the app's callback: its path with query, and the binder cookie of the browser that began it. */
interface SignInFlow {
  path: string;
  cookie: string;
}

/** The sign-in binder cookie `/login` set (`name=value`). */
function binderCookie(response: Response): string {
  const header = response.headers.getSetCookie().find((c) => /cartbrawl_signin=/.test(c)) ?? "";
  const match = header.match(/^((?:__Host-)?cartbrawl_signin=[\w-]{43});/);
  assert.ok(match, header);
  assert.match(header, /HttpOnly/);
  assert.match(header, /SameSite=Lax/);
  assert.match(header, /Max-Age=600/);
  return match[1];
}

/**
 * Plays the browser through Whop's sign-in page: follows `/login` to the
 * authorize page, reads its form (hidden fields and the user buttons),
 * submits it as `userId` and returns the app's callback path with query and
 * the browser's binder cookie.
 */
async function throughWhop(t: TestApp, loginPath: string, userId = CREATOR): Promise<SignInFlow> {
  const login = await t.request(loginPath);
  assert.equal(login.status, 302);
  const cookie = binderCookie(login);
  const authorize = new URL(login.headers.get("location")!);
  assert.equal(authorize.origin + authorize.pathname, `${t.whop!.origin}/oauth/authorize`);
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
  assert.equal(authorize.searchParams.get("redirect_uri"), `${t.config.appUrl}/auth/callback`);
  assert.match(authorize.searchParams.get("scope") ?? "", /\bopenid\b/);
  assert.match(authorize.searchParams.get("nonce") ?? "", /^[\w-]{32}$/, "a nonce goes with openid");

  const page = await fetch(authorize);
  assert.equal(page.status, 200);
  const html = await page.text();
  const form = html.match(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/);
  assert.ok(form, "the authorize page has a form");
  const fields = new URLSearchParams();
  for (const [, name, value] of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(name, unescapeHtml(value));
  }
  const users = [...form[2].matchAll(/name="user_id" value="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(users.includes(userId), `the page offers ${userId}`);
  fields.set("user_id", userId);
  const chosen = await fetch(new URL(form[1], authorize), { method: "POST", body: fields, redirect: "manual" });
  await chosen.body?.cancel();
  assert.equal(chosen.status, 302);
  const callback = new URL(chosen.headers.get("location")!);
  assert.equal(callback.origin + callback.pathname, `${t.config.appUrl}/auth/callback`);
  return { path: callback.pathname + callback.search, cookie };
}

/** Opens the callback as the browser that began the sign-in. */
function finish(t: TestApp, flow: SignInFlow): Promise<Response> {
  return t.request(flow.path, { headers: { cookie: flow.cookie } });
}

function sessionCookie(response: Response): string {
  const header = response.headers.getSetCookie().find((c) => /cartbrawl_session=/.test(c)) ?? "";
  const match = header.match(/^(cartbrawl_session=[0-9a-f]{64});/);
  assert.ok(match, header);
  return match[1];
}

Deno.test("auth - sign-in round trip through Whop OAuth with PKCE sets a session cookie", async () => {
  await using t = await createTestApp({}, { whop: true });
  const flow = await throughWhop(t, "/login?returnTo=%2Fcompetitions%2Fnew%3Ftab%3D1");
  const signedIn = await finish(t, flow);
  assert.equal(signedIn.status, 303);
  assert.equal(signedIn.headers.get("location"), "/competitions/new?tab=1");
  assert.ok(signedIn.headers.getSetCookie().some((c) => /^cartbrawl_signin=;/.test(c)), "the binder is cleared");
  const setCookie = signedIn.headers.getSetCookie().find((c) => /cartbrawl_session=/.test(c)) ?? "";
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  assert.match(setCookie, /Path=\//);
  assert.doesNotMatch(setCookie, /Secure/, "http APP_URL: no Secure, no __Host- prefix");
  const cookie = sessionCookie(signedIn);

  const user = await getUser(t.kv, CREATOR);
  assert.equal(user.name, "Ben Builder");
  assert.equal(user.username, "ben_builds");
  const me = await t.request("/api/user", { headers: { cookie } });
  assert.equal(me.status, 200);
  const profile = await me.json();
  assert.equal(profile.id, CREATOR);
  assert.equal(profile.name, "Ben Builder");
  // Read with the user's own access token from this sign-in (the app's key may not read a user's ledger).
  assert.deepEqual(profile.balance, { amount: "10000.00", currency: "USD" });
  assert.equal(profile.balances.length, 2);
  const sessions = await Array.fromAsync(t.kv.list<{ whopAccess?: { sealed: string } }>({ prefix: ["sessions"] }));
  assert.match(sessions[0].value.whopAccess?.sealed ?? "", /^v1\./, "the token is kept sealed in the session");
  // Whop not answering, or the token expired: the balance is unknown (null), never an error.
  t.whop!.faults.failNext("ledgerAccounts.retrieve", 1, 503);
  assert.equal((await (await t.request("/api/user", { headers: { cookie } })).json()).balance, null);
  t.clock.advance(2 * 3600_000);
  const expired = await t.request("/api/user", { headers: { cookie } });
  assert.equal(expired.status, 200);
  assert.equal((await expired.json()).balance, null);

  const logout = await t.request("/logout", {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: t.config.appUrl },
    body: "",
  });
  assert.equal(logout.status, 303);
  assert.equal(logout.headers.get("location"), "/");
  assert.match(logout.headers.get("set-cookie") ?? "", /cartbrawl_session=;/);
  assert.equal((await t.request("/api/user", { headers: { cookie } })).status, 401);
});

Deno.test("auth - a replayed state is refused and creates no second session", async () => {
  await using t = await createTestApp({}, { whop: true });
  const flow = await throughWhop(t, "/login");
  const first = await finish(t, flow);
  assert.equal(first.status, 303);
  assert.equal(first.headers.get("location"), "/", "a newcomer with no page to go back to lands on browse");
  const replay = await finish(t, flow);
  assert.equal(replay.status, 400);
  assert.ok(!replay.headers.getSetCookie().some((c) => /cartbrawl_session=/.test(c)), "no session cookie");
  assert.match(await replay.text(), /expired or was already used/);
  const sessions = await Array.fromAsync(t.kv.list({ prefix: ["sessions"] }));
  assert.equal(sessions.length, 1);
  const states = await Array.fromAsync(t.kv.list({ prefix: ["oauth_states"] }));
  assert.equal(states.length, 0, "the state was deleted on use");
});

Deno.test("auth - signing in again in the same browser ends its previous session", async () => {
  await using t = await createTestApp({}, { whop: true });
  const first = sessionCookie(await finish(t, await throughWhop(t, "/login")));
  assert.equal((await t.request("/api/user", { headers: { cookie: first } })).status, 200);
  const again = await throughWhop(t, "/login", OWNER);
  const second = sessionCookie(
    await t.request(again.path, { headers: { cookie: `${again.cookie}; ${first}` } }),
  );
  assert.notEqual(second, first);
  assert.equal((await t.request("/api/user", { headers: { cookie: first } })).status, 401, "the old session is gone");
  const me = await t.request("/api/user", { headers: { cookie: second } });
  assert.equal((await me.json()).id, OWNER);
  assert.equal((await Array.fromAsync(t.kv.list({ prefix: ["sessions"] }))).length, 1);
});

Deno.test("auth - denied, expired, unknown and forged states get clear errors", async () => {
  await using t = await createTestApp({}, { whop: true });
  // The callback is a browser page: its errors are HTML pages with the sentence.
  const api = async (path: string, cookie = "") => {
    const res = await fetch(`${t.url}${path}`, { redirect: "manual", headers: { cookie } });
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    return { status: res.status, error: await res.text() };
  };
  // Denied on Whop: the state is spent and the message says so.
  const login = await t.request("/login");
  const state = new URL(login.headers.get("location")!).searchParams.get("state")!;
  const denied = await api(`/auth/callback?error=access_denied&state=${state}`, binderCookie(login));
  assert.equal(denied.status, 400);
  assert.match(denied.error ?? "", /cancelled on Whop/);
  assert.equal((await t.kv.get(keys.oauthState(state))).value, null);

  // Expired: more than ten minutes between /login and the callback.
  const flow = await throughWhop(t, "/login");
  t.clock.advance(11 * 60_000);
  const expired = await api(flow.path, flow.cookie);
  assert.equal(expired.status, 400);
  assert.match(expired.error ?? "", /expired/);

  const unknown = await api("/auth/callback?code=abc&state=not-a-state");
  assert.equal(unknown.status, 400);
  assert.match(unknown.error ?? "", /expired or was already used/);
  const missing = await api("/auth/callback?code=abc");
  assert.equal(missing.status, 400);
  assert.match(missing.error ?? "", /incomplete/);
});

Deno.test("auth - returnTo stays on this origin", async () => {
  await using t = await createTestApp({}, { whop: true });
  for (const returnTo of ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
    const res = await finish(t, await throughWhop(t, `/login?returnTo=${encodeURIComponent(returnTo)}`));
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/", returnTo);
  }
});

Deno.test("auth - https APP_URL: Secure cookie with the __Host- prefix", async () => {
  await using t = await createTestApp({ APP_URL: "https://cartbrawl.example" }, { whop: true });
  const login = await t.request("/login");
  const authorize = new URL(login.headers.get("location")!);
  assert.equal(authorize.searchParams.get("redirect_uri"), "https://cartbrawl.example/auth/callback");
  const flow = await throughWhop(t, "/login");
  assert.match(flow.cookie, /^__Host-cartbrawl_signin=/);
  const res = await finish(t, flow);
  assert.equal(res.status, 303);
  const setCookie = res.headers.getSetCookie().find((c) => /cartbrawl_session=/.test(c)) ?? "";
  assert.match(setCookie, /^__Host-cartbrawl_session=[0-9a-f]{64};/);
  assert.match(setCookie, /Secure/);
  assert.match(setCookie, /HttpOnly/);
});

Deno.test("auth - the id_token must carry this sign-in's nonce", async () => {
  await using t = await createTestApp({}, { whop: true });
  // Whop's answer, passed through unchanged, or with its id_token swapped for one carrying another nonce.
  const relay = (nonce?: string): typeof fetch => async (input, init) => {
    const response = await fetch(input, init);
    if (!nonce || !String(input).endsWith("/oauth/token")) return response;
    const tokens = await response.json();
    const payload = decodeJwt(tokens.id_token);
    tokens.id_token = await new SignJWT({ ...payload, nonce }).setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("any"));
    return Response.json(tokens, { status: response.status });
  };
  const params = (flow: { path: string; cookie: string }) => {
    const query = new URL(flow.path, "http://x").searchParams;
    return {
      code: query.get("code") ?? undefined,
      state: query.get("state") ?? undefined,
      binder: flow.cookie.split("=")[1],
    };
  };
  const deps = { kv: t.kv, config: t.config, now: t.clock.now };
  const signedIn = await completeSignIn({ ...deps, fetch: relay() }, params(await throughWhop(t, "/login")));
  assert.equal(signedIn.identity.id, CREATOR, "Whop's own id_token carries the nonce sent");
  await assert.rejects(
    completeSignIn({ ...deps, fetch: relay("someone-elses-nonce") }, params(await throughWhop(t, "/login"))),
    /could not be verified/,
  );
});

Deno.test("auth - with no page to go back to, a creator lands on Created and a store owner on Entered", async () => {
  await using t = await createTestApp({}, { whop: true });
  await activeCompetition(t.kv, { start: t.clock.now() - 60_000, creatorId: CREATOR, stores: 1, ownerOf: () => OWNER });
  const land = async (userId: string) =>
    (await finish(t, await throughWhop(t, "/login", userId))).headers.get("location");
  assert.equal(await land(CREATOR), "/dashboard");
  assert.equal(await land(OWNER), "/my-competitions");
  const returning = await finish(t, await throughWhop(t, "/login?returnTo=%2Fcompetitions%2Fnew", OWNER));
  assert.equal(returning.headers.get("location"), "/competitions/new", "a page to go back to wins");
});
