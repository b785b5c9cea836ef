/**
 * Errors one way: every refusal the app answers, whoever raised it (the edge
 * validator, a use-case, a middleware, the Shopify webhook route, an unknown
 * path, the health check), carries the request id of the `x-request-id`
 * header, in the JSON body under `/api` and on the HTML error page elsewhere.
 */
import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { createTestApp } from "../testing/test_app.ts";
import { postForm } from "../testing/page_fixtures.ts";
import { openCompetition, shopifyWebhookHeaders } from "../testing/shopify.ts";

const RULES = {
  title: "Holiday Cup",
  prize: "500.00",
  currency: "USD",
  startDate: "2026-12-02T00:00:00Z",
  endDate: "2026-12-09T00:00:00Z",
};

/** The response's JSON error, checked to carry the response's request id. */
async function errorOf(response: Response, status: number, what: string) {
  assert.equal(response.status, status, what);
  const requestId = response.headers.get("x-request-id");
  assert.ok(requestId, `${what}: a request id header`);
  const body = await response.json();
  assert.equal(typeof body.error, "string", `${what}: a sentence`);
  assert.equal(body.requestId, requestId, `${what}: the body's request id is the header's`);
  return body;
}

Deno.test("errors - every JSON error body carries the request id, whoever refused the request", async () => {
  await using t = await createTestApp();
  const post = (json: unknown, userId = "user_a") => t.request("/api/competitions", { method: "POST", userId, json });

  const invalid = await errorOf(await post({ ...RULES, title: "ab" }), 400, "an invalid competition");
  assert.deepEqual(invalid.issues.map((issue: { path: string }) => issue.path), ["title"]);
  const notObject = await errorOf(await post(["a list"]), 400, "a body that is not an object");
  assert.equal(notObject.error, "The request body must be a JSON object.");
  const malformed = await t.request("/api/competitions", {
    method: "POST",
    userId: "user_a",
    headers: { "content-type": "application/json" },
    body: "{",
  });
  assert.equal((await errorOf(malformed, 400, "malformed JSON")).error, "The request body must be valid JSON.");
  const plain = await t.request("/api/competitions", {
    method: "POST",
    userId: "user_a",
    body: JSON.stringify({ ...RULES, prize: "-1" }),
  });
  const asText = await errorOf(plain, 400, "JSON sent as text/plain: read as JSON, then refused by the rules");
  assert.deepEqual(asText.issues.map((issue: { path: string }) => issue.path), ["prize"]);
  const query = await t.request("/api/competitions?status=BOGUS");
  assert.deepEqual((await errorOf(query, 400, "a bad query")).issues.map((i: { path: string }) => i.path), ["status"]);

  await errorOf(await post(RULES, ""), 401, "signed out");
  await errorOf(await t.request("/api/competitions/nope"), 404, "an unknown competition");
  await errorOf(await t.request("/api/no-such-route"), 404, "an unknown path");
  const upcoming = await openCompetition(t, { upcoming: true, creatorId: "user_a" });
  const path = `/api/competitions/${upcoming.id}`;
  await errorOf(
    await t.request(path, { method: "PATCH", userId: "user_b", json: { title: "Mine" } }),
    403,
    "another's",
  );
  await t.request(`${path}/cancel`, { method: "POST", userId: "user_a" });
  await errorOf(await t.request(`${path}/cancel`, { method: "POST", userId: "user_a" }), 409, "cancelled twice");
  await errorOf(await post({ ...RULES, description: "x".repeat(70 * 1024) }), 413, "a body over the limit");
  const crossSite = await postForm(t, "/api/notifications/read", {}, "user_a", "https://evil.example");
  await errorOf(crossSite, 403, "a form posted from another site");
});

Deno.test("errors - the Shopify webhook route refuses with the app's errors, request id included", async () => {
  await using t = await createTestApp();
  const deliver = (headers: Record<string, string>, body: string) =>
    t.request("/api/shopify/webhooks", { method: "POST", headers, body });
  const body = JSON.stringify({ id: 1 });
  const signed = await shopifyWebhookHeaders({ shop: "a-store.myshopify.com", body });

  const { "x-shopify-topic": _, ...noTopic } = signed;
  const missing = await errorOf(await deliver(noTopic, body), 400, "no topic");
  assert.equal(missing.error, "X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Webhook-Id are required.");
  await errorOf(await deliver({ ...signed, "x-shopify-topic": "t".repeat(101) }, body), 400, "a topic too long");
  const notJson = await shopifyWebhookHeaders({ shop: "a-store.myshopify.com", body: "{" });
  assert.equal(
    (await errorOf(await deliver(notJson, "{"), 400, "a body that is not JSON")).error,
    "The body is not JSON.",
  );
  await errorOf(await deliver({ ...signed, "x-shopify-hmac-sha256": "forged" }, body), 401, "a forged signature");
});

Deno.test("errors - the health check and the HTML error pages carry the request id too", async () => {
  await using t = await createTestApp();
  const page = await t.request("/competitions/nope", { headers: { "x-request-id": "req-0123456789" } });
  assert.equal(page.status, 404);
  assert.match(await page.text(), /Request id: req-0123456789/);

  const kv = await Deno.openKv(":memory:");
  const app = createApp({ ...t.deps, kv });
  kv.close();
  const health = await app.request("/healthz");
  assert.equal(health.status, 503);
  const body = await health.json();
  assert.equal(body.ok, false);
  assert.equal(body.requestId, health.headers.get("x-request-id"));
});
