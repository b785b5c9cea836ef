/**
 * Everything a store owner sees is live and true, in Chromium at a desktop
 * (1280×800) and a phone (390×844) size, in Los Angeles and Tokyo, against
 * the simulated Shopify (signed webhooks) and Whop:
 *
 * - the first HTML (before any island runs, no zone known yet) shows no UTC
 *   time; once the browser said its zone, every time is in it, named;
 * - an order, a cancellation and a refund placed on the simulated Shopify
 *   move the board, "Your orders" and "Orders counted" together, each
 *   within a second;
 * - the race chart after a reload draws what the open tab drew, and what
 *   the stored history holds;
 * - a disqualification reaches the owner's open page (told so, with the
 *   reason; its orders not counting), and so does the reinstatement;
 * - the open page turns to settling ("final on …" in the reader's zone) and
 *   then to the final result with "You won $140.00", without a reload;
 * - no page, notification or banner then shows a UTC time, at either size,
 *   in either zone.
 *
 * The same story runs again in a competition with divisions (the other size
 * in each zone): the owner's page opens on its own division's tab, its board,
 * chart and panels follow that division's board (an order in the other
 * division moves none of them), and "You won" speaks the division's prize.
 *
 * Screenshots in `tests/artifacts/live_truth_*.png`.
 */
