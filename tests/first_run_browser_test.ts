/**
 * The README's first-run walkthrough in Chromium, against `deno run -A
 * main.ts` started on an empty data file with no credentials (sandbox mode):
 *
 * 1. the seeded demo is on `/` and its live leaderboard moves by itself
 *    (simulated customers; the screenshot is `docs/leaderboard.png`); the
 *    demo season is listed beside the competitions, and its page shows its
 *    round 1 racing in both divisions;
 * 2. a demo creator signs in through the simulated Whop's user picker,
 *    creates a competition, funds it on the simulated checkout page and
 *    starts it now (sandbox);
 * 3. a demo store owner signs in, joins by logging in to the simulated
 *    Shopify (its login is on another origin) and approving on its install
 *    page, and an order placed on the simulated Shopify's demo page moves the
 *    leaderboard live;
 * 4. the creator fast-forwards to the end (sandbox) and sees the winner and
 *    the payout sent.
 *
 * Screenshots go to `tests/artifacts/first_run_*.png`.
 */
import assert from "node:assert/strict";
import { launchBrowser, type Page, type TestBrowser } from "../testing/browser.ts";
import { type AppProcess, freePort, startAppProcess } from "../testing/app_process.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";

const ARTIFACTS = "tests/artifacts";

/** The leaderboard rows as "store|revenue", top to bottom. */
function rows(page: Page): Promise<string[]> {
  return page.$$eval(
    ".live-leaderboard tbody tr[data-participant-id]",
    (trs) =>
      trs.map((tr) => [".store-name", ".revenue"].map((s) => tr.querySelector(s)?.textContent?.trim()).join("|")),
  );
}

/** The origin the process logged for a simulator. */
function simOrigin(app: AppProcess, name: "Whop" | "Shopify"): string {
  const match = new RegExp(`"simulated ${name} started","origin":"([^"]+)"`).exec(app.output());
  assert.ok(match, `the ${name} origin is logged`);
  return match[1];
}

