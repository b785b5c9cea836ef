/**
 * Browser tests of the pages in Chromium, under the strict CSP: the live
 * leaderboard follows recorded orders without a reload, and the create form
 * shows the schema's messages before submitting and the server's after.
 * Each test saves a screenshot to `tests/artifacts/`.
 */
import assert from "node:assert/strict";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { createTestApp, type TestApp } from "./helpers/test_app.ts";
import { ensureIslandBundles } from "../lib/island_build.ts";
import { createSession, sessionCookieName } from "../lib/sessions.ts";
import { saveUser } from "../lib/users.ts";
import { recordOrder } from "../lib/revenue.ts";
import { activeCompetition, HOUR } from "../routes/pages/page_fixtures.ts";

const CREATOR = "user_creator";

/** A served test app, a Chromium with a fresh profile, and a page that records problems. */
async function openBrowser(): Promise<
  AsyncDisposable & { t: TestApp; origin: string; browser: BrowserContext; page: Page; problems: string[] }
> {
  await ensureIslandBundles();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => t.app.fetch(request));
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const t = await createTestApp({ APP_URL: origin });
  t.clock.ms = Date.now();
  const userDataDir = await Deno.makeTempDir({ prefix: "chromium_" });
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1100, height: 900 },
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  await page.addInitScript(() =>
    document.addEventListener(
      "securitypolicyviolation",
      (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    )
  );
  return {
    t,
    origin,
    browser,
    page,
    problems,
    async [Symbol.asyncDispose]() {
      await browser.close();
      await server.shutdown();
      await t[Symbol.asyncDispose]();
      await Deno.remove(userDataDir, { recursive: true });
    },
  };
}

/** Signs the browser in as `userId` with a session in KV and its cookie. */
async function signIn(t: TestApp, browser: BrowserContext, origin: string, userId: string, name: string) {
  await saveUser(t.kv, { id: userId, name }, t.clock.ms);
  const value = await createSession(t.kv, userId, t.clock.ms);
  await browser.addCookies([{ name: sessionCookieName(t.config.appUrl), value, url: origin }]);
}

/** The leaderboard rows as "rank|store|revenue", top to bottom. */
function rows(page: Page): Promise<string[]> {
  return page.$$eval(
    ".live-leaderboard tbody tr[data-participant-id]",
    (trs) =>
      trs.map((tr) =>
        [".rank", ".store-name", ".revenue"].map((s) => tr.querySelector(s)?.textContent?.trim()).join("|")
      ),
  );
}

Deno.test("pages in Chromium - a visitor sees totals and ranks change live, without reloading", async () => {
  await using session = await openBrowser();
  const { t, origin, page, problems } = session;
  t.clock.ms = Date.now() - 2 * HOUR;
  const { competition, participants: [first, second] } = await activeCompetition(t, CREATOR, 2, "Live Cup");
  t.clock.ms = Date.now();
  const order = (id: string, amount: number) => ({
    orderId: id,
    createdAt: new Date(t.clock.ms).toISOString(),
    updatedAt: new Date(t.clock.ms).toISOString(),
    amount,
    currency: "USD",
    test: false,
    cancelled: false,
  });

  let refused = 0; // the stream fails twice first: the island must reconnect on its own
  await page.route("**/events", (route) => refused++ < 2 ? route.fulfill({ status: 503, body: "" }) : route.continue());
  await page.goto(`${origin}/competitions/${competition.id}`);
  await page.locator(".pill-reconnecting", { hasText: "Reconnecting…" }).waitFor({ timeout: 2000 });
  await page.locator(".pill-live", { hasText: "Live" }).waitFor({ timeout: 5000 });
  assert.equal(refused, 3);
  await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded = true);
  assert.deepEqual(await rows(page), ["1|Store 0|$0.00", "1|Store 1|$0.00"]);
  const chartBefore = await page.locator(".race-chart path.series").evaluateAll((paths) =>
    paths.map((p) => p.getAttribute("d"))
  );

  await recordOrder(t.kv, second.id, order("A-1", 12_550), t.clock.ms);
  const moved = Date.now();
  await page.waitForFunction(
    () => document.querySelector(".live-leaderboard tbody tr .store-name")?.textContent === "Store 1",
    null,
    { timeout: 1000 },
  );
  assert.deepEqual(await rows(page), ["1|Store 1|$125.50", "2|Store 0|$0.00"]);
  const animations = await page.evaluate(() => document.getAnimations().map((a) => a.constructor.name));
  assert.ok(animations.includes("Animation"), `rows slide to their new place (${animations})`);
  assert.ok(animations.includes("CSSAnimation"), `moved rows flash (${animations})`);
  console.log(`rank change shown ${Date.now() - moved} ms after the order was recorded`);
  assert.equal(await page.locator("[aria-live=polite]").textContent(), "Store 0 moved down to 2nd.");
  assert.equal(await page.locator("tr.row-down .store-name").textContent(), "Store 0");

  t.clock.ms += 60_000;
  await recordOrder(t.kv, first.id, order("B-1", 20_000), t.clock.ms);
  await recordOrder(t.kv, first.id, order("B-2", 1_000), t.clock.ms);
  await page.waitForFunction(
    () => document.querySelector(".live-leaderboard tbody tr .revenue")?.textContent === "$210.00",
    null,
    { timeout: 1000 },
  );
  assert.deepEqual(await rows(page), ["1|Store 0|$210.00", "2|Store 1|$125.50"]);
  assert.match(await page.locator("[aria-live=polite]").textContent() ?? "", /Store 0 moved up to 1st\./);
  const chartAfter = await page.locator(".race-chart path.series").evaluateAll((paths) =>
    paths.map((p) => p.getAttribute("d"))
  );
  assert.notDeepEqual(chartAfter, chartBefore, "the race chart moved too");
  assert.equal(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded), true);
  await page.waitForFunction(() => document.getAnimations().length === 0);
  await page.screenshot({ path: "tests/artifacts/pages_live_leaderboard.png", fullPage: true });

  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await page.screenshot({ path: "tests/artifacts/pages_live_leaderboard_360.png", fullPage: true });
  const expected = /status of 503/; // the two refused stream connections
  assert.deepEqual(problems.filter((p) => !expected.test(p)), [], "no console errors or CSP violations");
});

