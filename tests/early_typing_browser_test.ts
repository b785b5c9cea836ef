/**
 * What a visitor types before the create form's island wakes (a slow
 * connection: its scripts arrive after the page) is kept: the island adopts
 * the fields as typed instead of the values the server rendered, so the
 * form is checked and sent with them. In Chromium, the island scripts held
 * back until the fields are filled.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../testing/browser.ts";
import { serveTestApp, signIn } from "../testing/browser_app.ts";
import { listCompetitionsByCreator } from "../lib/competitions/competitions.ts";
import { HOUR } from "../testing/page_fixtures.ts";

const CREATOR = "user_creator";

Deno.test("create form in Chromium - fields typed before the island wakes are kept and sent", async () => {
  await using served = await serveTestApp();
  const { t, origin } = served;
  await using browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  const { page } = browser;
  await signIn(page, t, origin, CREATOR);
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => release = resolve);
  await page.route("**/static/islands/**", async (route) => {
    await arrived;
    await route.continue();
  });
  // The page is there, its scripts not yet (they hold up DOMContentLoaded, so wait for the field itself).
  await page.goto(`${origin}/competitions/new`, { waitUntil: "commit" });
  await page.locator("#field-duration").waitFor();
  assert.equal(await page.locator("cartbrawl-island[data-island=create_form] form").count(), 1);
  await page.locator("#field-title").fill("Typed Early Cup");
  await page.locator("#field-prize").fill("120");
  await page.locator("#field-startDate").fill(new Date(Date.now() + 2 * HOUR).toISOString().slice(0, 16));
  await page.locator("#field-duration").selectOption("86400");
  release();
  await page.waitForLoadState("networkidle"); // the island woke
  await Promise.all([
    page.waitForURL(/\/competitions\/\w+\/manage$/, { timeout: 10_000 }),
    page.getByRole("button", { name: "Create draft" }).click(),
  ]);
  const [draft] = await listCompetitionsByCreator(t.kv, CREATOR);
  assert.equal(draft.title, "Typed Early Cup");
  assert.equal(draft.prize, 12_000);
  assert.equal(Date.parse(draft.endDate) - Date.parse(draft.startDate), 86_400_000);
  assert.deepEqual(browser.problems, []);
});
