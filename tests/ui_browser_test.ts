/**
 * The pages as people see them, in Chromium at a desktop (1280×800) and a
 * phone (390×844) size: browse, a competition upcoming, live and completed,
 * one in divisions (its tabs, and its manage page), a draft's manage page
 * (its edit form with the division rows), the creator's
 * dashboard, the new-competition form (its division rows), the manage page, a
 * store owner's "Your stores" and the landing of a join from Whop's frame.
 * Each must fit the width (no sideways scrolling) and pass axe-core with no
 * serious or critical violation; each is saved to `tests/artifacts/`.
 * Then, in Los Angeles: times are written in Pacific time, the live race
 * fills most of the chart, and a store keeps its colour when it is overtaken.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../testing/browser.ts";
import { seriousViolations, serveTestApp, signIn } from "../testing/browser_app.ts";
import { saveUser } from "../lib/core/users.ts";
import { competitionInDivisions, competitionStartedAnHourAgo, draftCompetition } from "../testing/page_fixtures.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant, type Participant } from "../lib/competitions/participants.ts";
import { type OrderDelivery, recordOrder } from "../lib/competitions/revenue.ts";
import { applyCustomerRequest } from "../lib/shopify/customer_requests.ts";

const CREATOR = "user_creator";
const OWNER = "owner_0";
const ARTIFACTS = "tests/artifacts";
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }] as const;

/** An order of `cents` created `minutesIn` minutes after `startMs`. */
function order(id: string, cents: number, startMs: number, minutesIn: number): OrderDelivery {
  const at = new Date(startMs + minutesIn * 60_000).toISOString();
  return { orderId: id, createdAt: at, updatedAt: at, amount: cents, currency: "USD", test: false, cancelled: false };
}

/** The app on loopback with one competition in each state the pages show. */
async function world() {
  const served = await serveTestApp();
  const { t, origin } = served;
  await saveUser(t.kv, { id: CREATOR, name: "Ava Creator", username: "ava" }, t.clock.ms);
  await saveUser(t.kv, { id: OWNER, name: "Owen Owner", username: "owen" }, t.clock.ms);

  const upcomingDraft = await draftCompetition(t, CREATOR, "Holiday Cup");
  const { competition: upcoming } = await updateCompetition(
    t.kv,
    upcomingDraft.id,
    t.clock.ms,
    "status",
    (c) => ({ ...c, status: "UPCOMING" }),
  );
  for (const i of [0, 1]) {
    await createParticipant(t.kv, upcoming.id, {
      userId: `waiting_${i}`,
      shop: `waiting-${i}.myshopify.com`,
      displayName: `Waiting Store ${i}`,
      currency: "USD",
    }, t.clock.ms);
  }

  const done = await competitionStartedAnHourAgo(t, CREATOR, 3, "Autumn Sprint");
  for (const [i, p] of done.participants.entries()) {
    await recordOrder(
      t.kv,
      p.id,
      order(`d${i}`, 10_000 * (i + 1), Date.parse(done.competition.startDate), 5),
      t.clock.ms,
    );
  }
  await updateCompetition(t.kv, done.competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "COMPLETED",
    completedAt: new Date(t.clock.ms).toISOString(),
    winner: {
      participantId: done.participants[2].id,
      userId: done.participants[2].userId,
      displayName: "Store 2",
      shop: done.participants[2].shop,
      revenue: 30_000,
      reachedAt: new Date(t.clock.ms).toISOString(),
      decidedAt: new Date(t.clock.ms).toISOString(),
    },
  }));

  const league = await competitionInDivisions(t, CREATOR);
  const live = await competitionStartedAnHourAgo(t, CREATOR, 3, "Winter Sales Brawl");
  const start = Date.parse(live.competition.startDate);
  const amounts = [[4_500, 2_000], [3_000, 1_500], [1_200, 900]];
  for (const [i, p] of live.participants.entries()) {
    for (const [j, cents] of amounts[i].entries()) {
      await recordOrder(t.kv, p.id, order(`l${i}-${j}`, cents, start, 10 + 20 * j + i), t.clock.ms);
    }
  }
  // A store the owner connected (installed from Shopify), with an answered customer data request.
  const shop = "cara-goods.myshopify.com";
  const profile = { ownerUserId: OWNER, name: "Cara Goods", currency: "USD" };
  await t.deps.shopify!.connections.save(shop, { accessToken: "shpat_ui", scope: "read_orders" }, profile);
  await applyCustomerRequest(
    t.kv,
    shop,
    "customers/data_request",
    {
      shop_domain: shop,
      customer: { id: 7 },
      orders_requested: [],
      data_request: { id: 9001 },
    },
    "ui-delivery",
    t.clock.ms,
  );
  // Last, so the clock does not pass its start: its manage page shows the edit form.
  const draft = await draftCompetition(t, CREATOR, "Spring League");
  return {
    t,
    origin,
    upcoming,
    live: live.competition,
    league: league.competition,
    draft,
    liveStores: live.participants,
    completed: done.competition,
    [Symbol.asyncDispose]: () => served[Symbol.asyncDispose](),
  };
}