Deno.test("pages in Chromium - the create form validates in the browser and shows the server's messages", async () => {
  await using session = await openBrowser();
  const { t, origin, browser, page, problems } = session;
  await signIn(t, browser, origin, CREATOR, "Casey Creator");
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") posts.push(request.url());
  });

  await page.goto(`${origin}/competitions/new`);
  await page.locator("#field-title").fill("x");
  await page.locator("#field-prize").fill("1.234");
  await page.locator("#field-prize").press("Tab");
  assert.equal(
    await page.locator("#field-title-error").textContent(),
    "Give the competition a title of at least 3 characters.",
  );
  assert.equal(await page.locator("#field-prize-error").textContent(), "USD amounts have at most 2 decimal places.");
  assert.equal(await page.locator("#field-title").getAttribute("aria-invalid"), "true");
  await page.getByRole("button", { name: "Create draft" }).click();
  assert.equal(await page.locator("#field-startDate-error").textContent(), "Enter the start as a date and time.");
  assert.deepEqual(posts, [], "an invalid form is not sent");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "field-title", "focus moves to the first error");
  await page.locator("#field-title").fill("Spring Brawl");
  assert.equal(await page.locator("#field-title-error").count(), 0, "the message goes once the field is fixed");
  await page.screenshot({ path: "tests/artifacts/pages_create_form_client.png", fullPage: true });

  await page.route("**/static/islands/**", (route) => route.abort());
  await page.goto(`${origin}/competitions/new`);
  const past = new Date(Date.now() - HOUR).toISOString().slice(0, 16);
  await page.locator("#field-title").fill("x");
  await page.locator("#field-prize").fill("1.234");
  await page.locator("#field-startDate").fill(past);
  await page.locator("#field-endDate").fill(past);
  await Promise.all([
    page.waitForURL(`${origin}/competitions/new`),
    page.getByRole("button", { name: "Create draft" }).click(),
  ]);
  assert.equal(posts.length, 1, "without JavaScript the form goes to the server");
  assert.equal(
    await page.locator("#field-title-error").textContent(),
    "Give the competition a title of at least 3 characters.",
  );
  assert.equal(await page.locator("#field-prize-error").textContent(), "USD amounts have at most 2 decimal places.");
  assert.equal(await page.locator("#field-startDate-error").textContent(), "The start must be in the future.");
  assert.equal(await page.locator("#field-endDate-error").textContent(), "The end must be after the start.");
  assert.equal(await page.locator("#field-title").inputValue(), "x", "what was typed is kept");
  await page.screenshot({ path: "tests/artifacts/pages_create_form_server.png", fullPage: true });
  await page.unroute("**/static/islands/**");

  await page.goto(`${origin}/competitions/new`);
  const start = new Date(Date.now() + 2 * HOUR).toISOString().slice(0, 16);
  const end = new Date(Date.now() + 50 * HOUR).toISOString().slice(0, 16);
  await page.locator("#field-title").fill("Spring Brawl");
  await page.locator("#field-prize").fill("250");
  await page.locator("#field-startDate").fill(start);
  await page.locator("#field-endDate").fill(end);
  await Promise.all([
    page.waitForURL(/\/competitions\/\w+\/manage$/),
    page.getByRole("button", { name: "Create draft" }).click(),
  ]);
  assert.match(await page.locator("h1").textContent() ?? "", /Spring Brawl/);
  const expected = /ERR_FAILED|status of 400/; // the aborted island scripts, the 400 page of the refused form
  assert.deepEqual(problems.filter((p) => !expected.test(p)), [], "no console errors or CSP violations");
});
