/**
 * A store climbing a long live board, in Chromium at a phone's size: every
 * row it passes moves down one place, but only the rows on screen flash and
 * slide (each animated row costs the browser its style every frame; see
 * `bench/live_update_browser_bench.ts`), the climber flashes wherever it came
 * from, and the announcement names five moves and counts the others instead
 * of reading out every row.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../testing/browser.ts";
import { serveTestApp } from "../testing/browser_app.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { orderAt } from "../testing/orders.ts";

const STORES = 40;

Deno.test("board climb in Chromium - on a long board only the rows in view flash and slide; the announcement stays short", async () => {
  await using served = await serveTestApp();
  const { t, origin } = served;
  const { competition, participants } = await activeCompetition(t.kv, {
    start: Date.now() - 3600_000,
    stores: STORES,
  });
  // Store i has (STORES - i) × $10: the board lists them in order, the last at the bottom.
  for (const [i, participant] of participants.entries()) {
    await recordOrder(t.kv, participant.id, orderAt(Date.now(), `o${i}`, (STORES - i) * 1_000), t.clock.ms);
  }
  await using browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
  const { page, problems } = browser;
  await page.goto(`${origin}/competitions/${competition.id}`);
  await page.locator(".pill-live").waitFor({ timeout: 5000 });
  const rows = page.locator(".live-leaderboard tbody tr[data-participant-id]");
  assert.equal(await rows.count(), STORES);
  const last = participants[STORES - 1];
  const onScreen = await page.$$eval(
    ".live-leaderboard tbody tr[data-participant-id]",
    (trs) => trs.filter((tr) => tr.getBoundingClientRect().top < innerHeight).length,
  );

  // The last store takes the lead: every other store moves down one place.
  await recordOrder(t.kv, last.id, orderAt(Date.now(), "climb", 1_000_000), Date.now());
  await page.waitForFunction(
    (id) => document.querySelector(".live-leaderboard tbody tr")?.getAttribute("data-participant-id") === id,
    last.id,
    { timeout: 5000 },
  );
  const announcement = await page.locator(".live-leaderboard [aria-live=polite]").textContent() ?? "";
  assert.match(announcement, new RegExp(`^${last.displayName} moved up to 1st\\. `));
  assert.match(announcement, new RegExp(`${STORES - 4} other stores moved too\\.$`));
  assert.equal(await page.locator(`tr.row-up[data-participant-id="${last.id}"]`).count(), 1, "the climber flashes");
  const flashing = await page.locator("tr.row-down").count();
  assert.ok(flashing > 0 && flashing <= onScreen, `${flashing} rows flash down, ${onScreen} were on screen`);
  // Rows sliding to their new place (script animations), each counted once.
  const sliding = await page.evaluate(() =>
    new Set(
      document.getAnimations().filter((animation) => !(animation instanceof CSSAnimation))
        .map((animation) => (animation.effect as KeyframeEffect).target),
    ).size
  );
  assert.ok(sliding > 0 && sliding < STORES - 1, `${sliding} of ${STORES} rows slide`);
  assert.deepEqual(problems, []);
});
