/**
 * TV mode (`/competitions/:id/tv`) in Chromium at 1280×800 and 390×844:
 * reached from the competition page, no site chrome, large type; it moves
 * with the live stream, celebrates an overtake and the end (still, with the
 * line said, under `prefers-reduced-motion`); privacy mode hides every
 * figure even from the signed-in creator; `?division=` shows that
 * division's board. Screenshots in `tests/artifacts/tv_*`.
 */
import assert from "node:assert/strict";
import { orderAt } from "../testing/orders.ts";
import { launchBrowser, type Page } from "../testing/browser.ts";
import { seriousViolations, serveTestApp, signIn } from "../testing/browser_app.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { getCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { updateParticipant } from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { decidePlaces } from "../lib/competitions/leaderboard.ts";

const ARTIFACTS = "tests/artifacts";
const HOUR = 3_600_000;
const NAMES = ["Cara Goods", "Eli Supply", "Dee Deals"];

/** An order of `cents` placed at `at`. */
const order = (id: string, cents: number, at: number) => orderAt(at, id, cents);

/** The board's rows as "rank name figure". */
function rows(page: Page) {
  return page.$$eval(
    ".tv-places li",
    (items) =>
      items.map((item) => [...item.children].map((cell) => cell.textContent?.trim()).filter(Boolean).join(" ")),
  );
}

