/**
 * Browser tests of the pages in Chromium, under the strict CSP:
 *
 * - the live leaderboard follows orders placed at the simulated Shopify and
 *   delivered as signed `orders/create` / `orders/updated` webhooks, without
 *   a reload, and the test prints how long each took from the order to the DOM;
 * - a store owner signs in through the simulated Whop's user picker, enters
 *   their shop, approves the install on the simulated Shopify and comes back
 *   as a participant;
 * - the create form shows the schema's messages before submitting and the
 *   server's after.
 *
 * Each test saves screenshots to `tests/artifacts/`.
 */
import assert from "node:assert/strict";
import { type BrowserContext, launchBrowser, type Page, type TestBrowser } from "../testing/browser.ts";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import { saveUser } from "../lib/core/users.ts";
import { competitionStartedAnHourAgo, HOUR } from "../testing/page_fixtures.ts";
import { joinStore, participantOf, settledSync } from "../testing/shopify.ts";

const CREATOR = "user_creator";
const ARTIFACTS = "tests/artifacts";

/** What {@link openBrowser} can add. */
interface BrowserOptions {
  /**
   * Serve the app with the simulated Shopify and Whop (`createTestApp(…, { shopify: true, whop: true })`);
   * otherwise the bare app on loopback.
   */
  services?: boolean;
  /**
   * Send a normal Chrome User-Agent. Headless Chromium says `HeadlessChrome/…`, which the Shopify library's
   * `isbot` check flags: `auth.begin` then answers 410 and the join is refused.
   */
  browserUserAgent?: boolean;
}

/** A served test app, a fresh Chromium context, and a page that records problems. */
async function openBrowser(options: BrowserOptions = {}): Promise<
  AsyncDisposable & {
    t: TestApp;
    origin: string;
    browser: BrowserContext;
    page: Page;
    problems: string[];
    shot(name: string): Promise<void>;
  }
> {
  await ensureIslandBundles();
  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  let t: TestApp;
  let origin: string;
  if (options.services) {
    t = await createTestApp({}, { shopify: true, whop: true });
    origin = t.url!;
  } else {
    server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => t.app.fetch(request));
    origin = `http://127.0.0.1:${server.addr.port}`;
    t = await createTestApp({ APP_URL: origin });
  }
  t.clock.ms = Date.now();
  let launched: TestBrowser | undefined;
  try {
    launched = await launchBrowser({ desktopUserAgent: options.browserUserAgent });
    const { context: browser, page, problems } = launched;
    const opened = launched;
    return {
      t,
      origin,
      browser,
      page,
      problems,
      async shot(name) {
        await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
      },
      async [Symbol.asyncDispose]() {
        await opened[Symbol.asyncDispose]();
        await server?.shutdown();
        await t[Symbol.asyncDispose]();
      },
    };
  } catch (error) {
    await launched?.[Symbol.asyncDispose]();
    await server?.shutdown();
    await t[Symbol.asyncDispose]();
    throw error;
  }
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

/**
 * Starts recording, in the page, the wall-clock time of every change to the
 * leaderboard's rows (a `MutationObserver`), so a test can tell when the DOM
 * first showed a given state.
 */
function recordBoardChanges(page: Page): Promise<void> {
  return page.evaluate(() => {
    const board = document.querySelector(".live-leaderboard")!;
    const read = () =>
      [...board.querySelectorAll("tbody tr[data-participant-id]")].map((tr) =>
        [".rank", ".store-name", ".revenue"].map((s) => tr.querySelector(s)?.textContent?.trim()).join("|")
      ).join("\n");
    const log: { at: number; rows: string }[] = [];
    (globalThis as { boardChanges?: typeof log }).boardChanges = log;
    new MutationObserver(() => {
      const rows = read();
      if (log.at(-1)?.rows !== rows) log.push({ at: performance.timeOrigin + performance.now(), rows });
    }).observe(board, { subtree: true, childList: true, characterData: true });
  });
}

/**
 * Runs `act` (which makes the simulated Shopify send webhooks), waits up to
 * one second for the leaderboard to show `expected`, and returns the
 * milliseconds from `act` to the DOM change.
 */
async function msUntilBoardShows(page: Page, expected: string[], act: () => unknown): Promise<number> {
  const started = Date.now();
  act();
  await page.waitForFunction(
    (rows) =>
      (globalThis as { boardChanges?: { rows: string }[] }).boardChanges?.some((c) => c.rows === rows.join("\n")),
    expected,
    { timeout: 1000 },
  );
  const changes = await page.evaluate(() =>
    (globalThis as { boardChanges?: { at: number; rows: string }[] })
      .boardChanges!
  );
  const shown = changes.find((c) => c.rows === expected.join("\n"))!;
  return Math.round(shown.at - started);
}

