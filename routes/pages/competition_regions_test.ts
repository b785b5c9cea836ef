/**
 * A live page's refresh (`X-CartBrawl-Live-Regions`): the regions alone,
 * as the reader's full page would show them, and one rendering per version
 * shared by the readers without a stake in the page, for refreshes and page
 * loads alike — never by a store owner, the creator, or someone whose stores
 * could join.
 */
import assert from "node:assert/strict";
import { createTestApp, regionsServed, type TestApp } from "../../testing/test_app.ts";
import { ensureIslandBundles } from "../../lib/web/island_build.ts";
import { competitionInDivisions, competitionStartedAnHourAgo } from "../../testing/page_fixtures.ts";
import { keys } from "../../lib/core/db.ts";
import { updateCompetition } from "../../lib/competitions/competitions.ts";
import { boardRegionsVersion, LIVE_REGIONS_HEADER, liveRegionsVersion } from "../../lib/live/regions.ts";
import { updateParticipant } from "../../lib/competitions/participants.ts";
import {
  competitionPageReader,
  competitionPageView,
  pageRegionsVersion,
} from "../../lib/competitions/page_views/competition.ts";
import { SHARED_FOR_MS } from "../../lib/web/shared_renders.ts";

await ensureIslandBundles();

const CREATOR = "user_creator";

/** A live page's refresh of `path` at `version`, as `userId` (signed out when undefined) in zone `timeZone`. */
async function refresh(t: TestApp, path: string, version: string, userId?: string, timeZone = "Europe/Paris") {
  const res = await t.request(path, {
    userId,
    headers: { [LIVE_REGIONS_HEADER]: version, cookie: `tz=${encodeURIComponent(timeZone)}` },
  });
  return { status: res.status, cacheControl: res.headers.get("cache-control"), html: await res.text() };
}

/** Disqualifies (or reinstates) a store as the creator. */
async function rank(t: TestApp, competitionId: string, participantId: string, action: string) {
  const res = await t.request(`/api/competitions/${competitionId}/participants/${participantId}/${action}`, {
    method: "POST",
    userId: CREATOR,
    json: { reason: "Orders placed by the owner's family" },
  });
  assert.equal(res.status, 200, await res.text());
}

Deno.test("competition page - a refresh answers the live regions alone, as the reader's page shows them", async () => {
  await using t = await createTestApp();
  const { competition, participants } = await competitionStartedAnHourAgo(t, CREATOR, 3);
  const path = `/competitions/${competition.id}`;
  const page = await (await t.request(path, { headers: { cookie: "tz=Europe%2FParis" } })).text();
  const regions = await refresh(t, path, liveRegionsVersion("ACTIVE", []));
  assert.equal(regions.status, 200);
  assert.equal(regions.cacheControl, "private, no-store");
  assert.doesNotMatch(regions.html, /<html|<head|<script|site-header/);
  assert.match(regions.html, /^<div data-live-region="competition">/);
  // The same region as the page's (the page renders it from the same component).
  assert.equal(regions.html, regionOf(page));

  // An owner's refresh carries their own panels; the creator's, the Manage link.
  const owner = await refresh(t, path, liveRegionsVersion("ACTIVE", []), participants[0].userId);
  assert.match(owner.html, /Your store/);
  const creator = await refresh(t, path, liveRegionsVersion("ACTIVE", []), CREATOR);
  assert.match(creator.html, />Manage</);
  assert.doesNotMatch(regions.html, /Your store|>Manage</);
  // A private competition stays private: a signed-out refresh of another's draft is refused.
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({ ...c, experienceId: "exp_1" }));
  assert.equal((await refresh(t, path, liveRegionsVersion("ACTIVE", []))).status, 404);
});

