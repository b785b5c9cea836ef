/**
 * The season pages in Chromium, at a desktop and a phone size: a season
 * half-way through (standings after round 1, round 2 racing, round 3 made)
 * as a visitor, as one of its stores and as its creator; the same season in
 * two divisions (a standings table and a live board per division: an order
 * moves it without a reload); a draft's page with
 * its fund card; the dashboard's Seasons tab; the create form. Each fits the
 * width, passes axe-core with no serious or critical violation, shows no
 * browser error, works without JavaScript, and is saved to `tests/artifacts/`.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../testing/browser.ts";
import { seriousViolations, serveTestApp, signIn } from "../testing/browser_app.ts";
import { draftSeason, SEASON_STORES, seasonMidway } from "../testing/season_fixtures.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";

const ARTIFACTS = "tests/artifacts";
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];
const CREATOR = "user_creator";

Deno.test("seasons in Chromium - the season page and the dashboard's Seasons tab fit both sizes, pass axe, work without JavaScript", async () => {
  await using served = await serveTestApp();
  const { t, origin } = served;
  const now = t.clock.ms;
  const { season } = await seasonMidway(t, CREATOR);
  const { season: divided, entrants: dividedEntrants } = await seasonMidway(t, CREATOR, now, { divisions: true });
  const draft = await draftSeason(t, CREATOR, now + 2 * 86_400_000, "Spring League");
  t.clock.ms = now;
  const pages: { name: string; path: string; as?: string }[] = [
    { name: "season", path: `/seasons/${season.id}` },
    { name: "season_store", path: `/seasons/${season.id}`, as: SEASON_STORES[1].userId },
    { name: "season_creator", path: `/seasons/${season.id}`, as: CREATOR },
    { name: "season_divisions", path: `/seasons/${divided.id}`, as: SEASON_STORES[2].userId },
    { name: "season_draft", path: `/seasons/${draft.id}`, as: CREATOR },
    { name: "dashboard_seasons", path: "/dashboard?tab=seasons", as: CREATOR },
    { name: "home_seasons", path: "/" },
    { name: "season_new", path: "/seasons/new", as: CREATOR },
  ];
  const problems: string[] = [];
  for (const javaScriptEnabled of [true, false]) {
    for (const size of SIZES) {
      await using browser = await launchBrowser({ viewport: size, javaScriptEnabled });
      const { page } = browser;
      for (const { name, path, as } of pages) {
        await page.context().clearCookies();
        if (as) await signIn(page, t, origin, as);
        const response = await page.goto(`${origin}${path}`, { waitUntil: "load" });
        assert.equal(response?.status(), 200, `${path} as ${as ?? "a visitor"}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
        if (overflow > 0) problems.push(`${name} at ${size.width}px scrolls sideways by ${overflow} px`);
        if (!javaScriptEnabled) continue;
        await page.waitForTimeout(200);
        for (const violation of await seriousViolations(page)) {
          problems.push(`${name} at ${size.width}px: ${violation}`);
        }
        await page.screenshot({ path: `${ARTIFACTS}/${name}_${size.width}.png`, fullPage: true });
      }
      problems.push(...browser.problems.map((problem) => `browser at ${size.width}px: ${problem}`));
    }
  }
  assert.deepEqual(problems, []);
  await Deno.copyFile(`${ARTIFACTS}/season_divisions_1280.png`, "docs/season.png");

  // What the pages say: the standings after round 1, the store's own line, the creator's controls.
  await using browser = await launchBrowser({ viewport: SIZES[0] });
  const { page } = browser;
  await signIn(page, t, origin, SEASON_STORES[1].userId);
  await page.goto(`${origin}/seasons/${season.id}`);
  const standings = await page.locator("#standings-heading + div table tbody tr").allTextContents();
  assert.match(standings[0], /Juniper Goods\s*25/);
  assert.match(standings[1], /Harbor Supply\s*You\s*18/);
  assert.match(await page.locator(".notice-ok").textContent() ?? "", /entered in every round/);
  assert.match(await page.locator("#live-round-heading").textContent() ?? "", /Racing now: round 2/);
  await page.context().clearCookies();
  await signIn(page, t, origin, CREATOR);
  await page.goto(`${origin}/seasons/${season.id}`);
  assert.match(await page.locator("#cancel-heading").textContent() ?? "", /Call off the rounds not started/);
  await page.goto(`${origin}/seasons/${draft.id}`);
  assert.match(await page.locator("#fund-heading + p + dl").textContent() ?? "", /Prizes\$180\.00/);
  await page.goto(`${origin}/dashboard?tab=seasons`);
  assert.deepEqual(
    (await page.locator("table a[href^='/seasons/']").allTextContents()).sort(),
    ["Division League", "Spring League", "Winter League"],
  );

  // In divisions: a standings table and a board per division, by name.
  await page.goto(`${origin}/seasons/${divided.id}`);
  assert.deepEqual(await page.locator("#standings-heading ~ div caption").allTextContents(), ["Rising", "Established"]);
  const liveRound = page.locator("section[aria-labelledby='live-round-heading']");
  assert.deepEqual(await liveRound.locator("h3").allTextContents(), ["Rising", "Established"]);

  // The round racing now is live on the season's page: an order moves its division's board without a reload.
  const juniper = dividedEntrants.find((entrant) => entrant.displayName === "Juniper Goods")!;
  const at = new Date(t.clock.ms).toISOString();
  await recordOrder(t.kv, juniper.id, {
    orderId: `${juniper.id}.live`,
    createdAt: at,
    updatedAt: at,
    amount: 10_000,
    currency: "USD",
    test: false,
    cancelled: false,
  }, t.clock.ms);
  await liveRound.locator("tr", { hasText: "Juniper Goods" }).filter({ hasText: "$180.00" }).waitFor({ timeout: 5000 });

  // The home page lists the seasons beside the competitions, each a link to its page.
  await page.goto(`${origin}/`);
  const listed = await page.locator("#seasons-heading + .cards a").evaluateAll((links) =>
    links.map((link) => link.getAttribute("href"))
  );
  assert.deepEqual(listed.sort(), [`/seasons/${divided.id}`, `/seasons/${season.id}`].sort());
});

Deno.test("season form in Chromium - a league in two divisions made from the form, a refused row shown beside it", async () => {
  await using served = await serveTestApp();
  const { t, origin } = served;
  for (const size of SIZES) {
    await using browser = await launchBrowser({ viewport: size });
    const { page } = browser;
    await signIn(page, t, origin, CREATOR);
    await page.goto(`${origin}/seasons/new`);
    await page.getByLabel("Title").fill(`Store League ${size.width}`);
    await page.getByLabel("Prize per round").fill("300.00");
    await page.getByText("Divisions (optional): boards by store size").click();
    const row = (i: number, field: string) => page.locator(`[name="divisions.${i}.${field}"]`);
    await row(0, "name").fill("Rising");
    await row(0, "upTo").fill("1000.00");
    await row(0, "prize").fill("100.00");
    await row(0, "prizeSplit").fill("70, 30");
    await row(1, "prize").fill("200.00");
    await page.getByRole("button", { name: "Create draft season" }).click();
    await page.getByText("Give division 2 a name.").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
    assert.ok(overflow <= 0, `the refused form scrolls sideways by ${overflow} px`);
    assert.deepEqual(await seriousViolations(page), []);
    await row(1, "name").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/season_new_divisions_${size.width}.png` });
    await row(1, "name").fill("Established");
    await page.getByRole("button", { name: "Create draft season" }).click();
    await page.waitForURL(/\/seasons\/[0-9a-z]+$/);
    assert.match(await page.locator("main").textContent() ?? "", /Rising[\s\S]*Established/);
    // The refused post answers 400, which the browser reports; nothing else.
    const refusal = `status of 400 (Bad Request) at ${origin}/seasons/new`;
    assert.deepEqual(browser.problems.filter((problem) => !problem.endsWith(refusal)), []);
  }
});
