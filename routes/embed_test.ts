import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { competitionStartedAnHourAgo, draftCompetition } from "../testing/page_fixtures.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";

Deno.test("embed - a framable live board: frame-ancestors * here only, themes, no cookies", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp();
  const { competition } = await competitionStartedAnHourAgo(t, "creator", 3, "Holiday Cup");
  const path = `/embed/competitions/${competition.id}`;

  const res = await t.request(path, { userId: "owner_1" });
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(res.headers.get("content-security-policy")!, /frame-ancestors \*(;|$)/);
  assert.equal(res.headers.get("set-cookie"), null, "the embed sets no cookie");
  assert.match(html, /<link rel="stylesheet" href="\/static\/embed.css"/);
  assert.match(html, /data-island="embed_board"/);
  assert.match(html, /Store 0[\s\S]*Store 1[\s\S]*Store 2/);
  assert.doesNotMatch(html, /site-header|Sign in/, "no app shell inside the frame");
  assert.doesNotMatch(html, /<html lang="en" data-theme/, "the reader's colour scheme decides by default");
  assert.match(await (await t.request(`${path}?theme=dark`)).text(), /<html lang="en" data-theme="dark">/);
  assert.match(await (await t.request(`${path}?theme=light`)).text(), /<html lang="en" data-theme="light">/);
  assert.doesNotMatch(await (await t.request(`${path}?theme=<x>`)).text(), /data-theme/);
  const two = await (await t.request(`${path}?places=2`)).text();
  assert.equal(two.match(/<li data-participant-id/g)?.length, 2, "?places= limits the places");

  const page = await t.request(`/competitions/${competition.id}`);
  assert.doesNotMatch(page.headers.get("content-security-policy")!, /frame-ancestors \*/, "other pages keep theirs");

  const manage = await (await t.request(`/competitions/${competition.id}/manage`, { userId: "creator" })).text();
  assert.ok(
    manage.includes(`&lt;iframe src=&quot;${t.config.appUrl}/embed/competitions/${competition.id}&quot;`),
    "the manage page offers the snippet",
  );
});

Deno.test("embed - drafts and community competitions are not embeddable", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp();
  const draft = await draftCompetition(t, "creator");
  assert.equal((await t.request(`/embed/competitions/${draft.id}`, { userId: "creator" })).status, 404);
  const community = await draftCompetition(t, "creator");
  await updateCompetition(t.kv, community.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "UPCOMING",
    fundsTxId: "pay_1",
    experienceId: "exp_Community1",
  }));
  assert.equal((await t.request(`/embed/competitions/${community.id}`)).status, 404);
});
