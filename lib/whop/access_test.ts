import assert from "node:assert/strict";
import { createTestApp } from "../../testing/test_app.ts";
import { communityAccess, communityJoin, whopWebOrigin } from "./access.ts";

Deno.test("whopWebOrigin - Whop's website for its API origin; a simulator's own origin", () => {
  assert.equal(whopWebOrigin("https://api.whop.com"), "https://whop.com");
  assert.equal(whopWebOrigin("https://sandbox-api.whop.com"), "https://sandbox.whop.com");
  assert.equal(whopWebOrigin("http://127.0.0.1:4100"), "http://127.0.0.1:4100");
});

Deno.test("community access - an outsider learns where to join; once joined, the community's page lets them in at once", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = t.whop!;
  whop.experiences.add({ id: "exp_JoinClub0001", name: "Join Club", members: {} });
  const deps = { kv: t.kv, whop: t.deps.whop, whopOrigin: t.config.whop.origin };
  assert.equal(await communityAccess(deps, "exp_JoinClub0001", "user_Late01"), "none");
  const join = await communityJoin(deps, "exp_JoinClub0001");
  assert.equal(join?.name, "Join Club");
  assert.equal(join?.url, new URL("/cartbrawl-sandbox", whopWebOrigin(t.config.whop.origin)).href);
  assert.equal(await communityJoin(deps, "exp_NoSuchClub01"), null, "an unknown community");

  whop.experiences.setMember("exp_JoinClub0001", "user_Late01", "customer");
  // Other reads keep the remembered answer for its minute; the community's page asks again.
  assert.equal(await communityAccess(deps, "exp_JoinClub0001", "user_Late01"), "none");
  assert.equal(await communityAccess(deps, "exp_JoinClub0001", "user_Late01", { recheckOutsider: true }), "member");
});