Deno.test("TV mode in Chromium - large, no chrome, live, a celebration on an overtake and at the end; privacy and divisions hold", async () => {
  await using served = await serveTestApp();
  const { t, origin } = served;
  const start = t.clock.ms - HOUR;
  const { competition, participants } = await activeCompetition(t.kv, {
    start,
    stores: 3,
    creatorId: "user_creator",
    title: "Winter Sales Brawl",
    prizeSplit: [70, 30],
    nameOf: (i) => NAMES[i],
  });
  for (const [i, p] of participants.entries()) {
    await recordOrder(t.kv, p.id, order(`${i}01`, 30_000 - i * 10_000, start + 60_000), t.clock.ms);
  }
  const secret = await activeCompetition(t.kv, { start, stores: 2, creatorId: "user_creator", title: "Quiet Cup" });
  await updateCompetition(t.kv, secret.competition.id, t.clock.ms, "status", (c) => ({ ...c, privacy: "ranks" }));
  for (const [i, p] of secret.participants.entries()) {
    await recordOrder(t.kv, p.id, order(`s${i}`, 12_345 - i * 5_000, start + 60_000), t.clock.ms);
  }
  const divided = await activeCompetition(t.kv, {
    start,
    stores: 3,
    title: "Split Cup",
    divisions: [{ name: "Rising", upTo: "1000.00", prize: "200.00" }, { name: "Established", prize: "300.00" }],
    nameOf: (i) => NAMES[i],
  });
  for (const [i, p] of divided.participants.entries()) {
    await updateParticipant(t.kv, p.id, t.clock.ms, "leaderboard", (row) => ({ ...row, division: i < 2 ? 1 : 2 }));
  }

  const problems: string[] = [];
  for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    await using browser = await launchBrowser({ viewport: size });
    const { page } = browser;
    const at = (text: string) => `${text} at ${size.width}px`;

    // Reached from the competition page.
    await page.goto(`${origin}/competitions/${competition.id}`);
    await Promise.all([page.waitForURL(/\/tv$/), page.getByRole("link", { name: "TV mode" }).click()]);
    await page.locator(".tv-state-live").waitFor({ timeout: 5_000 });
    // The first size opens on the starting board; the second on the board the first size's orders left.
    const opening = size.width === 1280
      ? ["1 Cara Goods $300.00 $350.00", "2 Eli Supply $200.00 $150.00", "3 Dee Deals $100.00"]
      : ["1 Eli Supply $800.00 $350.00", "2 Dee Deals $500.00 $150.00", "3 Cara Goods $300.00"];
    assert.deepEqual(await rows(page), opening);
    assert.equal(await page.locator(".site-header, nav, footer").count(), 0, at("site chrome on the TV"));
    const type = await page.evaluate(() => ({
      title: parseFloat(getComputedStyle(document.querySelector(".tv-head h1")!).fontSize),
      leader: parseFloat(getComputedStyle(document.querySelector(".tv-places li")!).fontSize),
    }));
    const large = size.width > 500 ? { title: 60, leader: 40 } : { title: 30, leader: 18 };
    assert.ok(type.title >= large.title && type.leader >= large.leader, at(`type too small: ${JSON.stringify(type)}`));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    if (overflow > 0) problems.push(at(`scrolls sideways by ${overflow} px`));
    problems.push(...(await seriousViolations(page)).map(at));
    await page.screenshot({ path: `${ARTIFACTS}/tv_live_${size.width}.png` });

    // An overtake: Dee Deals jumps to the lead, with confetti.
    await recordOrder(t.kv, participants[2].id, order(`o${size.width}`, 40_000, t.clock.ms), t.clock.ms);
    await page.locator(".tv-cheer p", { hasText: "Dee Deals takes the lead!" }).waitFor({ timeout: 3_000 });
    assert.match((await rows(page))[0] ?? "", /^1 Dee Deals/);
    assert.ok(await page.evaluate(() => document.getAnimations().length > 0), at("the overtake is not animated"));
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${ARTIFACTS}/tv_overtake_${size.width}.png` });

    // Under reduced motion the line still comes, without any movement.
    await page.emulateMedia({ reducedMotion: "reduce" });
    await recordOrder(t.kv, participants[1].id, order(`r${size.width}`, 60_000, t.clock.ms), t.clock.ms);
    await page.locator(".tv-cheer p", { hasText: "Eli Supply takes the lead!" }).waitFor({ timeout: 3_000 });
    assert.equal(await page.evaluate(() => document.getAnimations().length), 0, at("motion under reduced motion"));
    assert.equal(await page.locator(".tv-confetti").isVisible(), false, at("confetti under reduced motion"));
    await page.emulateMedia({ reducedMotion: "no-preference" });

    // Privacy mode: even the creator's TV shows shares, never a figure, before and after a live frame.
    await signIn(page, t, origin, "user_creator");
    await page.goto(`${origin}/competitions/${secret.competition.id}/tv`);
    await page.locator(".tv-state-live").waitFor({ timeout: 5_000 });
    await recordOrder(t.kv, secret.participants[1].id, order(`q${size.width}`, 100, t.clock.ms), t.clock.ms);
    await page.waitForTimeout(500);
    const figures = await page.$$eval(".tv-figure", (cells) => cells.map((cell) => cell.textContent).join(" | "));
    assert.match(figures, /^100% \| \d+%$/, at(`figures on the private TV: ${figures}`));
    assert.doesNotMatch(await page.locator(".tv").textContent() ?? "", /123\.45/, at("a figure on the private TV"));
    assert.equal(await page.locator(".tv-places meter").count(), 2, at("no shares on the private TV"));

    // Divisions: ?division=2 is that division's board, reached from the competition page's tab.
    await page.goto(`${origin}/competitions/${divided.competition.id}?division=2`);
    await Promise.all([page.waitForURL(/\/tv\?division=2$/), page.getByRole("link", { name: "TV mode" }).click()]);
    assert.equal((await page.locator(".tv-division").textContent())?.trim(), "Established");
    assert.deepEqual((await rows(page)).map((row) => row?.split(" ").slice(1, 3).join(" ")), ["Dee Deals"]);
    await page.screenshot({ path: `${ARTIFACTS}/tv_division_${size.width}.png` });
    problems.push(...browser.problems.map(at));
  }

  // The end: time is up (settling), then the winner, each celebrated on an open TV.
  await using browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  const { page } = browser;
  await page.goto(`${origin}/competitions/${competition.id}/tv`);
  await page.locator(".tv-state-live").waitFor({ timeout: 5_000 });
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "SETTLING",
    settlesAt: new Date(t.clock.ms + HOUR).toISOString(),
  }));
  await page.locator(".tv-cheer p", { hasText: "Time! Eli Supply finishes first." }).waitFor({ timeout: 3_000 });
  const decided = await decidePlaces(t.kv, await getCompetition(t.kv, competition.id), t.clock.ms);
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "COMPLETED",
    resultsFrozenAt: new Date(t.clock.ms).toISOString(),
    completedAt: new Date(t.clock.ms).toISOString(),
    winner: decided.places[0],
    places: decided.places,
    unearned: decided.unearned,
  }));
  await page.locator(".tv-cheer p", { hasText: "Eli Supply wins!" }).waitFor({ timeout: 3_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${ARTIFACTS}/tv_winner_1280.png` });
  assert.equal((await page.locator(".tv-winner").textContent())?.trim(), "Eli Supply won");
  assert.equal(await page.locator(".tv-state").textContent(), "Final");
  problems.push(...browser.problems);
  assert.deepEqual(problems, []);
});