Deno.test("ui in Chromium - every page fits a desktop and a phone, passes axe, and is saved as a screenshot", async () => {
  await using w = await world();
  const pages: { name: string; path: string; as?: string }[] = [
    { name: "browse", path: "/" },
    { name: "competition_upcoming", path: `/competitions/${w.upcoming.id}` },
    { name: "competition_live", path: `/competitions/${w.live.id}`, as: OWNER },
    { name: "competition_completed", path: `/competitions/${w.completed.id}` },
    { name: "dashboard", path: "/dashboard", as: CREATOR },
    { name: "new", path: "/competitions/new", as: CREATOR },
    { name: "manage", path: `/competitions/${w.live.id}/manage`, as: CREATOR },
    { name: "competition_divisions", path: `/competitions/${w.league.id}`, as: OWNER },
    { name: "manage_divisions", path: `/competitions/${w.league.id}/manage?division=1`, as: CREATOR },
    { name: "manage_draft", path: `/competitions/${w.draft.id}/manage`, as: CREATOR },
    { name: "stores", path: "/stores", as: OWNER },
    { name: "shopify_connected", path: "/shopify/connected?joinError=currency" },
  ];
  const problems: string[] = [];
  for (const size of SIZES) {
    await using browser = await launchBrowser({ viewport: size });
    const { page } = browser;
    for (const { name, path, as } of pages) {
      await page.context().clearCookies();
      if (as) await signIn(page, w.t, w.origin, as);
      const response = await page.goto(`${w.origin}${path}`, { waitUntil: "load" });
      assert.equal(response?.status(), 200, `${path} as ${as ?? "a visitor"}`);
      await page.waitForTimeout(300);
      // Folded sections are checked and shown open.
      await page.evaluate(() =>
        document.querySelectorAll("details.data-requests, details.division-fields").forEach((d) =>
          d.setAttribute("open", "")
        )
      );
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - globalThis.innerWidth);
      if (overflow > 0) problems.push(`${name} at ${size.width}px scrolls sideways by ${overflow} px`);
      for (const violation of await seriousViolations(page)) problems.push(`${name} at ${size.width}px: ${violation}`);
      await page.screenshot({ path: `${ARTIFACTS}/ui_${name}_${size.width}.png`, fullPage: true });
    }
    problems.push(...browser.problems.map((problem) => `browser at ${size.width}px: ${problem}`));
  }
  assert.deepEqual(problems, []);
});

Deno.test("ui in Chromium - in Los Angeles: Pacific times, a live race across the chart, colours that survive overtaking", async () => {
  await using w = await world();
  await using browser = await launchBrowser({ viewport: SIZES[0], timezoneId: "America/Los_Angeles" });
  const { page } = browser;
  await signIn(page, w.t, w.origin, OWNER);
  await page.goto(`${w.origin}/competitions/${w.live.id}`, { waitUntil: "load" });
  await page.locator(".pill-live").waitFor({ timeout: 5000 });

  const rules = await page.locator(".rules").textContent();
  assert.match(rules ?? "", /P[SD]T/, "the start and end are in Pacific time");
  assert.doesNotMatch(rules ?? "", /UTC/);

  const span = await page.evaluate(() => {
    const svg = document.querySelector(".race-chart svg") as SVGSVGElement;
    const paths = [...svg.querySelectorAll("path.series")] as SVGPathElement[];
    const boxes = paths.map((path) => path.getBBox());
    const left = Math.min(...boxes.map((b) => b.x));
    const right = Math.max(...boxes.map((b) => b.x + b.width));
    return (right - left) / svg.viewBox.baseVal.width;
  });
  assert.ok(span >= 0.4, `the plotted race spans ${Math.round(span * 100)}% of the chart`);

  const colourOf = (p: Participant) =>
    page.locator(`.race-chart path[data-participant-id="${p.id}"]`).getAttribute("class");
  const last = w.liveStores[2];
  const before = await colourOf(last);
  // The last store overtakes everyone.
  const start = Date.parse(w.live.startDate);
  await recordOrder(w.t.kv, last.id, order("overtake", 50_000, start, 70), w.t.clock.ms);
  await page.locator(`.leaderboard tbody tr:first-child[data-participant-id="${last.id}"]`).waitFor({ timeout: 5000 });
  assert.equal(await colourOf(last), before, "the store that moved to 1st kept its colour");
  assert.match(
    await page.locator(`.leaderboard tr[data-participant-id="${w.liveStores[0].id}"]`).textContent() ?? "",
    /You/,
    "the owner's row is marked",
  );
  await page.screenshot({ path: `${ARTIFACTS}/ui_competition_live_la.png`, fullPage: true });

  // The create form: Pacific wall-clock times, the start at the next full hour, a length with its end spelled out.
  await page.context().clearCookies();
  await signIn(page, w.t, w.origin, CREATOR);
  await page.goto(`${w.origin}/competitions/new`, { waitUntil: "load" });
  await page.locator("#field-startDate-hint", { hasText: "America/Los_Angeles" }).waitFor({ timeout: 5000 });
  const formStart = await page.locator("#field-startDate").inputValue();
  const hourAhead = new Date(Math.floor(w.t.clock.ms / 3_600_000) * 3_600_000 + 3_600_000);
  const pacific = (date: Date) =>
    new Intl.DateTimeFormat("sv-SE", {
      timeZone: "America/Los_Angeles",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    }).format(date).replace(" ", "T");
  assert.equal(formStart, pacific(hourAhead), "the next full hour, in Pacific time");
  await page.locator("#field-duration").selectOption("86400");
  assert.match(await page.locator("#field-duration-hint").textContent() ?? "", /^Ends .* P[SD]T$/);
  await page.screenshot({ path: `${ARTIFACTS}/ui_new_la.png`, fullPage: true });
  assert.deepEqual(browser.problems, []);
});
