import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";

const body = {
  title: "Holiday Cup",
  prize: "500.00",
  currency: "USD",
  startDate: "2026-12-02T00:00:00Z",
  endDate: "2026-12-09T00:00:00Z",
};

Deno.test("competitions api - create needs a valid Whop user token", async () => {
  await using t = await createTestApp();
  const anonymous = await t.request("/api/competitions", { method: "POST", json: body });
  assert.equal(anonymous.status, 401);
  assert.equal((await anonymous.json()).error, "Sign in with Whop to do that.");
  const forged = await t.request("/api/competitions", {
    method: "POST",
    json: body,
    headers: { "x-whop-user-token": await t.signer.sign("user_a", { audience: "another_app" }) },
  });
  assert.equal(forged.status, 401);
  assert.equal((await forged.json()).error, "The Whop user token is not valid.");
  const expired = await t.request("/api/competitions", {
    method: "POST",
    json: body,
    headers: { "x-whop-user-token": await t.signer.sign("user_a", { ttlSeconds: -60 }) },
  });
  assert.equal(expired.status, 401);
});

Deno.test("competitions api - create, read and list", async () => {
  await using t = await createTestApp();
  const res = await t.request("/api/competitions", { method: "POST", userId: "user_a", json: body });
  assert.equal(res.status, 201);
  const { competition } = await res.json();
  assert.equal(competition.status, "DRAFT");
  assert.equal(competition.prize, "500.00");
  assert.equal(competition.creatorId, "user_a");
  assert.ok(res.headers.get("x-request-id"));
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");

  const one = await (await t.request(`/api/competitions/${competition.id}`, { userId: "user_a" })).json();
  assert.equal(one.competition.title, "Holiday Cup");
  // A draft is its creator's alone: anyone else reads 404, as for an unknown id.
  assert.equal((await t.request(`/api/competitions/${competition.id}`)).status, 404);
  assert.equal((await t.request(`/api/competitions/${competition.id}`, { userId: "user_b" })).status, 404);
  const drafts = await (await t.request("/api/competitions?status=draft", { userId: "user_a" })).json();
  assert.deepEqual(drafts.competitions.map((c: { id: string }) => c.id), [competition.id]);
  const otherDrafts = await (await t.request("/api/competitions?status=DRAFT", { userId: "user_b" })).json();
  assert.deepEqual(otherDrafts.competitions, []);
  const visible = await (await t.request("/api/competitions")).json();
  assert.deepEqual(visible.competitions, [], "drafts are not listed publicly");
  const mine = await (await t.request("/api/competitions?creator=me", { userId: "user_a" })).json();
  assert.equal(mine.competitions.length, 1);
  assert.equal((await t.request("/api/competitions?status=BOGUS")).status, 400);
  assert.equal((await t.request("/api/competitions/nope")).status, 404);
});

Deno.test("competitions api - invalid input answers 400 with every issue", async () => {
  await using t = await createTestApp();
  const res = await t.request("/api/competitions", {
    method: "POST",
    userId: "user_a",
    json: { ...body, title: "ab", prize: "12.345", startDate: "2026-12-01T00:00:00Z" },
  });
  assert.equal(res.status, 400);
  const error = await res.json();
  assert.equal(error.error, "Some fields need attention.");
  assert.deepEqual(error.issues.map((i: { path: string }) => i.path).sort(), ["prize", "startDate", "title"]);
  const notJson = await t.request("/api/competitions", {
    method: "POST",
    userId: "user_a",
    body: "{",
    headers: { "content-type": "application/json" },
  });
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).error, "The request body must be valid JSON.");
});

Deno.test("competitions api - only currencies Whop lists: ISK is refused naming it, JPY and INR are taken", async () => {
  await using t = await createTestApp();
  const create = (json: Record<string, unknown>) =>
    t.request("/api/competitions", { method: "POST", userId: "user_a", json: { ...body, ...json } });
  const isk = await create({ currency: "ISK", prize: "50000" });
  assert.equal(isk.status, 400);
  const { issues } = await isk.json();
  assert.deepEqual(issues.map((i: { path: string }) => i.path), ["currency"]);
  assert.match(issues[0].message, /^Whop cannot take or pay out prizes in ISK; choose a currency Whop supports/);
  // An edit cannot move a draft to a currency Whop refuses either.
  const jpy = await create({ currency: "JPY", prize: "50000" });
  assert.equal(jpy.status, 201);
  const { competition } = await jpy.json();
  assert.equal(competition.currency, "JPY");
  const moved = await t.request(`/api/competitions/${competition.id}`, {
    method: "PATCH",
    userId: "user_a",
    json: { currency: "isk" },
  });
  assert.equal(moved.status, 400);
  assert.match((await moved.json()).issues[0].message, /prizes in ISK/);
  assert.equal((await create({ currency: "inr", prize: "2500.00" })).status, 201);
  // Whop's crypto units are not ISO 4217 currencies: refused as any other code the app does not know.
  assert.equal((await create({ currency: "BTC" })).status, 400);
});

Deno.test("competitions api - edit and cancel are the creator's, before the start", async () => {
  await using t = await createTestApp();
  const { competition } = await (await t.request("/api/competitions", { method: "POST", userId: "user_a", json: body }))
    .json();
  const path = `/api/competitions/${competition.id}`;
  // A draft exists only for its creator: anyone else's edit or cancel finds nothing (404), as every read does.
  assert.equal((await t.request(path, { method: "PATCH", userId: "user_b", json: { title: "Mine" } })).status, 404);
  const edited = await t.request(path, { method: "PATCH", userId: "user_a", json: { title: "Winter Cup" } });
  assert.equal(edited.status, 200);
  assert.equal((await edited.json()).competition.title, "Winter Cup");
  assert.equal((await t.request(`${path}/cancel`, { method: "POST", userId: "user_b" })).status, 404);
  const cancelled = await t.request(`${path}/cancel`, { method: "POST", userId: "user_a" });
  assert.equal((await cancelled.json()).competition.status, "CANCELLED");
  const again = await t.request(`${path}/cancel`, { method: "POST", userId: "user_a" });
  assert.equal(again.status, 409);
  assert.match((await again.json()).error, /cancelled; its rules are locked/);
});

Deno.test("competitions api - bodies over the limit answer 413", async () => {
  await using t = await createTestApp();
  const res = await t.request("/api/competitions", {
    method: "POST",
    userId: "user_a",
    json: { ...body, description: "x".repeat(70 * 1024) },
  });
  assert.equal(res.status, 413);
  assert.match((await res.json()).error, /larger than 64 KB/);
});

Deno.test("competitions api - leaderboard of an empty competition", async () => {
  await using t = await createTestApp();
  const { competition } = await (await t.request("/api/competitions", { method: "POST", userId: "user_a", json: body }))
    .json();
  const board = await (await t.request(`/api/competitions/${competition.id}/leaderboard`, { userId: "user_a" })).json();
  assert.deepEqual(board.entries, []);
  assert.equal(board.competition.id, competition.id);
  assert.ok(Date.parse(board.updatedAt));
});

Deno.test("health - answers ok when KV answers", async () => {
  await using t = await createTestApp();
  const res = await t.request("/healthz");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true });
});
