/**
 * Funding in Chromium under the production `form-action` policy, exactly
 * (`form-action 'self' https://api.whop.com https://*.myshopify.com`: the
 * app assembled with production's `PRODUCTION_FORM_ACTIONS` in place of the
 * simulators' origins), with the simulated Whop serving
 * its checkout on another origin than its API, as Whop does (whop.com, not
 * api.whop.com). Chrome checks a page's `form-action` on every redirect of a
 * form submission, so a fund button whose post redirected to the checkout
 * would be refused; here the post lands on the app's own checkout page and a
 * link goes on to Whop.
 *
 * - From the site, with and without JavaScript (desktop and phone size):
 *   fund card, the app's checkout page, Whop's checkout, back to the manage
 *   page, funded. Screenshots in `tests/artifacts/funding_*`.
 * - From Whop's iframe (the simulated community page and apps-domain proxy,
 *   which passes no cookies): Whop's checkout refuses to be framed, so the
 *   link opens it in a new tab; after paying, that tab (signed in nowhere)
 *   says the prize is funded and the frame's manage page shows it.
 */
import assert from "node:assert/strict";
import { launchBrowser, type Page } from "../testing/browser.ts";
import { createTestApp, PRODUCTION_FORM_ACTIONS } from "../testing/test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import { saveUser } from "../lib/core/users.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { buildRuntime } from "../app.ts";
import { loadConfig } from "../config.ts";
import { freePort } from "../testing/app_process.ts";
import { draftCompetition } from "../testing/page_fixtures.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const ARTIFACTS = "tests/artifacts";

/** The policy violations a page reported, but for Whop's checkout refusing to be framed (its own policy). */
function cspProblems(problems: string[]): string[] {
  return problems.filter((problem) =>
    /Content Security Policy|CSP violation|form-action/i.test(problem) && !/frame-ancestors 'none'/.test(problem)
  );
}

for (
  const { javaScript, size, label } of [
    { javaScript: true, size: { width: 1280, height: 800 }, label: "desktop" },
    { javaScript: false, size: { width: 390, height: 844 }, label: "phone_nojs" },
  ]
) {
  Deno.test(`funding in Chromium - production form-action, checkout on Whop's own origin (${label})`, async () => {
    await ensureIslandBundles();
    await using t = await createTestApp({}, { whop: true, formActions: PRODUCTION_FORM_ACTIONS });
    t.clock.ms = Date.now();
    const whop = t.whop!;
    const appOrigin = t.url!;
    await saveUser(t.kv, { id: CREATOR, name: "Ava Creator", username: "ava" }, t.clock.ms);
    const { id } = await draftCompetition(t, CREATOR, `Funding Cup ${label}`, "150.00");
    await using browser = await launchBrowser({ viewport: size, javaScriptEnabled: javaScript });
    const { page, context, problems } = browser;
    const session = await createSession(t.kv, CREATOR, t.clock.ms);
    await context.addCookies([{ name: sessionCookieName(t.config.appUrl), value: session, url: appOrigin }]);
    const shot = (name: string) =>
      page.screenshot({ path: `${ARTIFACTS}/funding_${name}_${label}.png`, fullPage: true });

    const manage = await page.goto(`${appOrigin}/competitions/${id}/manage`);
    const policy = manage?.headers()["content-security-policy"] ?? "";
    assert.ok(policy.endsWith("; form-action 'self' https://api.whop.com https://*.myshopify.com"), policy);
    await page.locator("#fund-heading").scrollIntoViewIfNeeded();
    await shot("1_fund_card");
    await Promise.all([
      page.waitForURL(`${appOrigin}/competitions/${id}/fund`),
      page.getByRole("button", { name: "Fund $150.00 with Whop" }).click(),
    ]);
    await shot("2_checkout_page");
    // Back on the manage page the priced rules are frozen; funding again finds the same checkout.
    await Promise.all([
      page.waitForURL(`${appOrigin}/competitions/${id}/manage`),
      page.getByRole("link", { name: "Back to the competition" }).click(),
    ]);
    assert.ok(await page.locator("#field-prize").isDisabled(), "the prize a checkout was priced on is frozen");
    assert.ok(await page.locator("#field-currency").isDisabled());
    assert.ok(!(await page.locator("#field-title").isDisabled()));
    await shot("2b_priced_manage");
    await Promise.all([
      page.waitForURL(`${appOrigin}/competitions/${id}/fund`),
      page.getByRole("button", { name: "Fund $150.00 with Whop" }).click(),
    ]);
    assert.equal(whop.checkoutConfigurations.length, 1, "one checkout, however often the button is pressed");
    const link = page.getByRole("link", { name: "Continue to Whop to pay $154.48" });
    assert.equal(await link.getAttribute("target"), null, "at the top level the checkout opens in this tab");
    await Promise.all([page.waitForURL(`${whop.checkoutOrigin}/checkout/**`), link.click()]);
    assert.notEqual(whop.checkoutOrigin, whop.origin, "Whop's checkout is not on its API's origin");
    await shot("3_whop_checkout");
    await Promise.all([
      page.waitForURL(`${appOrigin}/competitions/${id}/manage`),
      page.getByRole("button", { name: "Pay $154.48" }).click(),
    ]);
    assert.match(await page.locator("main").textContent() ?? "", /✓ Funded: the \$150\.00 prize is held on Whop/);
    await shot("4_funded");
    assert.equal((await getCompetition(t.kv, id)).status, "UPCOMING");
    assert.deepEqual(cspProblems(problems), []);
  });
}

