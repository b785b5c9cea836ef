/**
 * The manage page as the creator needs it at each stage, in Chromium at a
 * desktop (1280×800) and a phone (390×844) size: a draft, before the start, while
 * the race runs, while it settles (the live board, labelled provisional)
 * and once final (the results and payouts first, with the exports). What
 * is not needed now is folded (`<details>`), so the phone's page stays a
 * sensible length; each page fits the width, passes axe-core, and is saved
 * in `tests/artifacts/manage_*`. The document heights are printed: on the
 * phone each funded stage stays under {@link PHONE_MAX_PX} (the live page was
 * 4,765 px with every card open).
 */
import assert from "node:assert/strict";
import { orderAt } from "../testing/orders.ts";
import { launchBrowser } from "../testing/browser.ts";
import { seriousViolations, serveTestApp, signIn } from "../testing/browser_app.ts";
import { saveUser } from "../lib/core/users.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { draftCompetition } from "../testing/page_fixtures.ts";
import { type Competition, updateCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant } from "../lib/competitions/participants.ts";
import { type OrderDelivery, recordOrder } from "../lib/competitions/revenue.ts";
import { decidePlaces } from "../lib/competitions/leaderboard.ts";
import { competitionActions } from "../lib/competitions/actions.ts";
import { requestPayout } from "../lib/whop/payouts.ts";
import type { Page } from "npm:playwright-core@1.65.1";

const CREATOR = "user_creator";
const ARTIFACTS = "tests/artifacts";
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }] as const;
const HOUR = 3_600_000;
const NAMES = ["Cara Goods", "Eli Supply", "Dee Deals", "Nora Knits", "Otto Outfitters"];
/** The longest a stage's page may be on the phone, px. */
const PHONE_MAX_PX = 2_800;

/** An order of `cents` placed `minutes` after `start`. */
const order = (id: string, cents: number, start: number, minutes: number, extra: Partial<OrderDelivery> = {}) =>
  orderAt(start + minutes * 60_000, id, cents, 0, extra);

/** A race of five stores with sales, a held order and a disqualified store, in `status`. */
async function race(t: Awaited<ReturnType<typeof serveTestApp>>["t"], title: string) {
  const start = t.clock.ms - 3 * HOUR;
  const { competition, participants } = await activeCompetition(t.kv, {
    start,
    durationMs: 2 * 86_400_000,
    stores: 5,
    creatorId: CREATOR,
    title,
    prizeSplit: [60, 30, 10],
    nameOf: (i) => NAMES[i],
  });
  for (const [i, p] of participants.entries()) {
    for (let j = 0; j < 3; j++) {
      await recordOrder(
        t.kv,
        p.id,
        order(`${i}${j}01`, (5 - i) * 4_000 + j * 1_250, start, 20 + 30 * j + i),
        t.clock.ms,
      );
    }
  }
  await recordOrder(t.kv, participants[1].id, order("1999", 9_900, start, 100, { manual: true }), t.clock.ms);
  await competitionActions(t.deps).disqualify(
    { competitionId: competition.id, participantId: participants[4].id },
    CREATOR,
    "Orders from its own staff",
  );
  return { competition, participants };
}

/** The app with the creator's competition at each stage. */
async function world() {
  const served = await serveTestApp();
  const { t } = served;
  await saveUser(t.kv, { id: CREATOR, name: "Ava Creator", username: "ava" }, t.clock.ms);

  const unfunded = await draftCompetition(t, CREATOR, "July Cup");
  const draft = await draftCompetition(t, CREATOR, "June Cup");
  const upcoming = await updateCompetition(t.kv, draft.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "UPCOMING",
    fundsTxId: "pay_june",
  }));
  for (const i of [0, 1]) {
    await createParticipant(t.kv, upcoming.competition.id, {
      userId: `waiting_${i}`,
      shop: `waiting-${i}.myshopify.com`,
      displayName: NAMES[i],
      currency: "USD",
    }, t.clock.ms);
  }

  const live = await race(t, "Winter Sales Brawl");
  const settling = await race(t, "Autumn Sprint");
  await updateCompetition(t.kv, settling.competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "SETTLING",
    endDate: new Date(t.clock.ms - HOUR).toISOString(),
    settlesAt: new Date(t.clock.ms + 2 * 86_400_000).toISOString(),
  }));
  const done = await race(t, "Summer Showdown");
  const decided = await decidePlaces(t.kv, done.competition, t.clock.ms);
  const { competition: completed } = await updateCompetition(t.kv, done.competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "COMPLETED",
    endDate: new Date(t.clock.ms - HOUR).toISOString(),
    resultsFrozenAt: new Date(t.clock.ms).toISOString(),
    completedAt: new Date(t.clock.ms).toISOString(),
    winner: decided.places[0],
    places: decided.places,
    unearned: decided.unearned,
  }));
  for (const place of decided.places) await requestPayout(t.deps.lifecycle, completed, place);
  return {
    served,
    competitions: {
      draft: unfunded,
      upcoming: upcoming.competition,
      live: live.competition,
      settling: settling.competition,
      completed,
    } as Record<string, Competition>,
    [Symbol.asyncDispose]: () => served[Symbol.asyncDispose](),
  };
}