Deno.test("competition page - readers without a stake share one rendering per version, zone and board", async () => {
  await using t = await createTestApp();
  const { competition, participants } = await competitionStartedAnHourAgo(t, CREATOR, 3);
  const path = `/competitions/${competition.id}`;
  const active = liveRegionsVersion("ACTIVE", []);
  const before = (await regionsServed(t)).refresh;

  // Twenty signed-out readers at once: one rendering, the same HTML for all.
  const strangers = await Promise.all(Array.from({ length: 20 }, () => refresh(t, path, active)));
  assert.equal(new Set(strangers.map((r) => r.html)).size, 1);
  // And one more after it finished (the version named in the header survives HTTP's trimming of header values).
  assert.equal((await refresh(t, path, active)).html, strangers[0].html);
  let now = (await regionsServed(t)).refresh;
  assert.deepEqual({ rendered: now.rendered - before.rendered, shared: now.shared - before.shared }, {
    rendered: 1,
    shared: 20,
  });

  // Signed-in readers with no store in it share theirs (their join form differs from a stranger's).
  const onlookers = await Promise.all(["user_a", "user_b", "user_c"].map((id) => refresh(t, path, active, id)));
  assert.equal(new Set(onlookers.map((r) => r.html)).size, 1);
  assert.notEqual(onlookers[0].html, strangers[0].html);
  assert.match(strangers[0].html, /Sign in<\/a> to enter your Shopify store/);
  assert.match(onlookers[0].html, /Connect store and join/);
  // Another zone is its own rendering (times are written in the reader's zone).
  await refresh(t, path, active, undefined, "America/New_York");
  const mid = (await regionsServed(t)).refresh;
  assert.equal(mid.rendered - now.rendered, 2);
  assert.equal(mid.shared - now.shared, 2);

  // Owners, the creator and a reader whose connected store could join are never served a shared rendering.
  await t.kv.set(keys.shop("dana.myshopify.com"), {
    shop: "dana.myshopify.com",
    ownerUserId: "user_dana",
    currency: "USD",
    name: "Dana's",
  });
  await t.kv.set(keys.shopByOwner("user_dana", "dana.myshopify.com"), true);
  for (const userId of [participants[0].userId, participants[0].userId, CREATOR, CREATOR, "user_dana", "user_dana"]) {
    await refresh(t, path, active, userId);
  }
  assert.match((await refresh(t, path, active, "user_dana")).html, /Dana&#39;s|Dana's/);
  now = (await regionsServed(t)).refresh;
  assert.equal(now.rendered - mid.rendered, 7);
  assert.equal(now.shared - mid.shared, 0);

  // A disqualification is a new version: rendered again, and the page shows it.
  await rank(t, competition.id, participants[1].id, "disqualify");
  const out = liveRegionsVersion("ACTIVE", [participants[1].id]);
  const afterOut = await refresh(t, path, out);
  assert.match(afterOut.html, /class="card disqualified"|section class="[^"]*disqualified/);
  assert.match(afterOut.html, /Store 1/);
  // A reader still asking for the old version is answered with the truth, not the old rendering.
  const late = await refresh(t, path, active);
  assert.equal(late.html, afterOut.html);
  const third = (await regionsServed(t)).refresh;
  assert.equal(third.rendered - now.rendered, 2);

  // The status moves on: once the shared rendering has aged, the next one shows the new status.
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({ ...c, status: "SETTLING" }));
  const settling = await refresh(t, path, liveRegionsVersion("SETTLING", [participants[1].id]));
  assert.match(settling.html, />Settling</);
  t.clock.advance(SHARED_FOR_MS);
  const again = await refresh(t, path, liveRegionsVersion("SETTLING", [participants[1].id]));
  assert.match(again.html, />Settling</);
  const last = (await regionsServed(t)).refresh;
  assert.equal(last.rendered - third.rendered, 2, "a rendering older than SHARED_FOR_MS is rendered again");
});

/** The competition page's region of a full page (from its opening tag to the end of `<main>`). */
function regionOf(page: string): string {
  return page.slice(page.indexOf('<div data-live-region="competition">'), page.indexOf("</main>"));
}

