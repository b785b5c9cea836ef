/**
 * The divisions' tabs in Chromium, at a desktop (1280×800) and a phone
 * (390×844) size: a store owner sees its own division first and marked, its
 * board moves live with its division's orders only, and the other division
 * is one link away, with JavaScript and without. Screenshots in
 * `tests/artifacts/divisions_*`.
 */
import assert from "node:assert/strict";
import { launchBrowser, type Page } from "../testing/browser.ts";
import { seriousViolations, serveTestApp, signIn } from "../testing/browser_app.ts";
import { competitionInDivisions } from "../testing/page_fixtures.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";

const ARTIFACTS = "tests/artifacts";
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }] as const;

/** The board's rows as "store|revenue", top to bottom. */
function rows(page: Page): Promise<string[]> {
  return page.$$eval(
    ".leaderboard tbody tr[data-participant-id]",
    (trs) =>
      trs.map((tr) =>
        `${tr.querySelector(".store-name")?.textContent?.trim()}|${tr.querySelector(".revenue")?.textContent?.trim()}`
      ),
  );
}

/** The tabs as "name" (with " *" for the current one). */
function tabs(page: Page): Promise<string[]> {
  return page.$$eval(
    ".division-tabs a",
    (links) => links.map((a) => `${a.textContent?.trim()}${a.getAttribute("aria-current") === "page" ? " *" : ""}`),
  );
}

Deno.test("divisions in Chromium - the owner's division first, live within it, the other a link away, with and without JavaScript", async () => {
  await using served = await serveTestApp();
  const { t, origin } = served;
  t.clock.ms = Date.now() - 2 * 3600_000;
  const { competition, participants } = await competitionInDivisions(t, "creator");
  const page$ = `${origin}/competitions/${competition.id}`;
  const order = (id: string, cents: number) => {
    const at = new Date().toISOString();
    return {
      orderId: id,
      createdAt: at,
      updatedAt: at,
      amount: cents,
      currency: "USD",
      test: false,
      cancelled: false,
    };
  };

  for (const size of SIZES) {
    await using browser = await launchBrowser({ viewport: size });
    const { page } = browser;
    await signIn(page, t, origin, "owner_0");
    await page.goto(page$, { waitUntil: "load" });
    await page.locator(".pill-live").waitFor({ timeout: 5000 });
    assert.deepEqual(await tabs(page), ["EstablishedYours *", "Rising"], "the owner's division first, current");
    const established = await rows(page);
    const before = size === SIZES[0] ? ["Store 0", "Store 2", "Store 4"] : ["Store 4", "Store 0", "Store 2"];
    assert.deepEqual(established.map((row) => row.split("|")[0]), before);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
    assert.ok(overflow <= 0, `${size.width}px scrolls sideways by ${overflow} px`);
    assert.deepEqual(await seriousViolations(page), [], `axe at ${size.width}px`);
    await page.screenshot({ path: `${ARTIFACTS}/divisions_tabs_${size.width}.png`, fullPage: true });

    if (size.width === SIZES[0].width) {
      // An order in Rising leaves this board alone; one in Established moves it at once.
      await recordOrder(t.kv, participants[3].id, order("rising-1", 90_000), Date.now());
      await recordOrder(t.kv, participants[4].id, order("established-1", 20_000), Date.now());
      await page.waitForFunction(
        () => document.querySelector(".leaderboard tbody tr .store-name")?.textContent?.includes("Store 4"),
        undefined,
        { timeout: 5000 },
      );
      assert.deepEqual((await rows(page)).map((row) => row.split("|")[0]), ["Store 4", "Store 0", "Store 2"]);
    }

    await Promise.all([
      page.waitForURL(`${page$}?division=1`),
      page.locator(".division-tabs a", { hasText: "Rising" }).click(),
    ]);
    assert.deepEqual(await tabs(page), ["EstablishedYours", "Rising *"]);
    assert.deepEqual((await rows(page)).map((row) => row.split("|")[0]), ["Store 3", "Store 1"]);
    assert.match(await page.locator(".division-facts").textContent() ?? "", /30-day sales below \$1,000\.00/);
    await page.screenshot({ path: `${ARTIFACTS}/divisions_other_${size.width}.png`, fullPage: true });
    assert.deepEqual(browser.problems, []);
  }

  // Without JavaScript the tabs are plain links to server-rendered boards.
  await using plain = await launchBrowser({ viewport: SIZES[1], javaScriptEnabled: false });
  await plain.page.goto(page$, { waitUntil: "load" });
  assert.deepEqual(await tabs(plain.page), ["Rising *", "Established"], "a visitor starts on the first division");
  await Promise.all([
    plain.page.waitForURL(`${page$}?division=2`),
    plain.page.locator(".division-tabs a", { hasText: "Established" }).click(),
  ]);
  assert.deepEqual((await rows(plain.page)).map((row) => row.split("|")[0]), ["Store 4", "Store 0", "Store 2"]);
  await plain.page.screenshot({ path: `${ARTIFACTS}/divisions_tabs_nojs_390.png`, fullPage: true });
});
