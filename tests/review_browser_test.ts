/**
 * Held and flagged orders as people see them, in Chromium at a desktop
 * (1280×800) and a phone (390×844) size: the creator's review queue (held
 * first, then flagged) and a decision taken through it — with JavaScript and
 * without — that moves a watching visitor's board live and lands in the
 * audit log; each store's counted, held and excluded orders on the board
 * (under privacy mode strangers get none while the race runs); a store owner's
 * "Your orders" with the reason and the creator's note; and the form's two
 * counting rules. Each page fits the width and passes axe-core with no
 * serious or critical violation; screenshots go to `tests/artifacts/review_*`.
 */
import assert from "node:assert/strict";
import { launchBrowser, type Page } from "../testing/browser.ts";
import { seriousViolations, serveTestApp, signIn } from "../testing/browser_app.ts";
import { orderAt } from "../testing/orders.ts";
import { competitionStartedAnHourAgo } from "../testing/page_fixtures.ts";
import { saveUser } from "../lib/core/users.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import { type Participant, updateParticipant } from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";

const CREATOR = "user_creator";
const ARTIFACTS = "tests/artifacts";
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }] as const;

/**
 * A live race of three stores with orders to review: Maya's draft order and
 * pending payment (held), Omar's order Shopify says to investigate (flagged),
 * and Tess's store, new, with no sales before the start (its one spike flag).
 * A second race in privacy mode has one held order.
 */
async function world() {
  const served = await serveTestApp();
  const { t, origin } = served;
  await saveUser(t.kv, { id: CREATOR, name: "Ava Creator", username: "ava" }, t.clock.ms);
  const names = ["Maya's Candles", "Northwind Outfitters", "Tidewater Surf Co."];
  const race = await competitionStartedAnHourAgo(t, CREATOR, 3, "Winter Sales Brawl");
  t.clock.ms = Date.now();
  const stores: Participant[] = [];
  for (const [i, p] of race.participants.entries()) {
    const history = i < 2 ? { revenue: 7_200_000, hours: 720, orders: 720 } : { revenue: 0, hours: 720, orders: 0 };
    stores.push(
      await updateParticipant(t.kv, p.id, t.clock.ms, "sync", (current) => ({
        ...current,
        displayName: names[i],
        shop: `${names[i].toLowerCase().replace(/[^a-z]+/g, "-").replace(/-$/, "")}.myshopify.com`,
        history,
      })),
    );
  }
  const start = Date.parse(race.competition.startDate);
  const at = (minutes: number) => start + minutes * 60_000;
  const record = (store: number, id: string, cents: number, minutes: number, patch = {}) =>
    recordOrder(t.kv, stores[store].id, orderAt(at(minutes), id, cents, 0, patch), t.clock.ms);
  await record(0, "1001", 45_00, 5);
  await record(0, "1002", 180_00, 8, { manual: true });
  await record(0, "1003", 62_50, 12, { payment: "pending" });
  await record(1, "2001", 38_00, 6);
  await record(1, "2002", 95_00, 14, { risk: "investigate" });
  await record(2, "3001", 120_00, 9);
  await record(2, "3002", 40_00, 75);

  const quiet = await competitionStartedAnHourAgo(t, CREATOR, 2, "Quiet Cup");
  await updateCompetition(t.kv, quiet.competition.id, t.clock.ms, "status", (c) => ({ ...c, privacy: "ranks" }));
  const quietStart = Date.parse(quiet.competition.startDate);
  await recordOrder(t.kv, quiet.participants[0].id, orderAt(quietStart + 60_000, "q1", 70_00), t.clock.ms);
  await recordOrder(
    t.kv,
    quiet.participants[0].id,
    orderAt(quietStart + 120_000, "q2", 30_00, 0, { manual: true }),
    t.clock.ms,
  );
  await recordOrder(t.kv, quiet.participants[1].id, orderAt(quietStart + 180_000, "q3", 20_00), t.clock.ms);
  return {
    t,
    origin,
    race: race.competition,
    stores,
    quiet: quiet.competition,
    [Symbol.asyncDispose]: () => served[Symbol.asyncDispose](),
  };
}