Deno.test("funding in Chromium - the old redirect from the fund post to Whop's checkout is refused by form-action", async () => {
  // What the fund button used to do (a 303 from the app to Whop's checkout origin), under the same policy.
  await ensureIslandBundles();
  await using t = await createTestApp({}, { whop: true, formActions: PRODUCTION_FORM_ACTIONS });
  t.clock.ms = Date.now();
  const appOrigin = t.url!;
  const { id } = await draftCompetition(t, CREATOR, "Refused Cup", "150.00");
  const { checkoutUrl } = await (await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR }))
    .json();
  await using browser = await launchBrowser();
  const { page, context, problems } = browser;
  // The old answer to the fund post, served in place of the app's (the page's policy is the app's).
  await context.route(
    `${appOrigin}/old-fund`,
    (route) => route.fulfill({ status: 303, headers: { location: checkoutUrl } }),
  );
  const session = await createSession(t.kv, CREATOR, t.clock.ms);
  await context.addCookies([{ name: sessionCookieName(t.config.appUrl), value: session, url: appOrigin }]);
  await page.goto(`${appOrigin}/competitions/${id}/manage`);
  await page.locator(`form[action="/api/competitions/${id}/fund"]`).evaluate((form) =>
    form.setAttribute("action", "/old-fund")
  );
  await page.getByRole("button", { name: "Fund $150.00 with Whop" }).click();
  await page.waitForTimeout(500);
  assert.ok(!page.url().startsWith(t.whop!.checkoutOrigin), "the browser did not reach Whop's checkout");
  assert.ok(cspProblems(problems).some((problem) => /form-action/.test(problem)), problems.join("\n"));
});

/** The app's frame on the simulated community page. */
function appFrame(page: Page, proxyOrigin: string) {
  const frame = page.frames().find((candidate) => candidate.url().startsWith(proxyOrigin));
  assert.ok(frame, "the community page frames the app");
  return frame;
}