Deno.test("pages in Chromium - a visitor keeps a competition page open; signed Shopify webhooks move totals and ranks live", async () => {
  await using session = await openBrowser({ services: true });
  const { t, origin, page, problems, shot } = session;
  const shopify = t.shopify!;
  t.clock.ms = Date.now() - 2 * HOUR;
  const { competition } = await competitionStartedAnHourAgo(t, CREATOR, 0, "Live Cup");
  const NORTH = "north-wind.myshopify.com";
  const SOUTH = "south-pole.myshopify.com";
  for (const [i, [shop, name]] of [[NORTH, "North Wind"], [SOUTH, "South Pole"]].entries()) {
    shopify.createShop({ shop, name, currency: "USD" });
    const { callback } = await joinStore(t, competition.id, `owner_${i}`, shop);
    assert.equal(callback.status, 303);
    assert.equal(callback.headers.get("location"), `/competitions/${competition.id}`);
    await settledSync(t, (await participantOf(t, competition.id, shop))!.id);
    assert.ok(shopify.subscriptions(shop).some((s) => s.topic === "orders/create"), "the join subscribed webhooks");
    t.clock.advance(1000); // North Wind joins first, so it leads the tie at zero
  }

  let refused = 0; // the stream fails twice first: the island must reconnect on its own
  await page.route("**/events", (route) => refused++ < 2 ? route.fulfill({ status: 503, body: "" }) : route.continue());
  await page.goto(`${origin}/competitions/${competition.id}`);
  await page.locator(".pill-reconnecting", { hasText: "Reconnecting…" }).waitFor({ timeout: 2000 });
  await page.locator(".pill-live", { hasText: "Connected" }).waitFor({ timeout: 5000 });
  assert.equal(refused, 3);
  assert.match(await page.evaluate(() => navigator.userAgent), /HeadlessChrome/, "the UA the join test replaces");
  await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded = true);
  // Tied at zero: both share rank 1; North Wind, which joined first, is listed first.
  // Before the first counted order nobody is ranked yet.
  assert.deepEqual(await rows(page), ["–|North Wind|$0.00", "–|South Pole|$0.00"]);
  const chartBefore = await page.locator(".race-chart path.series").evaluateAll((paths) =>
    paths.map((p) => p.getAttribute("d"))
  );
  await recordBoardChanges(page);

  const latencies: Record<string, number> = {};
  t.clock.ms = Date.now();
  latencies["South Pole's order, North Wind down to 2nd"] = await msUntilBoardShows(
    page,
    ["1|South Pole|$125.50", "2|North Wind|$0.00"],
    () => shopify.createOrder(SOUTH, { totalPrice: "125.50" }),
  );
  const animations = await page.evaluate(() => document.getAnimations().map((a) => a.constructor.name));
  assert.ok(animations.includes("Animation"), `rows slide to their new place (${animations})`);
  assert.ok(animations.includes("CSSAnimation"), `moved rows flash (${animations})`);
  assert.equal(await page.locator("[aria-live=polite]").textContent(), "North Wind moved down to 2nd.");
  assert.equal(await page.locator("tr.row-down .store-name").textContent(), "North Wind");

  t.clock.ms = Date.now();
  let big!: { id: number };
  latencies["North Wind's order, swap to 1st"] = await msUntilBoardShows(
    page,
    ["1|North Wind|$210.00", "2|South Pole|$125.50"],
    () => big = shopify.createOrder(NORTH, { totalPrice: "210.00" }),
  );
  assert.match(await page.locator("[aria-live=polite]").textContent() ?? "", /North Wind moved up to 1st\./);
  await page.waitForFunction(() => document.getAnimations().length === 0);
  await shot("pages_live_leaderboard_swap");

  t.clock.ms = Date.now();
  latencies["refund of $100 on North Wind, swap back"] = await msUntilBoardShows(
    page,
    ["1|South Pole|$125.50", "2|North Wind|$110.00"],
    () => shopify.refundOrder(NORTH, big.id, "100.00"),
  );
  assert.match(await page.locator("[aria-live=polite]").textContent() ?? "", /South Pole moved up to 1st\./);
  await shopify.flushWebhooks();
  const sent = shopify.deliveries.filter((d) => d.url === `${origin}/api/shopify/webhooks`);
  assert.deepEqual(
    sent.filter((d) => d.topic.startsWith("orders/")).map((d) => [d.topic, d.shop]),
    [["orders/create", SOUTH], ["orders/create", NORTH], ["orders/updated", NORTH]],
  );
  assert.ok(sent.every((d) => d.status === "delivered" && d.responseStatus === 200), "every signed webhook accepted");

  for (const [what, ms] of Object.entries(latencies)) console.log(`webhook -> DOM: ${what}: ${ms} ms`);
  assert.ok(Object.values(latencies).every((ms) => ms < 1000), JSON.stringify(latencies));
  const chartAfter = await page.locator(".race-chart path.series").evaluateAll((paths) =>
    paths.map((p) => p.getAttribute("d"))
  );
  assert.notDeepEqual(chartAfter, chartBefore, "the race chart moved too");
  assert.equal(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded), true);
  await page.waitForFunction(() => document.getAnimations().length === 0);
  await shot("pages_live_leaderboard");

  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
  await shot("pages_live_leaderboard_360");
  const expected = /status of 503/; // the two refused stream connections
  assert.deepEqual(problems.filter((p) => !expected.test(p)), [], "no console errors or CSP violations");
});

