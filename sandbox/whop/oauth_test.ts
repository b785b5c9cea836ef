import assert from "node:assert/strict";
import { jwtVerify } from "jose";
import { pkceChallenge } from "./oauth_grants.ts";
import type { WhopSandbox } from "./sandbox.ts";
import { sdkFor, startTestSandbox, TEST_SETTINGS } from "../../testing/whop_sandbox.ts";

const REDIRECT = "http://127.0.0.1:8000/auth/callback";
const CREATOR = "user_CreatorBenR4k9p";

/** Plays the browser: opens the authorize page, picks `userId`, returns the callback URL. */
async function signIn(
  sandbox: WhopSandbox,
  verifier: string,
  userId = CREATOR,
): Promise<URL> {
  const params = new URLSearchParams({
    response_type: "code",
    client_id: TEST_SETTINGS.clientId,
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    state: "state-123",
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: "S256",
    nonce: "nonce-456",
  });
  const pageResponse = await fetch(`${sandbox.origin}/oauth/authorize?${params}`);
  const pageHtml = await pageResponse.text();
  assert.equal(pageResponse.status, 200);
  assert.match(pageHtml, new RegExp(`value="${userId}"`));
  params.set("user_id", userId);
  const chosen = await fetch(`${sandbox.origin}/oauth/authorize`, {
    method: "POST",
    body: params,
    redirect: "manual",
  });
  await chosen.body?.cancel();
  assert.equal(chosen.status, 302);
  return new URL(chosen.headers.get("location")!);
}

function exchange(sandbox: WhopSandbox, fields: Record<string, string>) {
  return fetch(`${sandbox.origin}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      redirect_uri: REDIRECT,
      client_id: TEST_SETTINGS.clientId,
      client_secret: TEST_SETTINGS.clientSecret,
      ...fields,
    }),
  });
}

Deno.test("whop sandbox - OAuth PKCE sign-in round trip, userinfo and /users/me", async () => {
  const sandbox = await startTestSandbox();
  try {
    const verifier = "verifier-".padEnd(64, "x");
    const callback = await signIn(sandbox, verifier);
    assert.equal(callback.origin + callback.pathname, REDIRECT);
    assert.equal(callback.searchParams.get("state"), "state-123");
    const code = callback.searchParams.get("code")!;

    const response = await exchange(sandbox, { code, code_verifier: verifier });
    const tokens = await response.json();
    assert.equal(response.status, 200);
    assert.equal(tokens.token_type, "Bearer");
    assert.equal(tokens.expires_in, 3600);
    assert.ok(tokens.refresh_token);
    const { payload } = await jwtVerify(
      tokens.id_token,
      new TextEncoder().encode(TEST_SETTINGS.clientSecret),
      { issuer: sandbox.origin, audience: TEST_SETTINGS.clientId },
    );
    assert.equal(payload.sub, CREATOR);
    assert.equal(payload.nonce, "nonce-456");

    const info = await (await fetch(`${sandbox.origin}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })).json();
    assert.deepEqual(info, {
      sub: CREATOR,
      name: "Ben Builder",
      preferred_username: "ben_builds",
      email: "ben@creators.example",
      email_verified: true,
    });

    const asUser = sdkFor(sandbox, { apiKey: tokens.access_token });
    const me = await asUser.users.retrieve("me");
    assert.equal(me.id, CREATOR);
    assert.deepEqual(
      me.balance?.cash.map((c) => [c.currency, c.balance]),
      [["usd", 10_000], ["eur", 10_000]],
    );

    const refreshed = await (await fetch(`${sandbox.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        client_id: TEST_SETTINGS.clientId,
      }),
    })).json();
    assert.ok(refreshed.access_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);

    const unauthenticated = await fetch(`${sandbox.origin}/oauth/userinfo`);
    assert.equal(unauthenticated.status, 401);
    await unauthenticated.body?.cancel();
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - OAuth refuses a wrong code_verifier and a reused code", async () => {
  const sandbox = await startTestSandbox();
  try {
    const verifier = "right-verifier-".padEnd(60, "r");
    const wrong = await exchange(sandbox, {
      code: (await signIn(sandbox, verifier)).searchParams.get("code")!,
      code_verifier: "wrong-verifier-".padEnd(60, "w"),
    });
    assert.equal(wrong.status, 400);
    assert.equal((await wrong.json()).error, "invalid_grant");

    const code = (await signIn(sandbox, verifier)).searchParams.get("code")!;
    const first = await exchange(sandbox, { code, code_verifier: verifier });
    const { access_token } = await first.json();
    assert.equal(first.status, 200);

    const reused = await exchange(sandbox, { code, code_verifier: verifier });
    assert.equal(reused.status, 400);
    assert.equal((await reused.json()).error, "invalid_grant");
    const revoked = await fetch(`${sandbox.origin}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.equal(revoked.status, 401, "reuse revokes the token it bought");
    await revoked.body?.cancel();

    const badSecret = await exchange(sandbox, {
      code: (await signIn(sandbox, verifier)).searchParams.get("code")!,
      code_verifier: verifier,
      client_secret: "not-the-secret",
    });
    assert.equal(badSecret.status, 401);
    assert.equal((await badSecret.json()).error, "invalid_client");
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - OAuth codes expire after five minutes", async () => {
  let now = Date.parse("2025-05-01T12:00:00Z");
  const sandbox = await startTestSandbox({ now: () => now });
  try {
    const verifier = "clock-verifier-".padEnd(60, "c");
    const code = (await signIn(sandbox, verifier)).searchParams.get("code")!;
    now += 5 * 60_000 + 1;
    const late = await exchange(sandbox, { code, code_verifier: verifier });
    assert.equal(late.status, 400);
    assert.match((await late.json()).error_description, /expired/);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - OAuth authorize without PKCE redirects back with an error", async () => {
  const sandbox = await startTestSandbox();
  try {
    const params = new URLSearchParams({
      response_type: "code",
      client_id: TEST_SETTINGS.clientId,
      redirect_uri: REDIRECT,
      state: "s1",
    });
    const response = await fetch(
      `${sandbox.origin}/oauth/authorize?${params}`,
      { redirect: "manual" },
    );
    await response.body?.cancel();
    const location = new URL(response.headers.get("location")!);
    assert.equal(location.searchParams.get("error"), "invalid_request");
    assert.equal(location.searchParams.get("state"), "s1");

    // With openid, a nonce is required (Whop's OAuth guide): refused without one.
    params.set("code_challenge", "x".repeat(43));
    params.set("code_challenge_method", "S256");
    params.set("scope", "openid profile");
    const noNonce = await fetch(`${sandbox.origin}/oauth/authorize?${params}`, { redirect: "manual" });
    await noNonce.body?.cancel();
    assert.equal(
      new URL(noNonce.headers.get("location")!).searchParams.get("error_description"),
      "nonce is required with the openid scope",
    );
    params.set("nonce", "n1");
    const withNonce = await fetch(`${sandbox.origin}/oauth/authorize?${params}`, { redirect: "manual" });
    assert.equal(withNonce.status, 200, "the sign-in page");
    await withNonce.body?.cancel();

    params.set("client_id", "someone_else");
    const unknown = await fetch(`${sandbox.origin}/oauth/authorize?${params}`);
    assert.equal(unknown.status, 400);
    await unknown.body?.cancel();
  } finally {
    await sandbox.close();
  }
});
