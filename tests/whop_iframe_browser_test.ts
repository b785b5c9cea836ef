/**
 * The Whop app inside Whop's iframe, in Chromium, with the simulated Whop:
 * its community page frames the experience view through the simulated apps
 * domain, which adds the viewer's `x-whop-user-token` and passes no cookies.
 * A member sees the community's competition, opens it and watches it live in
 * the frame; a non-member gets 404 in the same frame.
 */
import assert from "node:assert/strict";
import { serveSandboxApp } from "../testing/sandbox_app.ts";
import { type Frame, launchBrowser } from "../testing/browser.ts";
import { seriousViolations } from "../testing/browser_app.ts";

import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";

const EXPERIENCE = "exp_FramedClub01";
const ARTIFACTS = "tests/artifacts";

/** The sandbox app with a community (admin, member, outsider) and its running competition "Framed Cup". */
async function framedCommunity() {
  await ensureIslandBundles();
  const sandbox = await serveSandboxApp();
  const { kv, whop } = sandbox;
  const port = new URL(sandbox.appUrl).port;
  const [admin, member, outsider] = [whop.users[1].id, whop.users[2].id, whop.users[4].id];
  whop.experiences.add({ id: EXPERIENCE, name: "Framed Club", members: { [admin]: "admin", [member]: "customer" } });
  const start = Date.now() + 3600_000;
  const created = await fetch(`http://127.0.0.1:${port}/api/competitions`, {
    method: "POST",
    headers: { "x-whop-user-token": await whop.signUserToken(admin), "content-type": "application/json" },
    body: JSON.stringify({
      title: "Framed Cup",
      prize: "150.00",
      currency: "USD",
      startDate: new Date(start).toISOString(),
      endDate: new Date(start + 86_400_000).toISOString(),
      experienceId: EXPERIENCE,
    }),
  });
  assert.equal(created.status, 201);
  const { competition } = await created.json();
  await updateCompetition(kv, competition.id, Date.now(), "status", (c) => ({
    ...c,
    status: "UPCOMING",
    fundsTxId: "pay_framed",
  }));
  await updateCompetition(kv, competition.id, Date.now(), "status", (c) => ({ ...c, status: "ACTIVE" }));
  return { sandbox, whop, port, member, outsider, competitionId: competition.id as string };
}

Deno.test("whop iframe in Chromium - a member follows the community's competition in the frame; a non-member is shown how to join", async () => {
  const { sandbox, whop, port, member, outsider } = await framedCommunity();
  await using _ = sandbox;
  await using browser = await launchBrowser();
  const { page, context, problems } = browser;
  await page.goto(`${whop.origin}/experiences/${EXPERIENCE}?as=${member}`);
  const frame = page.frameLocator("iframe.app");
  await frame.getByRole("link", { name: "Framed Cup" }).click();
  await frame.locator("h1").waitFor({ timeout: 5000 });
  await frame.locator(".pill-live").waitFor({ timeout: 5000 });
  assert.equal(await frame.locator("h1").textContent(), "Framed Cup");
  // Loopback cookies are shared across ports: only the simulated Whop's own may be there.
  const cookies = (await context.cookies(`http://127.0.0.1:${port}`)).map((cookie) => cookie.name);
  assert.deepEqual(cookies, ["whop_sandbox_user"], "the app set and needed no cookie of its own");

  await page.goto(`${whop.origin}/experiences/${EXPERIENCE}?as=${outsider}`);
  await frame.locator("h1").waitFor({ timeout: 5000 });
  assert.equal(await frame.locator("h1").textContent(), "Join Framed Club to take part");
  assert.doesNotMatch(
    await frame.locator("main").textContent() ?? "",
    /Framed Cup/,
    "no competition shown to an outsider",
  );
  assert.deepEqual(problems.filter((problem) => !/status of 403/.test(problem)), []);
});

/** The site's own pages, which lead out of a community: never linked from inside Whop's frame. */
const SITE_PAGES = ["/", "/my-competitions", "/stores", "/dashboard", "/competitions/new", "/signin"];