import assert from "node:assert/strict";
import { launchBrowser, type Page } from "../testing/browser.ts";
import { createTestApp, TEST_WHOP_SETTINGS, type TestApp, type TestClock } from "../testing/test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { addSalesHistory, joinStore, participantOf, settledSync } from "../testing/shopify.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import { saveUser } from "../lib/core/users.ts";
import { readRaceLines } from "../lib/competitions/race_series.ts";
import { leaderboardView } from "../lib/competitions/views.ts";
import { type Competition, getCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import type { Participant } from "../lib/competitions/participants.ts";
import { runStatusJob } from "../cron/status_job.ts";

const ARTIFACTS = "tests/artifacts";
const MINUTE = 60_000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** Whop users the simulated Whop knows, so the prize's transfer lands. */
const CREATOR = "user_CreatorAvaQ7m2x";
const CARA = { userId: "user_OwnerCaraT8w3n", shop: "cara-goods.myshopify.com", name: "Cara Goods" };
const ELI = { userId: "user_OwnerEliP5h1z", shop: "eli-goods.myshopify.com", name: "Eli Goods" };
/** With divisions: a small store (30-day sales of $300) in the first division, apart from Cara and Eli. */
const DEV = { userId: "user_OwnerDevS2j6v", shop: "dev-goods.myshopify.com", name: "Dev Goods" };
/** Two divisions: Cara's and Eli's usual sales ($10,000 in 30 days) put them in the second, for its $140. */
const DIVISIONS = [{ name: "Rising", upTo: "5000.00", prize: "60.00" }, { name: "Established", prize: "140.00" }];

await ensureIslandBundles();

/** Makes the test clock follow real time from now on (setting `clock.ms` moves it ahead or back). */
function followRealTime(clock: TestClock): void {
  let offset = 0;
  Object.defineProperty(clock, "ms", {
    get: () => Date.now() + offset,
    set: (ms: number) => offset = ms - Date.now(),
  });
}

/**
 * A 7-day race started 21 minutes ago: Cara's and Eli's stores joined through Shopify, each with two orders; with
 * `divisions`, Dev's small store is in the other division, with a bigger order than theirs.
 */
async function race(divisions: boolean) {
  const t = await createTestApp({ SETTLEMENT_DELAY_S: "3600" }, { shopify: true, whop: true });
  followRealTime(t.clock);
  const shopify = t.shopify!;
  const start = t.clock.ms - 21 * MINUTE;
  await saveUser(t.kv, { id: CREATOR, name: "Ava Creator" }, start);
  for (const owner of [CARA, ELI]) await saveUser(t.kv, { id: owner.userId, name: `${owner.name} owner` }, start);
  const { competition } = await activeCompetition(t.kv, {
    start,
    stores: 0,
    creatorId: CREATOR,
    title: "Spring Sales Brawl",
    ...(divisions ? { divisions: DIVISIONS } : { prize: "140.00" }),
  });
  await updateCompetition(t.kv, competition.id, start, "status", (c) => ({ ...c, fundsTxId: "pay_Funded" }));
  t.whop!.setBalance(TEST_WHOP_SETTINGS.companyId, "usd", 10_000);
  t.clock.ms = start + MINUTE;
  const stores: Participant[] = [];
  for (const owner of [CARA, ELI]) {
    shopify.createShop({ shop: owner.shop, name: owner.name, currency: "USD" });
    addSalesHistory(shopify, owner.shop, start); // usual sales before the start: the race's orders are no spikes
    await joinStore(t, competition.id, owner.userId, owner.shop);
    stores.push(await settledSync(t, (await participantOf(t, competition.id, owner.shop))!.id));
  }
  if (divisions) {
    await saveUser(t.kv, { id: DEV.userId, name: `${DEV.name} owner` }, start);
    shopify.createShop({ shop: DEV.shop, name: DEV.name, currency: "USD" });
    for (let day = 1; day <= 3; day++) {
      shopify.createOrder(DEV.shop, { totalPrice: "100.00", createdAt: start - day * 86_400_000 });
    }
    await joinStore(t, competition.id, DEV.userId, DEV.shop);
    await settledSync(t, (await participantOf(t, competition.id, DEV.shop))!.id);
  }
  // The history before anyone opens the page: Eli at minutes 2 and 9, Cara at 5 and 15 (#1101 and #1102, after the
  // hundred orders of its usual sales).
  const history = [[2, ELI, "35.00"], [5, CARA, "20.00"], [9, ELI, "15.00"], [15, CARA, "40.00"]] as const;
  for (const [minute, owner, price] of divisions ? [...history, [17, DEV, "500.00"] as const] : history) {
    t.clock.ms = start + minute * MINUTE;
    shopify.createOrder(owner.shop, { totalPrice: price });
    await shopify.flushWebhooks();
  }
  t.clock.ms = Date.now();
  return {
    t,
    competition,
    cara: stores[0],
    eli: stores[1],
    url: `${t.url}/competitions/${competition.id}`,
    divisions,
    [Symbol.asyncDispose]: () => t[Symbol.asyncDispose](),
  };
}

/** Signs the browser in as `userId`. */
async function signIn(page: Page, t: TestApp, userId: string): Promise<void> {
  const session = await createSession(t.kv, userId, t.clock.ms);
  await page.context().addCookies([{ name: sessionCookieName(t.url!), value: session, url: t.url! }]);
}

/** The text a reader sees in an HTML document (tags and their attributes dropped). */
function visibleText(html: string): string {
  return html.replace(/<(script|style)\b[\s\S]*?<\/\1>/g, " ").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
}

/** Clock times written in UTC, or as machine timestamps, in `text`. */
function utcTimes(text: string): string[] {
  const patterns = [
    /\d{1,2}:\d{2}(?::\d{2})?\s*(?:UTC|GMT(?![+-]\d)|Z)\b/g,
    /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/g,
  ];
  return patterns.flatMap((pattern) => text.match(pattern) ?? []);
}

/** How a zone is named in an en-US time: "PST"/"PDT" in Los Angeles, "GMT+9" in Tokyo. */
function zoneName(timezoneId: string): RegExp {
  return timezoneId === "Asia/Tokyo" ? /GMT\+9/ : /P[SD]T/;
}

/** Each chart line's steps as [time (epoch ms), y], read back from the drawn SVG and its time domain. */
function chartSteps(page: Page): Promise<Record<string, [number, number][]>> {
  return page.evaluate(() => {
    const svg = document.querySelector(".race-chart svg") as SVGSVGElement;
    const from = Number(svg.dataset.from);
    const to = Number(svg.dataset.to);
    const [left, right] = [16, svg.viewBox.baseVal.width - 16];
    const lines: Record<string, [number, number][]> = {};
    for (const path of svg.querySelectorAll<SVGPathElement>("path.series")) {
      const d = path.getAttribute("d")!;
      const steps = [...d.matchAll(/H([\d.]+)V([\d.]+)/g)].map((m): [number, number] => [
        from + ((Number(m[1]) - left) / (right - left)) * (to - from),
        Number(m[2]),
      ]);
      lines[path.dataset.participantId!] = steps;
    }
    return lines;
  });
}

/** How close two drawn times must be: one pixel of the chart's span. */
async function pixelMs(page: Page): Promise<number> {
  return await page.evaluate(() => {
    const svg = document.querySelector(".race-chart svg") as SVGSVGElement;
    return (Number(svg.dataset.to) - Number(svg.dataset.from)) / (svg.viewBox.baseVal.width - 32);
  });
}

/** Asserts two charts' lines have the same steps: the same heights, at times at most `tolerance` apart. */
function assertSameSteps(
  actual: Record<string, [number, number][]>,
  expected: Record<string, [number, number][]>,
  tolerance: number,
  what: string,
): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: the same stores`);
  for (const [id, steps] of Object.entries(expected)) {
    const drawn = actual[id];
    assert.equal(drawn.length, steps.length, `${what}: ${id} has ${drawn.length} steps, not ${steps.length}`);
    for (const [i, [at, y]] of steps.entries()) {
      assert.ok(Math.abs(drawn[i][0] - at) <= tolerance, `${what}: ${id} step ${i} at ${drawn[i][0]}, not ${at}`);
      if (y >= 0) {
        assert.ok(Math.abs(drawn[i][1] - y) < 0.2, `${what}: ${id} step ${i} height ${drawn[i][1]}, not ${y}`);
      }
    }
  }
}

/**
 * Runs `act` (a change on the simulated Shopify) and waits for the board, "Your orders" and "Orders counted" to
 * show its result; returns how long each took, ms.
 */
async function together(
  page: Page,
  participantId: string,
  act: () => unknown,
  expected: { board: string; order: string; row: string; counted: string },
): Promise<{ board: number; orders: number; counted: number }> {
  const started = Date.now();
  const shown = (what: () => Promise<unknown>) => what().then(() => Date.now() - started);
  const waits = Promise.all([
    shown(() =>
      page.waitForFunction(
        ([id, text]) =>
          document.querySelector(`.live-leaderboard tr[data-participant-id="${id}"] .revenue`)?.textContent === text,
        [participantId, expected.board],
        { timeout: 3000, polling: 10 },
      )
    ),
    shown(() =>
      page.waitForFunction(
        ([name, row]) =>
          [...document.querySelectorAll<HTMLTableRowElement>("section.your-orders tbody tr")].some((tr) =>
            tr.cells[0]?.textContent === name && [...tr.cells].map((cell) => cell.textContent).join(" ").endsWith(row)
          ),
        [expected.order, expected.row],
        { timeout: 3000, polling: 10 },
      )
    ),
    shown(() =>
      page.waitForFunction(
        (count) => document.querySelector(".your-store .your-orders")?.textContent === count,
        expected.counted,
        { timeout: 3000, polling: 10 },
      )
    ),
  ]);
  await act();
  const [board, orders, counted] = await waits.catch(async (error) => {
    const shown = await page.evaluate(() => ({
      board: document.querySelector(".live-leaderboard tbody")?.textContent,
      orders: document.querySelector("section.your-orders tbody")?.textContent,
      counted: document.querySelector(".your-store .your-orders")?.textContent,
    }));
    throw new Error(`expected ${JSON.stringify(expected)}, the page shows ${JSON.stringify(shown)}`, { cause: error });
  });
  return { board, orders, counted };
}

/** Every UTC time on the page as it is drawn now (notifications opened), each with where it was. */
async function utcTimesShown(page: Page, where: string): Promise<string[]> {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => d.setAttribute("open", "")));
  return utcTimes(await page.locator("body").innerText()).map((time) => `${where}: ${time}`);
}

/** The pages a reader reads times on, as the owner and as the creator (with divisions, the other division's too). */
function pagesToScan(w: Awaited<ReturnType<typeof race>>): { path: string; as: string }[] {
  const id = w.competition.id;
  return [
    { path: `/competitions/${id}`, as: CARA.userId },
    ...(w.divisions ? [{ path: `/competitions/${id}?division=1`, as: CARA.userId }] : []),
    { path: `/competitions/${id}`, as: ELI.userId },
    { path: "/my-competitions", as: CARA.userId },
    { path: "/stores", as: CARA.userId },
    { path: "/", as: CARA.userId },
    { path: `/competitions/${id}/manage`, as: CREATOR },
    { path: "/dashboard", as: CREATOR },
    { path: "/dashboard?tab=payouts", as: CREATOR },
  ];
}

/** Opens each page at each size in `timezoneId` and returns every UTC time shown, before and after the islands ran. */
async function scanForUtc(w: Awaited<ReturnType<typeof race>>, timezoneId: string): Promise<string[]> {
  const found: string[] = [];
  for (const size of [DESKTOP, PHONE]) {
    await using browser = await launchBrowser({ viewport: size, timezoneId });
    const { page } = browser;
    for (const { path, as } of pagesToScan(w)) {
      await page.context().clearCookies();
      await signIn(page, w.t, as);
      for (const visit of ["first", "again"]) {
        const response = await page.goto(`${w.t.url}${path}`, { waitUntil: "load" });
        assert.equal(response?.status(), 200, `${path} as ${as}`);
        const where = `${timezoneId} ${size.width}px ${path} as ${as} (${visit} visit)`;
        found.push(...utcTimes(visibleText(await response!.text())).map((time) => `${where}, server HTML: ${time}`));
        await page.waitForTimeout(150);
        if (path.endsWith("/manage") && visit === "again") {
          const tag = `${size.width}_${timezoneId === "Asia/Tokyo" ? "tokyo" : "la"}${w.divisions ? "_divisions" : ""}`;
          await page.screenshot({ path: `${ARTIFACTS}/live_truth_manage_${tag}.png`, fullPage: true });
        }
        found.push(...await utcTimesShown(page, where));
      }
    }
    found.push(...browser.problems.map((problem) => `browser: ${problem}`));
  }
  return found;
}

/**
 * The whole story in one zone at one size (in a competition with divisions when `divisions`); the pages are then
 * scanned at both sizes in that zone.
 */
async function liveTruth(size: { width: number; height: number }, timezoneId: string, divisions = false) {
  const tag = `${size.width}_${timezoneId === "Asia/Tokyo" ? "tokyo" : "la"}${divisions ? "_divisions" : ""}`;
  await using w = await race(divisions);
  const { t, competition, cara } = w;
  const shopify = t.shopify!;
  await using browser = await launchBrowser({ viewport: size, timezoneId });
  const { page } = browser;
  const shot = (name: string) =>
    page.screenshot({ path: `${ARTIFACTS}/live_truth_${name}_${tag}.png`, fullPage: true });
  await signIn(page, t, CARA.userId);

  // 1. The first HTML, before any island ran and with no zone known: no UTC time; then times in the reader's zone.
  const first = await page.goto(w.url, { waitUntil: "load" });
  assert.deepEqual(utcTimes(visibleText(await first!.text())), [], "no UTC time in the first HTML");
  await page.locator(".pill-live").waitFor({ timeout: 5000 });
  assert.match(await page.locator(".rules").innerText(), zoneName(timezoneId));
  assert.equal((await page.context().cookies()).find((c) => c.name === "tz")?.value, timezoneId);
  const again = await page.goto(w.url, { waitUntil: "load" });
  const againText = visibleText(await again!.text());
  assert.match(againText, zoneName(timezoneId), "the next page is written in the zone from the start");
  assert.deepEqual(utcTimes(againText), []);
  await page.locator(".pill-live").waitFor({ timeout: 5000 });
  assert.match(await page.locator("section.your-orders").innerText(), /#1102[\s\S]*#1101/, "Shopify's order names");
  const boardStores = () =>
    page.locator(".live-leaderboard tbody tr").evaluateAll((rows) => rows.map((row) => row.dataset.participantId));
  if (divisions) {
    // The owner's page opens on its own division, marked; its board holds that division's stores only.
    assert.deepEqual([cara.division, w.eli.division], [2, 2], "placed by their usual sales");
    assert.deepEqual(await page.locator(".division-tabs a").allTextContents(), ["EstablishedYours", "Rising"]);
    assert.equal(await page.locator(".division-tabs a[aria-current=page]").textContent(), "EstablishedYours");
    assert.match(await page.locator(".your-store").innerText(), /Division\s*Established/);
    assert.deepEqual((await boardStores()).sort(), [cara.id, w.eli.id].sort(), "no store of the other division");
  }

  // 2. An order, a cancellation and a refund: the board, "Your orders" and the count move together, within 1 s.
  // Each change 10 s after the last on the app's clock: more than a bucket of the chart's history 21 minutes in.
  const named = (name: string) => shopify.orders(CARA.shop).find((order) => order.name === name)!.id;
  const changes: [string, () => unknown, Parameters<typeof together>[3]][] = [
    ["order", () => shopify.createOrder(CARA.shop, { totalPrice: "60.00" }), {
      board: "$120.00",
      order: "#1103",
      row: "$60.00 Yes",
      counted: "3",
    }],
    ["cancel", () => shopify.cancelOrder(CARA.shop, named("#1102")), {
      board: "$80.00",
      order: "#1102",
      row: "$0.00 No: cancelled",
      counted: "2",
    }],
    ["refund", () => shopify.refundOrder(CARA.shop, named("#1103"), "20.00"), {
      board: "$60.00",
      order: "#1103",
      row: "$40.00 Yes",
      counted: "2",
    }],
  ];
  const timings: Record<string, { board: number; orders: number; counted: number }> = {};
  for (const [what, act, expected] of changes) {
    t.clock.ms += 10_000;
    timings[what] = await together(page, cara.id, act, expected);
  }
  console.log(`${tag}: webhook -> board / Your orders / Orders counted, ms: ${JSON.stringify(timings)}`);
  for (const [what, ms] of Object.entries(timings)) {
    for (const [panel, elapsed] of Object.entries(ms)) assert.ok(elapsed < 1000, `${what}: ${panel} ${elapsed} ms`);
  }
  if (divisions) {
    // An order in the other division moves nothing on this page: not the board, the chart or the panels.
    const before = await page.locator(".competition-layout").innerText();
    const lines = await chartSteps(page);
    t.clock.ms += 10_000;
    shopify.createOrder(DEV.shop, { totalPrice: "250.00" });
    await shopify.flushWebhooks();
    await page.waitForTimeout(600);
    assert.equal(await page.locator(".competition-layout").innerText(), before);
    assert.deepEqual(await chartSteps(page), lines);
    assert.deepEqual((await boardStores()).sort(), [cara.id, w.eli.id].sort());
  }
  await shot("live");

  // 3. The chart after a reload draws what the open tab drew, and what the stored history holds.
  const open = await chartSteps(page);
  assert.equal(open[cara.id].length, 5, "Cara's line: two orders, then the order, the cancellation, the refund");
  await page.reload({ waitUntil: "load" });
  await page.locator(".pill-live").waitFor({ timeout: 5000 });
  const reloaded = await chartSteps(page);
  const tolerance = await pixelMs(page);
  assertSameSteps(reloaded, open, tolerance, "reloaded vs open tab");
  const entries = (await leaderboardView(
    t.kv,
    await getCompetition(t.kv, competition.id),
    100,
    undefined,
    cara.division ?? undefined,
  )).entries;
  const stored = await readRaceLines(t.kv, competition, entries, t.clock.ms);
  assertSameSteps(
    reloaded,
    Object.fromEntries(stored.map((line) => [line.participantId, line.points.map(([at]) => [at, -1])])),
    tolerance,
    "reloaded vs stored history",
  );

  // 4. A disqualification reaches the open page: the owner is told, its orders stop counting; then it is undone.
  const disqualify = (action: string, reason: string) =>
    t.request(`/api/competitions/${competition.id}/participants/${cara.id}/${action}`, {
      method: "POST",
      userId: CREATOR,
      json: { reason },
    });
  await page.evaluate(() => (globalThis as { samePage?: boolean }).samePage = true);
  assert.equal((await disqualify("disqualify", "Orders placed by the owner's family")).status, 200);
  const out = page.locator(".your-store-out");
  await out.waitFor({ timeout: 3000 });
  assert.match(await out.innerText(), /disqualified[\s\S]*Orders placed by the owner's family/);
  await page.locator("section.your-orders", { hasText: "No: your store is disqualified" }).waitFor({ timeout: 3000 });
  // Everyone's page lists it with the reason (the page swapped in its fresh rendering).
  await page.locator("section.disqualified", { hasText: "Cara Goods" }).waitFor({ timeout: 3000 });
  await shot("disqualified");
  assert.equal((await disqualify("reinstate", "Checked: real customers")).status, 200);
  await page.locator(".your-store", { hasText: "You're in with" }).waitFor({ timeout: 3000 });
  await page.locator("section.disqualified").waitFor({ state: "detached", timeout: 3000 });

  // 5. The race ends: the open page turns to settling, then to the final result, and speaks to the winner.
  t.clock.ms += 10_000;
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c: Competition) => ({
    ...c,
    endDate: new Date(t.clock.ms - 1000).toISOString(),
  }));
  await runStatusJob(t.deps.lifecycle!);
  const provisional = page.locator(".notice-provisional");
  await provisional.waitFor({ timeout: 5000 });
  const banner = await provisional.innerText();
  assert.match(banner, new RegExp(`final on .*${zoneName(timezoneId).source}`));
  assert.deepEqual(utcTimes(banner), []);
  await page.locator(".page-head .badge", { hasText: "Settling" }).waitFor({ timeout: 3000 });
  assert.match(await page.locator(".page-head").innerText(), /Final in/, "the countdown counts to the final results");
  await shot("settling");
  t.clock.ms += 3600_000 + 1000;
  await runStatusJob(t.deps.lifecycle!);
  const won = page.locator(".you-won");
  // The status job's payouts, the stream and the page's own refetch (spread over a second): generous under a loaded CI.
  await won.waitFor({ timeout: 10_000 });
  assert.match(await won.innerText(), /You won \$140\.00/);
  assert.match(await page.locator(".page-head .badge").innerText(), /Completed/);
  assert.equal(await page.locator(".countdown").count(), 0, "no countdown once final");
  assert.equal(await page.evaluate(() => (globalThis as { samePage?: boolean }).samePage), true, "no reload");
  await shot("final");
  // The notification that the results were provisional names the time in the reader's zone.
  await page.reload({ waitUntil: "load" });
  await page.locator("details.notifications summary").click();
  const notice = page.locator(".notification-list li", { hasText: "results are provisional" });
  assert.match(
    await notice.innerText(),
    new RegExp(`until the results are final \\(.*${zoneName(timezoneId).source}\\)`),
  );
  await shot("notifications");
  assert.deepEqual(browser.problems, []);

  // 6. No page, notification or banner shows a UTC time, at either size, in this zone.
  assert.deepEqual(await scanForUtc(w, timezoneId), []);
}

Deno.test("live truth in Chromium - desktop in Los Angeles: panels, chart, status and times follow the board", async () => {
  await liveTruth(DESKTOP, "America/Los_Angeles");
});

Deno.test("live truth in Chromium - phone in Tokyo: panels, chart, status and times follow the board", async () => {
  await liveTruth(PHONE, "Asia/Tokyo");
});

Deno.test("live truth in Chromium - divisions, desktop in Tokyo: the owner's division's board, chart and panels", async () => {
  await liveTruth(DESKTOP, "Asia/Tokyo", true);
});

Deno.test("live truth in Chromium - divisions, phone in Los Angeles: the owner's division's board, chart and panels", async () => {
  await liveTruth(PHONE, "America/Los_Angeles", true);
});
