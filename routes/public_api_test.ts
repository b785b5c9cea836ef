import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { draftCompetition } from "../testing/page_fixtures.ts";
import { DURING_MS, orderOf, START_MS } from "../testing/live.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import { cancelCompetition } from "../lib/competitions/editing.ts";

Deno.test("public api - competition and board with CORS, a strong ETag, 304 and a short Cache-Control", async () => {
  await using t = await createTestApp();
  const { competition, participants } = await activeCompetition(t.kv, { start: START_MS, stores: 2 });
  await recordOrder(t.kv, participants[1].id, orderOf("o1", 4250), DURING_MS);
  const path = `/api/public/competitions/${competition.id}`;

  const res = await t.request(path, { headers: { origin: "https://creator.example" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.equal(res.headers.get("cache-control"), "public, max-age=5");
  const tag = res.headers.get("etag")!;
  assert.match(tag, /^"[0-9a-f]{40}"$/, "a strong ETag");
  const body = await res.json();
  assert.equal(body.competition.id, competition.id);
  assert.deepEqual(body.entries.map((e: { displayName: string; revenue: string }) => [e.displayName, e.revenue]), [
    ["Store 1", "42.50"],
    ["Store 0", "0.00"],
  ]);

  const again = await t.request(path, { headers: { "if-none-match": tag, origin: "https://creator.example" } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  assert.equal(again.headers.get("etag"), tag);
  assert.equal(again.headers.get("access-control-allow-origin"), "*", "a cross-origin reader can use the 304");
  assert.equal(again.headers.get("cache-control"), "public, max-age=5");

  await recordOrder(t.kv, participants[0].id, orderOf("o2", 9900), DURING_MS);
  const changed = await t.request(path, { headers: { "if-none-match": tag } });
  assert.equal(changed.status, 200, "a new order changes the ETag");
  assert.notEqual(changed.headers.get("etag"), tag);
  assert.equal((await changed.json()).entries[0].displayName, "Store 0");

  const preflight = await t.request(path, {
    method: "OPTIONS",
    headers: {
      origin: "https://creator.example",
      "access-control-request-method": "GET",
      "access-control-request-headers": "if-none-match",
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
  assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /GET/);
  assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /If-None-Match/i);
});

Deno.test("public api - drafts, competitions cancelled before funding and unknown ids are 404", async () => {
  await using t = await createTestApp();
  const draft = await draftCompetition(t, "creator");
  const draftRes = await t.request(`/api/public/competitions/${draft.id}`, { userId: "creator" });
  assert.equal(draftRes.status, 404, "even for its creator: the public API shows what everyone sees");
  assert.equal((await draftRes.json()).error, "There is no competition with that id.");
  const cancelled = await cancelCompetition(t.kv, (await draftCompetition(t, "creator")).id, "creator", t.clock.ms);
  assert.equal((await t.request(`/api/public/competitions/${cancelled.id}`)).status, 404);
  const unknown = await t.request("/api/public/competitions/nosuchid", { headers: { origin: "https://site.example" } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get("access-control-allow-origin"), "*", "a cross-origin reader can read the 404");

  const funded = await draftCompetition(t, "creator");
  await updateCompetition(
    t.kv,
    funded.id,
    t.clock.ms,
    "status",
    (c) => ({ ...c, status: "UPCOMING", fundsTxId: "pay_1" }),
  );
  assert.equal((await t.request(`/api/public/competitions/${funded.id}`)).status, 200);
});