/** What is wrong with the framed page's links and header: a way out of the community, a wrapped menu. */
async function framedProblems(frame: Frame, where: string): Promise<string[]> {
  const problems: string[] = [];
  const links = await frame.locator("a[href]").evaluateAll((anchors) =>
    anchors.map((a) => ({ href: a.getAttribute("href") ?? "", target: (a as HTMLAnchorElement).target }))
  );
  for (const link of links) {
    const leaves = /^https?:/.test(link.href);
    if (leaves && link.target !== "_top" && link.target !== "_blank") {
      problems.push(`${where}: ${link.href} leaves the app inside the frame`);
    }
    if (SITE_PAGES.includes(link.href.split("?")[0])) problems.push(`${where}: a link to the site's ${link.href}`);
  }
  // The header's items sit on one line: no menu wraps on a phone.
  const tops = await frame.locator("header.site-header a, header.site-header nav > *").evaluateAll((items) =>
    items.map((item) => Math.round(item.getBoundingClientRect().top))
  );
  if (Math.max(...tops) - Math.min(...tops) > 8) problems.push(`${where}: the header wraps (${tops.join(", ")})`);
  return problems;
}

Deno.test("whop iframe in Chromium - the community view at 1280 and 390: nothing leads out of the community, the header keeps to one line, an outsider joins on Whop and comes back", async () => {
  const { sandbox, whop, member, outsider } = await framedCommunity();
  await using _ = sandbox;
  const problems: string[] = [];
  for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    await using browser = await launchBrowser({ viewport: size });
    const { page } = browser;
    const at = (where: string) => `${where} at ${size.width}px`;
    await page.goto(`${whop.origin}/experiences/${EXPERIENCE}?as=${member}`);
    const frame = page.frames().find((f) => f.url().includes("/experiences/") && f !== page.mainFrame())!;
    await frame.locator("h1", { hasText: "Community competitions" }).waitFor({ timeout: 5000 });
    assert.equal(await frame.locator("header .brand").getAttribute("href"), `/experiences/${EXPERIENCE}`);
    problems.push(...await framedProblems(frame, at("the community")));
    problems.push(...(await seriousViolations(frame)).map(at));
    await page.screenshot({ path: `${ARTIFACTS}/whop_frame_community_${size.width}.png`, fullPage: true });

    await frame.getByRole("link", { name: "Framed Cup" }).click();
    await frame.locator(".pill-live").waitFor({ timeout: 5000 });
    problems.push(...await framedProblems(frame, at("the competition")));
    await page.screenshot({ path: `${ARTIFACTS}/whop_frame_competition_${size.width}.png`, fullPage: true });
    // The header's way back to the community.
    await frame.getByRole("link", { name: "Competitions" }).click();
    await frame.locator("h1", { hasText: "Community competitions" }).waitFor({ timeout: 5000 });
    problems.push(...browser.problems.map(at));
  }

  // An outsider: how to join, the link leaves Whop's frame for Whop's store page, and joining comes back.
  await using browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
  const { page } = browser;
  await page.goto(`${whop.origin}/experiences/${EXPERIENCE}?as=${outsider}`);
  const frame = page.frameLocator("iframe.app");
  const join = frame.getByRole("link", { name: "Join Framed Club on Whop" });
  await join.waitFor({ timeout: 5000 });
  assert.equal(await join.getAttribute("target"), "_top");
  await page.screenshot({ path: `${ARTIFACTS}/whop_frame_outsider_390.png`, fullPage: true });
  await Promise.all([page.waitForURL(new RegExp(`^${whop.origin}/`)), join.click()]);
  assert.equal(page.frames().length, 1, "the store page is Whop's, not framed");
  const name = whop.users.find((user) => user.id === outsider)!.name;
  await page.getByRole("link", { name: `Continue as ${name}` }).click();
  await Promise.all([
    page.waitForURL(new RegExp(`/experiences/${EXPERIENCE}`)),
    page.getByRole("button", { name: "Join Framed Club (free)" }).click(),
  ]);
  await frame.getByRole("link", { name: "Framed Cup" }).waitFor({ timeout: 5000 });
  problems.push(...browser.problems.filter((problem) => !/status of 403/.test(problem)));
  assert.deepEqual(problems, []);
});
