/**
 * Three quick clicks on "Create draft" make one draft, in Chromium: with
 * JavaScript the button waits, disabled and saying so, after the first; without
 * it (island scripts blocked) the browser sends the form again on each click,
 * and the server, holding each post a moment as a slow network would, makes
 * one draft from the form's one-time token. Screenshots of the waiting button
 * at 1280×800 and 390×844 go to `tests/artifacts/`.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../testing/browser.ts";
import { createTestApp } from "../testing/test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import { saveUser } from "../lib/core/users.ts";
import { listCompetitionsByCreator } from "../lib/competitions/competitions.ts";
import { HOUR } from "../testing/page_fixtures.ts";

const CREATOR = "user_creator";

Deno.test("form once - three quick clicks on Create draft make one draft, with and without JavaScript", async () => {
  await ensureIslandBundles();
  await Deno.mkdir("tests/artifacts", { recursive: true });
  let serve: (request: Request) => Promise<Response> = () => Promise.resolve(new Response(null, { status: 503 }));
  const posts: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    if (request.method === "POST") {
      posts.push(new URL(request.url).pathname);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    return await serve(request);
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  await using t = await createTestApp({ APP_URL: origin });
  serve = (request) => Promise.resolve(t.app.fetch(request));
  t.clock.ms = Date.now();
  await saveUser(t.kv, { id: CREATOR, name: "Ava" }, t.clock.ms);
  try {
    for (const [width, height] of [[1280, 800], [390, 844]]) {
      await using browser = await launchBrowser({ viewport: { width, height } });
      const { context, page } = browser;
      await context.addCookies([{
        name: sessionCookieName(t.config.appUrl),
        value: await createSession(t.kv, CREATOR, t.clock.ms),
        url: origin,
      }]);
      const fill = async (title: string) => {
        await page.goto(`${origin}/competitions/new`, { waitUntil: "networkidle" }); // the island hydrated
        await page.locator("#field-title").fill(title);
        await page.locator("#field-prize").fill("250");
        await page.locator("#field-startDate").fill(new Date(Date.now() + 2 * HOUR).toISOString().slice(0, 16));
        await page.locator("#field-duration").selectOption("86400");
      };
      const drafts = async (title: string) =>
        (await listCompetitionsByCreator(t.kv, CREATOR)).filter((c) => c.title === title).length;

      // A form the page's own checks stop is not sent, and its button does not wait.
      await page.goto(`${origin}/competitions/new`, { waitUntil: "networkidle" });
      await page.locator("button[form=create-competition]").click();
      await page.locator("#field-title-error").waitFor();
      assert.equal(await page.locator("button[form=create-competition]").isEnabled(), true);
      assert.equal((await page.locator("button[form=create-competition]").textContent())?.trim(), "Create draft");

      // With JavaScript: the first click sends; the button then waits, disabled, and further clicks do nothing.
      // (Playwright waits for a navigation to end before reading the page, so the page reports its button itself.)
      const withJs = `Spring Brawl ${width}`;
      await fill(withJs);
      posts.length = 0;
      const seen: string[] = [];
      page.on("console", (message) => message.text().startsWith("button:") && seen.push(message.text()));
      await page.evaluate(() => {
        const button = document.querySelector<HTMLButtonElement>("button[form=create-competition]")!;
        const report = () => console.log(`button:${button.disabled}|${button.textContent}`);
        new MutationObserver(report).observe(button, { attributes: true, childList: true, subtree: true });
        // Two more clicks on this page once it is sent (they die with the page if it is gone by then).
        button.form!.addEventListener("submit", () =>
          setTimeout(() => {
            button.click();
            button.click();
          }, 50));
      });
      const button = page.locator("button[form=create-competition]");
      const cdp = await context.newCDPSession(page);
      await button.click({ noWaitAfter: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const shot = await cdp.send("Page.captureScreenshot", { format: "png" });
      await Deno.writeFile(`tests/artifacts/form_once_pending_${width}.png`, Uint8Array.fromBase64(shot.data));
      await page.waitForURL(/\/competitions\/\w+\/manage$/);
      assert.ok(seen.includes("button:true|Creating the draft…"), `the button waited: ${seen}`);
      assert.deepEqual(posts, ["/competitions/new"], "one post with JavaScript");
      assert.equal(await drafts(withJs), 1);

      // Without JavaScript: each click sends the form again; the server makes one draft of them.
      await page.route("**/static/islands/**", (route) => route.abort());
      const withoutJs = `Autumn Brawl ${width}`;
      await fill(withoutJs);
      posts.length = 0;
      await button.evaluate((element: HTMLButtonElement) => {
        element.click();
        setTimeout(() => element.click(), 150);
        setTimeout(() => element.click(), 300);
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      await page.waitForURL(/\/competitions\/\w+\/manage$/);
      await new Promise((resolve) => setTimeout(resolve, 2000)); // every post answered
      assert.ok(posts.length >= 2, `the browser sent the form ${posts.length} times`);
      assert.equal(await drafts(withoutJs), 1, `one draft from ${posts.length} posts`);
      await page.unroute("**/static/islands/**");
    }
  } finally {
    await server.shutdown();
  }
});
