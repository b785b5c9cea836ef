/**
 * The Whop app inside Whop's iframe, in Chromium, with the simulated Whop:
 * its community page frames the experience view through the simulated apps
 * domain, which adds the viewer's `x-whop-user-token` and passes no cookies.
 * A member sees the community's competition, opens it and watches it live in
 * the frame; a non-member gets 404 in the same frame.
 */
import assert from "node:assert/strict";
import { serveSandboxApp } from "../testing/sandbox_app.ts";
import { launchBrowser } from "../testing/browser.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";

const EXPERIENCE = "exp_FramedClub01";

Deno.test("whop iframe in Chromium - a member follows the community's competition in the frame; a non-member gets 404", async () => {
  await ensureIslandBundles();
  await using sandbox = await serveSandboxApp();
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
  assert.match(await frame.locator("main").textContent() ?? "", /no community with that experience id/);
  assert.deepEqual(problems.filter((problem) => !/status of 404/.test(problem)), []);
});
