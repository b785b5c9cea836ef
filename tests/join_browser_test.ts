/**
 * Joining a competition in Chromium, under the production Content-Security-
 * Policy exactly (`form-action 'self' https://api.whop.com
 * https://*.myshopify.com`), through the simulated Shopify as Shopify is:
 * its install page on one origin, and a merchant who is not logged in sent
 * to its login page on another (`localhost:{port}`, as
 * `accounts.shopify.com`). Chrome holds every redirect of a form submission
 * to the page's `form-action`, which does not name Shopify's login: a join
 * form that redirected straight to Shopify was blocked there.
 *
 * - on the site, with JavaScript and without: the form lands on the app's
 *   continue page, which goes on to Shopify; log in, approve, back on the
 *   competition with the store on the board;
 * - inside Whop's frame (the simulated community page and apps domain):
 *   Shopify's pages refuse to be framed, so the join opens a window of its
 *   own, and the frame shows the store once back on the competition.
 *
 * - installing from the store's admin: Shopify's login and install page,
 *   Whop sign-in on "Your stores", then one click per competition.
 *
 * Screenshots: `tests/artifacts/join_*.png` and `install_*.png` (1280×800 and 390×844).
 */
import assert from "node:assert/strict";
import { launchBrowser, type Page, recordProblems } from "../testing/browser.ts";
import { createTestApp, PRODUCTION_FORM_ACTIONS, type TestApp } from "../testing/test_app.ts";
import { openCompetition, participantOf, settledSync } from "../testing/shopify.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { createCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { getParticipant } from "../lib/competitions/participants.ts";
import { keys } from "../lib/core/db.ts";
import { serveSandboxApp } from "../testing/sandbox_app.ts";
import type { ShopifySandbox } from "../sandbox/shopify/mod.ts";

const ARTIFACTS = "tests/artifacts";
const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];

/** Signs the browser in on the app's origin (a session, as after Whop sign-in). */
async function signIn(page: Page, t: TestApp, userId: string) {
  const session = await createSession(t.kv, userId, t.clock.now());
  await page.context().addCookies([{ name: sessionCookieName(t.config.appUrl), value: session, url: t.url! }]);
}

/** The form-action the app's pages carry. */
async function formAction(t: TestApp, path: string): Promise<string | undefined> {
  const response = await fetch(`${t.url}${path}`);
  await response.body?.cancel();
  return response.headers.get("content-security-policy")?.split("; ").find((d) => d.startsWith("form-action"));
}

/** Logs in on the simulated Shopify's login origin and approves the install. */
async function logInAndApprove(page: Page, shopify: ShopifySandbox, shop: string, back: string | RegExp) {
  await page.waitForURL(`${shopify.accountsOrigin}/login?**`);
  await Promise.all([
    page.waitForURL(`${shopify.origin}/${shop}/admin/oauth/authorize?**`),
    page.getByRole("button", { name: "Log in" }).click(),
  ]);
  await Promise.all([page.waitForURL(back), page.getByRole("button", { name: "Approve" }).click()]);
}