Deno.test("first run in Chromium - the demo moves; create, fund, start, join, order, fast-forward, winner paid", async () => {
  const started = performance.now();
  const lap = (what: string) => console.log(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await ensureIslandBundles();
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl-first-run-browser-" });
  const port = freePort();
  const appUrl = `http://localhost:${port}`;
  const app = await startAppProcess({
    PORT: String(port),
    KV_PATH: `${dir}/data/cartbrawl.sqlite3`,
    LOG_LEVEL: "info",
    SHOPIFY_API_KEY: "",
    WHOP_API_KEY: "",
  });
  let launched: TestBrowser | undefined;
  try {
    const whopOrigin = simOrigin(app, "Whop");
    const shopifyOrigin = simOrigin(app, "Shopify");
    launched = await launchBrowser({ desktopUserAgent: true });
    const { context: browser, page, problems } = launched;
    const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/first_run_${name}.png`, fullPage: true });

    const signInAs = async (name: string) => {
      await page.goto(`${appUrl}/signin`);
      await page.getByRole("link", { name: "Continue with Whop" }).click();
      await page.waitForURL(`${whopOrigin}/oauth/authorize?**`);
      await Promise.all([
        page.waitForURL(`${appUrl}/**`),
        page.getByRole("button", { name: new RegExp(name) }).click(),
      ]);
      assert.equal(await page.locator(".user-name").textContent(), name);
    };
    const signOut = () =>
      Promise.all([page.waitForURL(`${appUrl}/**`), page.getByRole("button", { name: "Sign out" }).click()]);

    // 1. The seeded demo: a live competition with five stores in two divisions on `/`, moving by itself.
    const liveCard = page.locator(".competition-card", { hasText: "Winter Sales Brawl" });
    for (let attempt = 0;; attempt++) {
      await page.goto(`${appUrl}/?status=ACTIVE`);
      if (await liveCard.count() === 1 && /Stores\s*5/.test(await liveCard.textContent() ?? "")) break;
      assert.ok(attempt < 40, "the seeded live competition is listed within 10 s");
      await page.waitForTimeout(250);
    }
    lap("the demo is listed");
    await shot("1_home");
    await liveCard.getByRole("link", { name: "Winter Sales Brawl" }).click();
    // Its first division's board (the two stores that sold under $100,000 before), with a tab for the other.
    await page.locator(".live-leaderboard tbody tr[data-participant-id]").nth(1).waitFor();
    assert.deepEqual(await page.locator(".division-tabs a").allTextContents(), ["Rising", "Established"]);
    const demoBoard = await rows(page);
    assert.equal(demoBoard.length, 2);
    await page.waitForFunction(
      (before) =>
        [...document.querySelectorAll(".live-leaderboard tbody tr[data-participant-id]")].map((tr) =>
          [".store-name", ".revenue"].map((s) => tr.querySelector(s)?.textContent?.trim()).join("|")
        ).join("\n") !== before,
      demoBoard.join("\n"),
      { timeout: 30_000 },
    );
    lap("the demo leaderboard moved");
    // For the README's screenshot: a few more seconds, until every store has sold (bounded).
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll(".live-leaderboard tbody tr[data-participant-id] .revenue")]
          .filter((cell) => cell.textContent?.trim() !== "$0.00").length >= 2,
      undefined,
      { timeout: 15_000 },
    ).catch(() => {});
    await page.waitForFunction(() => document.getAnimations().length === 0);
    await page.screenshot({ path: `${ARTIFACTS}/first_run_2_demo_leaderboard.png` });

    // The demo season, listed on `/` beside the competitions, racing round 1 in its two divisions.
    const seasonLink = page.locator("#seasons-heading + .cards a", { hasText: "Demo League" });
    for (let attempt = 0;; attempt++) {
      await page.goto(`${appUrl}/`);
      if (await seasonLink.count() === 1 && /Live/.test(await page.locator(".season-card").textContent() ?? "")) break;
      assert.ok(attempt < 120, "the demo season is listed and live within 30 s");
      await page.waitForTimeout(250);
    }
    await seasonLink.click();
    await page.waitForURL(`${appUrl}/seasons/**`);
    const liveRound = (await page.locator("section[aria-labelledby='live-round-heading']").textContent()) ?? "";
    assert.match(liveRound, /Racing now: round 1/);
    assert.match(liveRound, /Rising/);
    assert.match(liveRound, /Established/);
    assert.match(await page.locator(".season-facts").textContent() ?? "", /in each of the 2 divisions' standings/);
    await shot("2_demo_season");
    lap("the demo season is live in two divisions");

    // 2. A creator signs in, creates and funds a competition, and starts it now.
    await signInAs("Ben Builder");
    await page.goto(`${appUrl}/competitions/new`);
    const startAt = new Date(Date.now() + 2 * 3_600_000).toISOString().slice(0, 16);
    const endAt = new Date(Date.now() + 50 * 3_600_000).toISOString().slice(0, 16);
    await page.locator("#field-title").fill("First Run Cup");
    await page.locator("#field-prize").fill("150");
    await page.locator("#field-startDate").fill(startAt);
    await page.locator("#field-endDate").fill(endAt);
    await Promise.all([
      page.waitForURL(/\/competitions\/\w+\/manage$/),
      page.getByRole("button", { name: "Create draft" }).click(),
    ]);
    const manageUrl = page.url();
    const competitionUrl = manageUrl.replace(/\/manage$/, "");
    const breakdown = (await page.locator(".fund-breakdown").textContent())?.replace(/\s+/g, " ");
    assert.match(breakdown ?? "", /Prize\s*\$150\.00\s*Whop fee\s*\$4\.48\s*You pay\s*\$154\.48/);
    await Promise.all([
      page.waitForURL(`${manageUrl.replace(/\/manage$/, "")}/fund`),
      page.getByRole("button", { name: "Fund $150.00 with Whop" }).click(),
    ]);
    await page.getByRole("link", { name: "Continue to Whop to pay $154.48" }).click();
    // Whop's checkout pages are on an origin of their own (PORT+3), not its API's.
    await page.waitForURL((url) => url.pathname.startsWith("/checkout/ch_") && url.origin !== whopOrigin);
    await page.getByLabel(/Ben Builder/).check();
    await shot("3_whop_checkout");
    await Promise.all([page.waitForURL(manageUrl), page.getByRole("button", { name: "Pay $154.48" }).click()]);
    assert.equal(
      await page.locator(".page-head .badge").first().textContent(),
      "Upcoming",
    );
    await shot("4_funded");
    await Promise.all([
      page.waitForURL(manageUrl),
      page.getByRole("button", { name: "Start now (sandbox)" }).click(),
    ]);
    assert.equal(await page.locator(".page-head .badge").first().textContent(), "Live");
    await shot("4_started_now");
    lap("created, funded and started");
    await signOut();

    // 3. A store owner joins through the simulated Shopify's approve page; an order moves the board.
    await signInAs("Cara Shopkeeper");
    await page.goto(competitionUrl);
    await page.getByLabel("Your Shopify store").fill("cara-goods.myshopify.com");
    // Not logged in to the store: Shopify sends the browser to its login, on another origin, and back.
    await Promise.all([
      page.waitForURL(/^http:\/\/localhost:\d+\/login\?/),
      page.getByRole("button", { name: "Connect store and join" }).click(),
    ]);
    await shot("5_shopify_login");
    await Promise.all([
      page.waitForURL(`${shopifyOrigin}/cara-goods.myshopify.com/admin/oauth/authorize?**`),
      page.getByRole("button", { name: "Log in" }).click(),
    ]);
    await shot("5_shopify_approve");
    await Promise.all([page.waitForURL(competitionUrl), page.getByRole("button", { name: "Approve" }).click()]);
    await page.locator(".live-leaderboard tr", { hasText: "Cara Goods" }).waitFor();
    assert.deepEqual(await rows(page), ["Cara Goods|$0.00"]);
    lap("joined");

    const shopifyPage = await browser.newPage();
    await shopifyPage.goto(shopifyOrigin);
    const shopRow = shopifyPage.locator("tr", { hasText: "cara-goods.myshopify.com" }).filter({
      has: shopifyPage.getByRole("button", { name: "Place order" }),
    });
    await shopRow.getByLabel("Order total").fill("125.50");
    await Promise.all([
      shopifyPage.waitForURL(new RegExp(`^${shopifyOrigin}/\\?shop=cara-goods`)),
      shopRow.getByRole("button", { name: "Place order" }).click(),
    ]);
    await page.locator(".live-leaderboard tr", { hasText: "$125.50" }).waitFor({ timeout: 5_000 });
    assert.deepEqual(await rows(page), ["Cara Goods|$125.50"], "the board moved without a reload");
    await shopifyPage.close();
    await page.waitForFunction(() => document.getAnimations().length === 0);
    await shot("6_order_on_the_board");
    lap("an order moved the board");
    await signOut();

    // 4. The creator fast-forwards to the end: the winner, and the prize paid out through Whop.
    await signInAs("Ben Builder");
    await page.goto(manageUrl);
    await Promise.all([
      page.waitForURL(manageUrl),
      page.getByRole("button", { name: "Fast-forward to the end (sandbox)" }).click(),
    ]);
    // The results stay provisional for the sandbox's settlement window (30 s): refunds still count, then they freeze.
    assert.equal(await page.locator(".page-head .badge").first().textContent(), "Settling");
    await shot("7_settling");
    const settlingFrom = Date.now();
    while (
      await page.locator(".page-head .badge").first().textContent() !== "Completed" &&
      Date.now() - settlingFrom < 60_000
    ) {
      await page.waitForTimeout(2_000);
      await page.reload();
    }
    assert.equal(await page.locator(".page-head .badge").first().textContent(), "Completed");
    const payout = page.locator("section", { has: page.getByRole("heading", { name: "Payout" }) });
    assert.match(await payout.textContent() ?? "", /Winner: Cara Goods\./);
    // The prize's funds are pending for the simulated Whop's 30 s hold: the payout waits, then pays.
    const waitedFrom = Date.now();
    while (!/Paid out/.test(await payout.textContent() ?? "") && Date.now() - waitedFrom < 60_000) {
      assert.match(await payout.textContent() ?? "", /Waiting for funds to clear|Payout pending|Sending payout/);
      await page.waitForTimeout(2_000);
      await page.reload();
    }
    assert.match(await payout.textContent() ?? "", /Paid out/);
    await shot("8_paid_out");
    await page.goto(competitionUrl);
    assert.match(
      (await page.locator(".winner").textContent())?.replace(/\s+/g, " ") ?? "",
      /Cara Goods won with \$125\.50/,
    );
    await shot("8_final_result");
    lap("fast-forwarded, winner paid");

    const sandboxFavicons = [whopOrigin, shopifyOrigin].map((o) => `404 (Not Found) at ${o}/favicon.ico`);
    assert.deepEqual(
      problems.filter((p) => !sandboxFavicons.some((f) => p.endsWith(f))),
      [],
      "no console errors or CSP violations (the simulators serve no favicon)",
    );
    assert.doesNotMatch(app.output(), /"level":"error"/);
  } finally {
    await launched?.[Symbol.asyncDispose]();
    await app.kill();
    await Deno.remove(dir, { recursive: true });
  }
});
