/**
 * A creator's manage page with a long review queue (cash-on-delivery stores:
 * every order held until paid), in Chromium at a desktop (1280×800) and a
 * phone (390×844) size: each list shows its first `REVIEW_SHOWN` orders with
 * the totals, "Show all" opens the whole queue, nothing overflows the phone's
 * width and axe finds no serious violation.
 *
 * Screenshots in `tests/artifacts/review_queue_*.png`.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../testing/browser.ts";
import { seriousViolations, serveTestApp, signIn } from "../testing/browser_app.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { orderAt } from "../testing/orders.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { REVIEW_SHOWN } from "../lib/competitions/page_views/manage.ts";

const ARTIFACTS = "tests/artifacts";
const CREATOR = "user_creator";

Deno.test("review queue in Chromium - a queue of a hundred held orders shows fifty, its totals and the way to all", async () => {
  await using served = await serveTestApp();
  const { t, origin } = served;
  const start = t.clock.ms - 3600_000;
  const { competition, participants } = await activeCompetition(t.kv, { start, stores: 3, creatorId: CREATOR });
  const waiting = 2 * REVIEW_SHOWN;
  for (let i = 0; i < waiting + 8; i++) {
    const order = orderAt(start + 60_000 + i * 1000, String(7000 + i), 12_00 + i * 25, 0, { payment: "pending" });
    await recordOrder(t.kv, participants[i % 3].id, order, t.clock.ms + i);
  }
  for (let i = 0; i < 8; i++) {
    const paid = orderAt(start + 60_000 + i * 1000, String(7000 + i), 12_00 + i * 25, 60_000, { payment: "paid" });
    await recordOrder(t.kv, participants[i % 3].id, paid, t.clock.ms + 1000);
  }
  for (
    const [size, viewport] of [["1280", { width: 1280, height: 800 }], ["390", { width: 390, height: 844 }]] as const
  ) {
    await using browser = await launchBrowser({ viewport });
    const { page } = browser;
    await signIn(page, t, origin, CREATOR);
    await page.goto(`${origin}/competitions/${competition.id}/manage#review`);
    const queue = page.getByRole("list", { name: "Orders waiting for a decision" });
    assert.equal(await queue.getByRole("listitem").count(), REVIEW_SHOWN);
    assert.equal(await page.locator("#review-heading .count").textContent(), String(waiting));
    await page.getByText(`The first ${REVIEW_SHOWN} of ${waiting}`).scrollIntoViewIfNeeded();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    assert.deepEqual(await seriousViolations(page), []);
    await page.screenshot({ path: `${ARTIFACTS}/review_queue_${size}.png` });
    await page.getByRole("link", { name: `Show all ${waiting}` }).click();
    await page.waitForURL(/review=all/);
    assert.equal(await queue.getByRole("listitem").count(), waiting);
    assert.deepEqual(browser.problems, []);
  }
});
