import assert from "node:assert/strict";
import { keys } from "../core/db.ts";
import { consumeOAuthState, OAUTH_STATE_TTL_MS, pkceChallenge } from "./oauth.ts";

Deno.test("oauth - PKCE S256 challenge matches RFC 7636's example", async () => {
  assert.equal(
    await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("oauth - a state is used once, even by concurrent callbacks, and expires after ten minutes", async () => {
  using kv = await Deno.openKv(":memory:");
  const binder = "binder-of-this-browser";
  const value = {
    verifier: "v",
    returnTo: "/",
    createdAt: new Date(1000).toISOString(),
    binderHash: await pkceChallenge(binder),
    nonce: "n",
  };
  await kv.set(keys.oauthState("s1"), value);
  const results = await Promise.allSettled([
    consumeOAuthState(kv, "s1", binder, 2000),
    consumeOAuthState(kv, "s1", binder, 2000),
    consumeOAuthState(kv, "s1", binder, 2000),
  ]);
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  await kv.set(keys.oauthState("s2"), value);
  await assert.rejects(consumeOAuthState(kv, "s2", binder, 1000 + OAUTH_STATE_TTL_MS), /expired/);
  assert.equal((await kv.get(keys.oauthState("s2"))).value, null);
});

Deno.test("oauth - a state presented without its browser's binder is refused and left for that browser", async () => {
  using kv = await Deno.openKv(":memory:");
  const value = {
    verifier: "v",
    returnTo: "/",
    createdAt: new Date(1000).toISOString(),
    binderHash: await pkceChallenge("the-starting-browser"),
    nonce: "n",
  };
  await kv.set(keys.oauthState("s"), value);
  for (const binder of [undefined, "", "another-browser", "x".repeat(300)]) {
    await assert.rejects(consumeOAuthState(kv, "s", binder, 2000), /not started in this browser/, String(binder));
  }
  assert.equal((await consumeOAuthState(kv, "s", "the-starting-browser", 2000)).verifier, "v");
});