Deno.test("pages in Chromium - a store owner signs in with Whop, joins through Shopify's login and approve pages and is in", async () => {
  await using session = await openBrowser({ services: true, browserUserAgent: true });
  const { t, origin, page, problems, shot } = session;
  const shopify = t.shopify!;
  t.clock.ms = Date.now() - 2 * HOUR;
  const { competition } = await competitionStartedAnHourAgo(t, CREATOR, 1, "Join Cup");
  t.clock.ms = Date.now();
  shopify.createShop({ shop: "cara-goods.myshopify.com", name: "Cara & Co <Goods>", currency: "USD" });
  const competitionUrl = `${origin}/competitions/${competition.id}`;
  assert.doesNotMatch(await page.evaluate(() => navigator.userAgent), /Headless/);

  await page.goto(competitionUrl);
  await shot("join_1_signed_out");
  await page.locator(".side").getByRole("link", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "Continue with Whop" }).click();
  await page.waitForURL(`${t.whop!.origin}/oauth/authorize?**`);
  await shot("join_2_whop_user_picker");
  await Promise.all([
    page.waitForURL(competitionUrl),
    page.getByRole("button", { name: /Cara Shopkeeper/ }).click(),
  ]);
  assert.equal(await page.locator(".user-name").textContent(), "Cara Shopkeeper");

  await page.getByLabel("Your Shopify store").fill("cara goods");
  await Promise.all([
    page.waitForURL(`${competitionUrl}?joinError=*`),
    page.getByRole("button", { name: "Connect store and join" }).click(),
  ]);
  assert.equal(
    await page.getByRole("alert").textContent(),
    "Enter your store's address as name.myshopify.com (or paste its admin.shopify.com/store/name link).",
  );
  assert.equal(await page.getByLabel("Your Shopify store").getAttribute("aria-invalid"), "true");
  await shot("join_3_refused_shop");

  await page.getByLabel("Your Shopify store").fill("https://admin.shopify.com/store/cara-goods");
  // Not logged in to the store: Shopify's login, on its other origin, first.
  await Promise.all([
    page.waitForURL(`${shopify.accountsOrigin}/login?**`),
    page.getByRole("button", { name: "Connect store and join" }).click(),
  ]);
  await Promise.all([
    page.waitForURL(`${shopify.origin}/cara-goods.myshopify.com/admin/oauth/authorize?**`),
    page.getByRole("button", { name: "Log in" }).click(),
  ]);
  assert.match(await page.locator("h1").textContent() ?? "", /Install CartBrawl/);
  assert.match(await page.locator("main").textContent() ?? "", /Cara & Co <Goods>/);
  await shot("join_4_shopify_approve");
  await Promise.all([page.waitForURL(competitionUrl), page.getByRole("button", { name: "Approve" }).click()]);

  const participant = (await participantOf(t, competition.id, "cara-goods.myshopify.com"))!;
  assert.equal(participant.userId, "user_OwnerCaraT8w3n", "the signed-in Whop user");
  assert.equal(
    (await page.locator(".your-store .notice").first().textContent())?.replace(/\s+/g, " "),
    "You're in with Cara & Co <Goods> (cara-goods.myshopify.com).",
  );
  assert.equal(await page.getByLabel("Your Shopify store").count(), 0, "no join form any more");
  await page.locator(".live-leaderboard tr", { hasText: "Cara & Co <Goods>" }).waitFor();
  assert.deepEqual(await rows(page), ["–|Store 0|$0.00", "–|Cara & Co <Goods>|$0.00"]);
  assert.equal(
    await page.locator(".live-leaderboard tr", { hasText: "Cara & Co <Goods>" }).locator(".you-tag").textContent(),
    "You",
  );
  await shot("join_5_joined");

  await settledSync(t, participant.id);
  await page.reload();
  assert.equal(await page.locator(".sync-state").textContent(), "Up to date");
  assert.equal(await page.locator(".sync-orders").textContent(), "0");
  assert.match(await page.locator(".sync-last").textContent() ?? "", /UTC$/);
  await shot("join_6_synced");
  const sandboxFavicons = [t.whop!.origin, shopify.origin].map((o) => `404 (Not Found) at ${o}/favicon.ico`);
  assert.deepEqual(
    problems.filter((p) => !sandboxFavicons.some((f) => p.endsWith(f))),
    [],
    "no console errors or CSP violations (the simulated Whop and Shopify serve no favicon)",
  );
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
  // Tabbing through the empty form says nothing yet.
  await page.locator("#field-title").focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
  assert.equal(await page.locator(".field-error").count(), 0, "no errors from merely passing through fields");
  // Escape closes the header's notifications menu.
  await page.locator("details.notifications summary").click();
  assert.equal(await page.locator("details.notifications").getAttribute("open"), "");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("details.notifications").getAttribute("open"), null);
  await page.locator("#field-title").fill("x");
  await page.locator("#field-prize").fill("1.234");
  await page.locator("#field-prize").press("Tab");
  assert.equal(
    await page.locator("#field-title-error").textContent(),
    "Give the competition a title of at least 3 characters.",
  );
  assert.equal(await page.locator("#field-prize-error").textContent(), "USD amounts have at most 2 decimal places.");
  assert.equal(await page.locator("#field-title").getAttribute("aria-invalid"), "true");
  // The start comes filled in (the next full hour); emptied, it is an error.
  await page.locator("#field-startDate").fill("");
  await page.locator("#field-startDate").blur(); // its message appears (and the button moves) before the click
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
  await page.locator("#field-duration").selectOption("custom");
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

  await page.goto(`${origin}/competitions/new`, { waitUntil: "networkidle" }); // the island hydrated
  // The currency is chosen from Whop's list (the common ones first, named), which the island read from the page.
  const currencies = page.locator("#field-currency option");
  assert.equal(await page.locator("#field-currency").evaluate((el) => el.tagName), "SELECT");
  assert.deepEqual(await currencies.evaluateAll((options) => options.slice(0, 2).map((o) => o.textContent)), [
    "USD · US Dollar",
    "EUR · Euro",
  ]);
  assert.ok(await currencies.count() > 60, "every currency Whop pays out in");
  const scripts = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLLinkElement | HTMLScriptElement>("link[rel=modulepreload], script[src]")]
      .map((element) => "href" in element ? element.href : element.src)
  );
  for (const script of scripts) {
    assert.doesNotMatch(await (await fetch(script)).text(), /Kuwaiti|"kwd"/i, `${script} does not carry the list`);
  }
  await page.locator("#field-currency").selectOption("JPY");
  await page.locator("#field-prize").fill("2500.5");
  await page.locator("#field-prize").press("Tab");
  assert.match(await page.locator("#field-prize-error").textContent() ?? "", /JPY/, "checked in the chosen currency");
  const start = new Date(Date.now() + 2 * HOUR).toISOString().slice(0, 16);
  const end = new Date(Date.now() + 50 * HOUR).toISOString().slice(0, 16);
  await page.locator("#field-title").fill("Spring Brawl");
  await page.locator("#field-prize").fill("2500");
  await page.locator("#field-startDate").fill(start);
  await page.locator("#field-endDate").fill(end);
  await Promise.all([
    page.waitForURL(/\/competitions\/\w+\/manage$/),
    page.getByRole("button", { name: "Create draft" }).click(),
  ]);
  assert.match(await page.locator("h1").textContent() ?? "", /Spring Brawl/);
  assert.match(await page.locator(".prize").textContent() ?? "", /¥2,500/, "the prize in the chosen currency");
  const expected = /ERR_FAILED|status of 400/; // the aborted island scripts, the 400 page of the refused form
  assert.deepEqual(problems.filter((p) => !expected.test(p)), [], "no console errors or CSP violations");
});
