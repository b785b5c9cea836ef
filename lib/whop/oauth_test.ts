import assert from "node:assert/strict";
import { keys } from "../core/db.ts";
import { consumeOAuthState, DEFAULT_RETURN_TO, OAUTH_STATE_TTL_MS, pkceChallenge, safeReturnTo } from "./oauth.ts";

Deno.test("oauth - PKCE S256 challenge matches RFC 7636's example", async () => {
  assert.equal(
    await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("oauth - returnTo keeps same-origin paths only", () => {
  const app = "https://cartbrawl.example";
  assert.equal(safeReturnTo("/competitions/new?x=1#top", app), "/competitions/new?x=1#top");
  for (const bad of [undefined, "", "https://evil.example", "//evil.example", "/\\evil", "javascript:x", "dashboard"]) {
    assert.equal(safeReturnTo(bad, app), DEFAULT_RETURN_TO, String(bad));
  }
});

Deno.test("oauth - a state is used once, even by concurrent callbacks, and expires after ten minutes", async () => {
  using kv = await Deno.openKv(":memory:");
  const value = { verifier: "v", returnTo: "/", createdAt: new Date(1000).toISOString() };
  await kv.set(keys.oauthState("s1"), value);
  const results = await Promise.allSettled([
    consumeOAuthState(kv, "s1", 2000),
    consumeOAuthState(kv, "s1", 2000),
    consumeOAuthState(kv, "s1", 2000),
  ]);
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  await kv.set(keys.oauthState("s2"), value);
  await assert.rejects(consumeOAuthState(kv, "s2", 1000 + OAUTH_STATE_TTL_MS), /expired/);
  assert.equal((await kv.get(keys.oauthState("s2"))).value, null);
});