/** The cards of the page in order: each heading's text and whether its card is folded. */
function cards(page: Page) {
  return page.$$eval("main .card", (cards) =>
    cards.map((card) => ({
      heading: card.querySelector("h2")?.textContent?.trim() ?? "",
      folded: card.tagName === "DETAILS" && !(card as HTMLDetailsElement).open,
    })));
}

/** What is wrong with the page of `stage`: what leads, what is folded, the exports. */
async function stageProblems(page: Page, stage: string): Promise<string[]> {
  const problems: string[] = [];
  const shown = await cards(page);
  const heading = (start: string) => shown.find((card) => card.heading.startsWith(start));
  const expect = (ok: boolean, what: string) => ok || problems.push(what);
  expect(heading("Audit log")?.folded === true, "the audit log is not folded");
  if (stage === "draft") {
    expect(shown[0]?.heading === "Fund the prize", `the draft starts with ${shown[0]?.heading}`);
    expect(heading("Edit the rules")?.folded === false, "the draft's rules are folded");
  }
  if (stage === "upcoming") expect(heading("Stores")?.folded === false, "the stores that joined are folded");
  if (stage === "live") {
    expect(heading("The race")?.folded === false, "the live board is not open");
    expect(heading("Orders to review")?.folded === false, "the review queue is not open");
    expect(heading("Stores")?.folded === true, "the stores are open while none needs attention");
  }
  if (stage === "settling") {
    expect(shown[0]?.heading === "Provisional results", `the page starts with ${shown[0]?.heading}`);
    expect(await page.locator(".live-leaderboard").count() === 1, "no live board while settling");
    expect(await page.getByText("Provisional — final on").count() === 1, "the board is not labelled provisional");
    expect(heading("Orders to review")?.folded === false, "the review queue is folded while settling");
  }
  if (stage === "completed") {
    expect(shown[0]?.heading === "Results and payouts", `the page starts with ${shown[0]?.heading}`);
    for (const name of ["the board", "every store's orders"]) {
      const href = await page.locator(".results-card .exports a", { hasText: name }).getAttribute("href");
      const response = href ? await page.request.get(new URL(href, page.url()).href) : undefined;
      expect(
        response?.status() === 200 && /text\/csv/.test(response.headers()["content-type"] ?? ""),
        `the export of ${name} does not download (${href})`,
      );
    }
    expect(await page.getByText("1st place: Cara Goods").count() === 1, "the first place's payout is missing");
    expect(heading("Stores")?.folded === true, "the stores are open once final");
  }
  // A folded card opens with a click, without JavaScript's help.
  const audit = page.locator("details.card-fold", { has: page.locator("summary", { hasText: "Audit log" }) });
  await audit.locator("summary").click();
  expect(await audit.evaluate((details) => (details as HTMLDetailsElement).open), "the audit log did not open");
  return problems;
}

Deno.test("manage page in Chromium - at each stage what the creator needs first, a sensible length on a phone", async () => {
  await using w = await world();
  const { t, origin } = w.served;
  const problems: string[] = [];
  const heights: string[] = [];
  for (const size of SIZES) {
    await using browser = await launchBrowser({ viewport: size });
    const { page } = browser;
    await signIn(page, t, origin, CREATOR);
    for (const [stage, competition] of Object.entries(w.competitions)) {
      const response = await page.goto(`${origin}/competitions/${competition.id}/manage`, { waitUntil: "load" });
      assert.equal(response?.status(), 200, stage);
      await page.waitForTimeout(300);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      heights.push(`${stage} at ${size.width}px: ${height} px`);
      // A draft's page is its rules form, all of it needed: the funded stages must fit.
      if (size.width < 500 && stage !== "draft" && height > PHONE_MAX_PX) {
        problems.push(`${stage} is ${height} px long on the phone`);
      }
      problems.push(...(await stageProblems(page, stage)).map((problem) => `${stage} at ${size.width}px: ${problem}`));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
      if (overflow > 0) problems.push(`${stage} at ${size.width}px scrolls sideways by ${overflow} px`);
      for (const violation of await seriousViolations(page)) problems.push(`${stage} at ${size.width}px: ${violation}`);
      await page.screenshot({ path: `${ARTIFACTS}/manage_${stage}_${size.width}.png`, fullPage: true });
    }
    problems.push(...browser.problems.map((problem) => `browser at ${size.width}px: ${problem}`));
  }
  console.log(heights.join("\n"));
  assert.deepEqual(problems, []);
});