/** The page fits the width and passes axe (serious and critical); the problems found, one line each. */
async function check(page: Page, name: string): Promise<string[]> {
  const problems: string[] = [];
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
  if (overflow > 0) problems.push(`${name} scrolls sideways by ${overflow} px`);
  for (const violation of await seriousViolations(page)) problems.push(`${name}: ${violation}`);
  await page.screenshot({ path: `${ARTIFACTS}/review_${name}.png`, fullPage: true });
  return problems;
}

/** The review queue's open items, `#order state`, in order. */
function queue(page: Page): Promise<string[]> {
  return page.$$eval(
    ".review-list[aria-label='Orders waiting for a decision'] .review-item",
    (items) =>
      items.map((item) =>
        `#${item.querySelector(".review-order strong")?.textContent?.replace("Order #", "")} ${
          item.querySelector(".review-state .tag")?.textContent
        }`
      ),
  );
}

/** Each board row's store and its order counts as shown at this size (the column, or under the name on phones). */
function boardCounts(page: Page, board = ".leaderboard"): Promise<string[]> {
  return page.$$eval(`${board} tbody tr[data-participant-id]`, (rows) =>
    rows.map((row) => {
      const visible = [...row.querySelectorAll<HTMLElement>(".order-counts")].filter((el) => el.offsetParent !== null);
      const column = row.querySelector<HTMLElement>("td.hide-narrow");
      const counted = column && column.offsetParent !== null ? column.firstChild?.textContent : "";
      return `${row.querySelector(".store-name")?.textContent}|${counted}|${
        visible.map((el) => el.textContent).join()
      }`;
    }));
}

/** Waits (up to 5 s) until a board row shows `expected`, as {@link boardCounts} writes it; the live board moves by itself. */
async function waitForCounts(page: Page, expected: string): Promise<void> {
  for (let tries = 0; tries < 50; tries++) {
    if ((await boardCounts(page)).includes(expected)) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`no board row reads ${expected}: ${(await boardCounts(page)).join("; ")}`);
}

