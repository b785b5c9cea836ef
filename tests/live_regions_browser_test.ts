/**
 * Signed-out readers' open competition pages follow a disqualification, a
 * reinstatement (also when a page's first refresh got no answer) and the
 * end of the race without a reload, in Chromium at a
 * desktop (1280×800) and a phone (390×844) size, and the server answers them
 * with one rendering per change (`lib/web/shared_renders.ts`): the second
 * page's refresh is the first one's HTML.
 *
 * Screenshots in `tests/artifacts/live_regions_*.png`.
 */
import assert from "node:assert/strict";
import { launchBrowser, type Page } from "../testing/browser.ts";
import { createTestApp, regionsServed } from "../testing/test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import { LIVE_REGIONS_HEADER } from "../lib/live/regions.ts";

const ARTIFACTS = "tests/artifacts";
const CREATOR = "user_creator";

await ensureIslandBundles();

Deno.test("live regions in Chromium - signed-out pages follow the race's changes from one rendering each", async () => {
  await using t = await createTestApp({}, { whop: true });
  const start = Date.now() - 3600_000;
  t.clock.ms = Date.now();
  const { competition, participants } = await activeCompetition(t.kv, {
    start,
    stores: 3,
    creatorId: CREATOR,
    title: "Winter Sales Brawl",
  });
  await using browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  const desktop = browser.page;
  const phone = await browser.context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  const pages: [string, Page][] = [["1280", desktop], ["390", phone]];
  const url = `${t.url}/competitions/${competition.id}`;
  for (const [, page] of pages) {
    await page.goto(url, { waitUntil: "load" });
    await page.locator(".pill-live").waitFor({ timeout: 5000 });
    await page.evaluate(() => (globalThis as { samePage?: boolean }).samePage = true);
  }
  const rank = async (action: string) => {
    const res = await t.request(`/api/competitions/${competition.id}/participants/${participants[1].id}/${action}`, {
      method: "POST",
      userId: CREATOR,
      json: { reason: "Orders placed by the owner's family" },
    });
    assert.equal(res.status, 200, await res.text());
  };
  const before = (await regionsServed(t)).refresh;

  // A disqualification: both pages list the store with the reason.
  await rank("disqualify");
  for (const [, page] of pages) {
    await page.locator("section.disqualified", { hasText: "Store 1" }).waitFor({ timeout: 5000 });
  }
  for (const [size, page] of pages) {
    await page.screenshot({ path: `${ARTIFACTS}/live_regions_disqualified_${size}.png`, fullPage: true });
  }
  // The reinstatement takes it away again, also from the page whose first refresh got no answer (tried again).
  let refused = 0;
  await desktop.route(url, async (route) => {
    if (route.request().headers()[LIVE_REGIONS_HEADER.toLowerCase()] !== undefined && refused++ === 0) {
      await route.abort("connectionreset");
    } else await route.continue();
  });
  await rank("reinstate");
  for (const [, page] of pages) {
    await page.locator("section.disqualified").waitFor({ state: "detached", timeout: 8000 });
  }
  assert.equal(refused, 2, "the first refresh failed, the second was answered");
  await desktop.unroute(url);

  // The race ends: both pages turn to settling, the join form gone.
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "SETTLING",
    endDate: new Date(t.clock.ms - 1000).toISOString(),
    settlesAt: new Date(t.clock.ms + 3600_000).toISOString(),
  }));
  for (const [, page] of pages) {
    await page.locator(".page-head .badge", { hasText: "Settling" }).waitFor({ timeout: 5000 });
    await page.locator(".notice-provisional").waitFor({ timeout: 5000 });
    assert.equal(await page.getByText("to enter your Shopify store").count(), 0, "no join form once ended");
    assert.equal(await page.evaluate(() => (globalThis as { samePage?: boolean }).samePage), true, "no reload");
  }
  for (const [size, page] of pages) {
    await page.screenshot({ path: `${ARTIFACTS}/live_regions_settling_${size}.png`, fullPage: true });
  }
  // Three changes, two readers each: one rendering per change, the other page's refresh shared it.
  const after = (await regionsServed(t)).refresh;
  assert.deepEqual({ rendered: after.rendered - before.rendered, shared: after.shared - before.shared }, {
    rendered: 3,
    shared: 3,
  });
  // The one refresh refused on purpose is the only problem the browser reported.
  assert.deepEqual(browser.problems.map((problem) => problem.replace(/ at .*/, "")), [
    "Failed to load resource: net::ERR_CONNECTION_RESET",
  ]);
});