Deno.test("funding in Chromium - from Whop's iframe: the checkout opens in a new tab, the frame shows the prize funded", async () => {
  await ensureIslandBundles();
  const kv = await Deno.openKv(":memory:");
  const port = freePort();
  const runtime = await buildRuntime(loadConfig({ PORT: String(port), KV_PATH: ":memory:", SANDBOX: "1" }), kv, {
    formActions: [...PRODUCTION_FORM_ACTIONS],
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, runtime.app.fetch);
  const whop = runtime.sandboxes.whop!;
  const appUrl = runtime.config.appUrl;
  try {
    const creator = whop.users[1].id;
    const experience = "exp_FundingClub01";
    whop.experiences.add({ id: experience, name: "Funding Club", members: { [creator]: "admin" } });
    const start = Date.now() + 3 * 3_600_000;
    const created = await fetch(`${appUrl}/api/competitions`, {
      method: "POST",
      headers: { "x-whop-user-token": await whop.signUserToken(creator), "content-type": "application/json" },
      body: JSON.stringify({
        title: "Framed Funding Cup",
        prize: "150.00",
        currency: "USD",
        startDate: new Date(start).toISOString(),
        endDate: new Date(start + 86_400_000).toISOString(),
        experienceId: experience,
      }),
    });
    assert.equal(created.status, 201);
    const { competition } = await created.json();

    await using browser = await launchBrowser({ blockThirdPartyCookies: true });
    const { page, context, problems } = browser;
    await page.goto(`${whop.origin}/experiences/${experience}?as=${creator}`);
    await page.frameLocator("iframe.app").locator("h1").first().waitFor();
    const frame = appFrame(page, whop.appProxyOrigin);
    await frame.goto(`${whop.appProxyOrigin}/competitions/${competition.id}/manage`);
    await Promise.all([
      frame.waitForURL(`${whop.appProxyOrigin}/competitions/${competition.id}/fund`),
      frame.getByRole("button", { name: "Fund $150.00 with Whop" }).click(),
    ]);
    await page.screenshot({ path: `${ARTIFACTS}/funding_5_framed_checkout_page.png`, fullPage: true });
    const link = frame.getByRole("link", { name: "Continue to Whop to pay $154.48" });
    assert.equal(await link.getAttribute("target"), "_blank", "out of Whop's frame, into a tab of its own");
    const checkoutUrl = (await link.getAttribute("href"))!;

    // Whop's checkout refuses to be framed, as Whop's does: a frame cannot show it.
    await page.evaluate((url) => {
      const probe = document.createElement("iframe");
      probe.id = "probe";
      probe.src = url;
      document.body.append(probe);
    }, checkoutUrl);
    await page.waitForFunction(() => document.getElementById("probe") !== null);
    await page.waitForTimeout(300);
    const probe = await (await page.$("#probe"))!.contentFrame();
    assert.equal(await probe!.getByRole("button", { name: /^Pay/ }).count(), 0, "no checkout inside a frame");
    assert.ok(problems.some((problem) => /frame-ancestors 'none'|X-Frame-Options/.test(problem)), problems.join("\n"));

    const [tab] = await Promise.all([context.waitForEvent("page"), link.click()]);
    await tab.waitForURL(`${whop.checkoutOrigin}/checkout/**`);
    await tab.getByLabel(new RegExp(whop.users[1].name)).check();
    await Promise.all([
      tab.waitForURL(`${appUrl}/funding/${competition.id}/return?**`),
      tab.getByRole("button", { name: "Pay $154.48" }).click(),
    ]);
    // That tab is signed in nowhere (the frame's user rode on Whop's token): it says the payment funded the prize.
    assert.match(await tab.locator("h1").textContent() ?? "", /✓ Prize funded/);
    assert.doesNotMatch(await tab.content(), /Framed Funding Cup/, "a community's competition is named to no stranger");
    await tab.screenshot({ path: `${ARTIFACTS}/funding_6_return_tab.png`, fullPage: true });
    await tab.close();

    await Promise.all([
      frame.waitForURL(`${whop.appProxyOrigin}/competitions/${competition.id}/manage`),
      frame.getByRole("link", { name: "Back to the competition" }).click(),
    ]);
    assert.match(await frame.locator("main").textContent() ?? "", /✓ Funded/);
    assert.equal((await getCompetition(kv, competition.id)).status, "UPCOMING");
    assert.deepEqual(cspProblems(problems), []);
  } finally {
    await server.shutdown();
    await runtime.sandboxes.shopify?.close();
    await whop.close();
    kv.close();
  }
});