Deno.test("review in Chromium - the queue, a decision that moves a watcher's board, the counts, Your orders and the form, at desktop and phone sizes", async () => {
  await using w = await world();
  const problems: string[] = [];
  const [maya, , tess] = w.stores;
  for (const size of SIZES) {
    const phone = size.width < 500;
    await using browser = await launchBrowser({ viewport: size });
    const { page, context } = browser;
    await signIn(page, w.t, w.origin, CREATOR);
    await page.goto(`${w.origin}/competitions/${w.race.id}/manage`, { waitUntil: "load" });
    if (!phone) {
      assert.deepEqual(await queue(page), [
        "#1002 Held · draft or manual order",
        "#1003 Held · payment pending",
        "#2002 Counting, flagged · Shopify fraud analysis",
        "#3001 Counting, flagged · no sales history",
      ]);
      assert.match(
        await page.locator(`#flag-${tess.id}\\.3001 .review-reason`).textContent() ?? "",
        /no meaningful sales before the start[\s\S]*this is its one flag/,
      );
    }
    problems.push(...await check(page, `manage_${size.width}`));

    // A visitor watches the public board while the creator decides (desktop: the draft order; phone: the pending one).
    const board = await context.newPage();
    await board.goto(`${w.origin}/competitions/${w.race.id}`, { waitUntil: "load" });
    await board.locator(".pill-live").waitFor({ timeout: 5000 });
    const before = phone ? "Maya's Candles||2 orders · 1 held" : "Maya's Candles|1|2 held";
    assert.ok((await boardCounts(board)).includes(before), (await boardCounts(board)).join());
    problems.push(...await check(board, `competition_counts_${size.width}`));

    const flagId = `${maya.id}.${phone ? "1003" : "1002"}`;
    const item = page.locator(`#flag-${flagId.replace(".", "\\.")}`);
    await item.locator("input[name=note]").fill(phone ? "Paid at the counter" : "Paid by bank transfer, I checked");
    await Promise.all([page.waitForURL(/decided=/), item.getByRole("button", { name: /^Count / }).click()]);
    assert.match(
      await page.locator(".notice[role=status]").textContent() ?? "",
      /now counts: the board has moved and the store has been told/,
    );
    assert.match(
      await page.locator(".audit-log tbody tr").last().textContent() ?? "",
      /Ava Creator.*Counted order #100[23] of Maya's Candles/,
    );
    const after = phone ? "Maya's Candles||3 orders" : "Maya's Candles|2|1 held";
    await waitForCounts(board, after);
    await board.close();
    problems.push(...await check(page, `manage_decided_${size.width}`));

    // The store owner's own orders: the reason of each, the decision and the note quoted as the creator's.
    await context.clearCookies();
    await signIn(page, w.t, w.origin, maya.userId);
    await page.goto(`${w.origin}/competitions/${w.race.id}`, { waitUntil: "load" });
    const yours = await page.locator("section.your-orders").textContent() ?? "";
    assert.match(yours, /Yes: counted by the creator/);
    assert.match(yours, /The creator's note: “?Paid (by bank transfer, I checked|at the counter)/);
    if (!phone) assert.match(yours, /Held.*Shopify says the payment is still pending/);
    await page.locator("section.your-orders").scrollIntoViewIfNeeded();
    problems.push(...await check(page, `your_orders_${size.width}`));

    // Privacy mode: while the race runs a stranger sees no counts (a held order would time the store's orders).
    await context.clearCookies();
    await page.goto(`${w.origin}/competitions/${w.quiet.id}`, { waitUntil: "load" });
    await page.locator(".pill-live").waitFor({ timeout: 5000 });
    assert.deepEqual(
      (await boardCounts(page)).map((row) => row.replace(/^[^|]*\|/, "")),
      phone ? ["|", "|"] : ["–|", "–|"],
    );
    assert.equal(await page.locator(".counts-legend").count(), 0);
    problems.push(...await check(page, `privacy_counts_${size.width}`));

    // The form: the suggested cap follows the prize typed; a bad cap shows next to its field.
    await signIn(page, w.t, w.origin, CREATOR);
    // The island's scripts loaded (the form hydrates as they run) before typing.
    await page.goto(`${w.origin}/competitions/new`, { waitUntil: "networkidle" });
    await page.waitForTimeout(200);
    await page.locator("#field-prize").fill("500.00");
    await page.locator("#field-customerCap-hint", { hasText: "Suggested: 125.00 USD" }).waitFor({ timeout: 5000 });
    await page.locator("#field-countManualOrders").check();
    await page.locator("#field-customerCap").fill("-5");
    await page.locator("#field-customerCap").blur();
    assert.equal(
      await page.locator("#field-customerCap-error").textContent(),
      "Enter the customer cap as an amount such as 250.00.",
    );
    await page.locator("fieldset.field-group").scrollIntoViewIfNeeded();
    problems.push(...await check(page, `form_${size.width}`));
    problems.push(...browser.problems.map((problem) => `browser at ${size.width}px: ${problem}`));
  }
  assert.deepEqual(problems, []);
});

Deno.test("review in Chromium - without JavaScript a decision is a form post that comes back to the queue", async () => {
  await using w = await world();
  await using browser = await launchBrowser({ viewport: SIZES[0], javaScriptEnabled: false });
  const { page } = browser;
  await signIn(page, w.t, w.origin, CREATOR);
  await page.goto(`${w.origin}/competitions/${w.race.id}/manage`, { waitUntil: "load" });
  const omar = w.stores[1];
  const item = page.locator(`#flag-${omar.id}\\.2002`);
  await item.locator("input[name=note]").fill("Shopify was right");
  await Promise.all([page.waitForURL(/decided=/), item.getByRole("button", { name: /^Exclude / }).click()]);
  assert.match(new URL(page.url()).hash, /^#review$/);
  assert.match(
    await page.locator(".notice[role=status]").textContent() ?? "",
    /Order #2002 of Northwind Outfitters is excluded/,
  );
  assert.equal((await queue(page)).length, 3);
  assert.match(
    await page.locator(".review-more").first().textContent() ?? "",
    /Excluded by you[\s\S]*Shopify was right/,
  );
  await page.screenshot({ path: `${ARTIFACTS}/review_manage_nojs_1280.png`, fullPage: true });
  assert.deepEqual(browser.problems, []);
});