Deno.test("join in Chromium - under the production form-action, through Shopify's login on another origin, with and without JavaScript", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp({}, { whop: true, shopify: true, formActions: PRODUCTION_FORM_ACTIONS });
  const competition = await openCompetition(t);
  const competitionUrl = `${t.url}/competitions/${competition.id}`;
  assert.equal(
    await formAction(t, `/competitions/${competition.id}`),
    `form-action 'self' ${PRODUCTION_FORM_ACTIONS.join(" ")}`,
    "exactly production's: neither the simulated Shopify's store origin nor its login origin is named",
  );
  assert.notEqual(new URL(t.shopify!.accountsOrigin).origin, new URL(t.shopify!.origin).origin);

  for (const [index, javaScriptEnabled] of [true, false].entries()) {
    const shop = `walk-${index}.myshopify.com`;
    const userId = `merchant_${index}`;
    t.shopify!.createShop({ shop, currency: "USD", name: `Walk ${index}`, email: `owner${index}@walk.example` });
    await using browser = await launchBrowser({ desktopUserAgent: true, javaScriptEnabled });
    const { page, problems } = browser;
    await signIn(page, t, userId);
    await page.goto(competitionUrl);
    await page.getByLabel("Your Shopify store").fill(shop);
    await page.getByRole("button", { name: "Connect store and join" }).click();
    await logInAndApprove(page, t.shopify!, shop, competitionUrl);
    await page.locator(".your-shop").waitFor();
    assert.match(await page.locator(".your-shop").textContent() ?? "", new RegExp(shop));
    assert.deepEqual(
      problems,
      [],
      `no CSP violation or console error (JavaScript ${javaScriptEnabled ? "on" : "off"})`,
    );
    const participant = await participantOf(t, competition.id, shop);
    assert.equal(participant?.userId, userId);
    await settledSync(t, participant!.id);
  }

  // The continue page, held in place (a 204 leaves the page shown) to be looked at.
  for (const viewport of VIEWPORTS) {
    await using browser = await launchBrowser({ desktopUserAgent: true, viewport });
    const { page } = browser;
    await signIn(page, t, "merchant_look");
    await page.route(`${t.shopify!.origin}/**`, (route) => route.fulfill({ status: 204 }));
    await page.goto(competitionUrl);
    await page.getByLabel("Your Shopify store").fill("look.myshopify.com");
    await Promise.all([
      page.waitForURL(`${t.url}/shopify/continue/**`),
      page.getByRole("button", { name: "Connect store and join" }).click(),
    ]);
    await page.getByRole("link", { name: "Continue to Shopify" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
    await page.screenshot({ path: `${ARTIFACTS}/join_continue_${viewport.width}.png`, fullPage: true });
  }
});

Deno.test("join in Chromium - from inside Whop's frame: Shopify refuses the frame, the join opens a window and the frame shows the store", async () => {
  await ensureIslandBundles();
  // Sandbox mode as a newcomer runs it: the app checks the user tokens the simulated Whop's frame signs.
  await using sandbox = await serveSandboxApp({ worker: true, formActions: PRODUCTION_FORM_ACTIONS });
  const { kv, whop, shopify, appUrl } = sandbox;
  const [admin, ...members] = [whop.users[1].id, whop.users[2].id, whop.users[3].id];
  const experience = "exp_JoinFramed01";
  whop.experiences.add({
    id: experience,
    name: "Framed Club",
    members: { [admin]: "admin", [members[0]]: "customer", [members[1]]: "customer" },
  });
  const start = Date.now() + 3600_000;
  const created = await createCompetition(kv, admin, {
    title: "Framed Cup",
    prize: "150.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 86_400_000).toISOString(),
    experienceId: experience,
  }, { now: Date.now(), minDurationS: 3600 });
  await updateCompetition(kv, created.id, Date.now(), "status", (c) => ({ ...c, status: "UPCOMING" }));

  for (const [index, viewport] of VIEWPORTS.entries()) {
    const member = members[index];
    const shop = `framed-${index}.myshopify.com`;
    shopify.createShop({
      shop,
      currency: "USD",
      name: `Framed Goods ${index}`,
      email: `owner@framed${index}.example`,
    });
    await using browser = await launchBrowser({ desktopUserAgent: true, viewport });
    const { page, context, problems } = browser;
    await page.goto(`${whop.origin}/experiences/${experience}?as=${member}`);
    const frame = page.frameLocator("iframe.app");
    await frame.getByRole("link", { name: "Framed Cup" }).click();
    await frame.getByLabel("Your Shopify store").fill(shop);
    await frame.getByRole("button", { name: "Connect store and join" }).click();
    const open = frame.getByRole("link", { name: "Continue on Shopify (new window)" });
    await open.waitFor();
    const continueHref = await open.getAttribute("href");
    assert.ok(continueHref?.startsWith(`${appUrl}/shopify/connect/`), "the window opens on the app's own origin");

    const [popup] = await Promise.all([context.waitForEvent("page"), open.click()]);
    // Only after the click: a full-page shot resizes the viewport and back, and for a while after, a click in
    // Whop's cross-origin frame can miss (1 run in 2 at 390 px; two animation frames of waiting did not cure it).
    await page.screenshot({ path: `${ARTIFACTS}/join_framed_window_link_${viewport.width}.png`, fullPage: true });
    await recordProblems(popup, problems);
    await logInAndApprove(popup, shopify, shop, `${appUrl}/shopify/connected`);
    assert.match(await popup.locator("h1").textContent() ?? "", /Your store joined the competition/);
    await popup.screenshot({ path: `${ARTIFACTS}/join_connected_${viewport.width}.png`, fullPage: true });
    const participantId = (await kv.get<string>(keys.participantByShop(shop, created.id))).value;
    const participant = participantId ? await getParticipant(kv, participantId) : undefined;
    assert.equal(
      participant?.userId,
      member,
      "the member who asked in the frame joined, from a window with no session",
    );
    await popup.close();

    await frame.getByRole("link", { name: "go back to the competition" }).click();
    await frame.locator(".your-shop").waitFor();
    assert.match(await frame.locator(".your-shop").textContent() ?? "", new RegExp(shop));
    assert.deepEqual(problems, [], "no CSP violation or console error in the frame or the window");
    if (index > 0) continue;

    // What the join did before: Shopify's page in Whop's frame. Chrome refuses to show it.
    const authorizeUrl = `${shopify.origin}/${shop}/admin/oauth/authorize?client_id=sandbox-key&scope=read_orders` +
      `&redirect_uri=${encodeURIComponent(`${appUrl}/api/shopify/callback`)}&state=framed`;
    await page.evaluate((src) => (document.querySelector("iframe.app") as HTMLIFrameElement).src = src, authorizeUrl);
    const refused = (lines: string[]) =>
      lines.some((line) => /frame-ancestors 'none'/.test(line) && line.includes(shopify.origin));
    for (let waited = 0; !refused(problems); waited += 100) {
      assert.ok(waited < 5000, `Chromium refused the framed Shopify page: ${problems.join(" | ")}`);
      await page.waitForTimeout(100);
    }
  }
});

Deno.test("install in Chromium - from the store's admin through Shopify's login, Whop sign-in, then one click per competition", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp({}, { whop: true, shopify: true, formActions: PRODUCTION_FORM_ACTIONS });
  const first = await openCompetition(t);
  const upcoming = await openCompetition(t, { upcoming: true });
  const { competition: second } = await updateCompetition(t.kv, upcoming.id, t.clock.now(), "status", (c) => ({
    ...c,
    title: "Spring Sprint",
  }));
  const shopify = t.shopify!;
  for (const [index, viewport] of VIEWPORTS.entries()) {
    const shop = `installed-${index}.myshopify.com`;
    const owner = t.whop!.users[2 + index];
    shopify.createShop({
      shop,
      currency: "USD",
      name: `Installed Goods ${index}`,
      email: `owner@installed${index}.example`,
    });
    await using browser = await launchBrowser({ desktopUserAgent: true, viewport });
    const { page, problems } = browser;
    const shot = (name: string) =>
      page.screenshot({ path: `${ARTIFACTS}/install_${name}_${viewport.width}.png`, fullPage: true });
    await page.goto(`${shopify.origin}/`);
    await page.locator("tr", { hasText: shop }).getByRole("link", { name: "Install CartBrawl" }).click();
    await logInAndApprove(page, shopify, shop, `${t.url}/stores`);
    await shot("1_sign_in");
    await page.getByRole("link", { name: "Continue with Whop" }).click();
    await Promise.all([
      page.waitForURL(`${t.url}/stores`),
      page.getByRole("button", { name: new RegExp(owner.name) }).click(),
    ]);
    await page.getByText(`${shop} is connected to your Whop account`).waitFor();
    await shot("2_stores");
    await Promise.all([
      page.waitForURL(`${t.url}/competitions/${first.id}`),
      page.getByRole("button", { name: `Join ${first.title} with ${shop}` }).click(),
    ]);
    await page.locator(".your-shop").waitFor();
    // The next competition's page offers the connected store in one click.
    await page.goto(`${t.url}/competitions/${second.id}`);
    await shot("3_join_with_your_store");
    await Promise.all([
      page.waitForURL(`${t.url}/competitions/${second.id}`),
      page.getByRole("button", { name: `Join with Installed Goods ${index}` }).click(),
    ]);
    await page.locator(".your-shop").waitFor();
    assert.equal(shopify.approvals, index + 1, "one OAuth round trip per store, for both competitions");
    assert.deepEqual(problems, []);
    for (const competition of [first, second]) {
      await settledSync(t, (await participantOf(t, competition.id, shop))!.id);
    }
  }
});