Deno.test("competition page - page loads of readers without a stake share the regions' rendering", async () => {
  await using t = await createTestApp();
  const { competition, participants } = await competitionStartedAnHourAgo(t, CREATOR, 3);
  const path = `/competitions/${competition.id}`;
  const load = async (userId?: string) => {
    const res = await t.request(path, { userId, headers: { cookie: "tz=Europe%2FParis" } });
    assert.equal(res.status, 200);
    return await res.text();
  };
  const before = await regionsServed(t);
  /** Regions served since the test began, by request and source. */
  const count = async () => {
    const now = await regionsServed(t);
    return (request: "page" | "refresh", source: "rendered" | "shared") =>
      now[request][source] - before[request][source];
  };

  // Ten signed-out visitors at once: one rendering of the regions; every page loads the islands inside them.
  const pages = await Promise.all(Array.from({ length: 10 }, () => load()));
  let counted = await count();
  assert.deepEqual([counted("page", "rendered"), counted("page", "shared")], [1, 9]);
  for (const page of pages) {
    assert.equal(regionOf(page), regionOf(pages[0]));
    assert.match(page, /<script type="module" src="\/static\/islands\/[^"]+" nonce="[^"]+">/);
    assert.match(page, /data-island="live_leaderboard"/);
    assert.match(page, /<meta property="og:title"/);
  }
  const heads = pages.map((page) => page.slice(0, page.indexOf("</head>")).replace(/nonce="[^"]+"/g, ""));
  assert.equal(new Set(heads).size, 1, "a shared page loads the same island scripts as the one that rendered");
  // A live page's refresh at the same version is answered from the same rendering.
  const refreshed = await refresh(t, path, liveRegionsVersion("ACTIVE", []));
  assert.equal(refreshed.html, regionOf(pages[0]));
  counted = await count();
  assert.equal(counted("refresh", "shared"), 1);

  // Any write of the competition (here its rules' text; a store's erasure writes it too) is a new rendering, at once.
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({ ...c, description: "Fresh rules." }));
  assert.match(regionOf(await load()), /Fresh rules\./);
  counted = await count();
  assert.equal(counted("page", "rendered"), 2);

  // A disqualification is seen by the next page load at once (its version is read, not guessed).
  await rank(t, competition.id, participants[1].id, "disqualify");
  const after = await load();
  assert.match(regionOf(after), /class="card disqualified"|section class="[^"]*disqualified/);
  assert.ok(after.includes(`&quot;version&quot;:&quot;ACTIVE:${participants[1].id}&quot;`));
  counted = await count();
  assert.equal(counted("page", "rendered"), 3);

  // An owner's and the creator's pages are their own.
  assert.match(await load(participants[0].userId), /Your store/);
  assert.match(await load(CREATOR), />Manage</);
  counted = await count();
  assert.deepEqual([counted("page", "rendered"), counted("page", "shared")], [5, 9]);
});

Deno.test("competition page - a page load's version is the board's, in every division", async () => {
  await using t = await createTestApp();
  const { competition, participants } = await competitionInDivisions(t, CREATOR);
  // One store out in each division, and one not yet placed (out of every board).
  await rank(t, competition.id, participants[0].id, "disqualify");
  await rank(t, competition.id, participants[1].id, "disqualify");
  await updateParticipant(t.kv, participants[3].id, t.clock.ms, "leaderboard", (p) => ({ ...p, division: null }));
  await rank(t, competition.id, participants[3].id, "disqualify");
  for (const userId of [undefined, "user_a", participants[2].userId, participants[1].userId]) {
    const reader = await competitionPageReader(t.deps, competition.id, userId);
    for (const division of [undefined, "1", "2", "7"]) {
      const view = await competitionPageView(t.deps, reader, { division });
      assert.equal(
        await pageRegionsVersion(t.deps, reader, { division }),
        boardRegionsVersion(view.leaderboard),
        `reader ${userId}, ?division=${division}`,
      );
    }
  }
});
