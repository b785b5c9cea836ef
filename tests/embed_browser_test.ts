/**
 * The embeddable board in Chromium, framed by a page of another origin (a
 * second loopback server, as a creator's landing page would be): it loads
 * under the strict CSP with `frame-ancestors *`, follows the live stream and
 * shows a signed Shopify webhook's order within a second, in the dark theme
 * when asked. Screenshot in `tests/artifacts/`.
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../testing/browser.ts";
import { createTestApp } from "../testing/test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { competitionStartedAnHourAgo, HOUR } from "../testing/page_fixtures.ts";
import { joinStore, participantOf, settledSync } from "../testing/shopify.ts";

Deno.test("embed in Chromium - framed on another origin, it shows a webhook's order live within a second", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp({}, { shopify: true, whop: true });
  const shopify = t.shopify!;
  t.clock.ms = Date.now() - 2 * HOUR;
  const { competition } = await competitionStartedAnHourAgo(t, "user_creator", 0, "Landing Cup");
  const SHOP = "sunrise.myshopify.com";
  shopify.createShop({ shop: SHOP, name: "Sunrise", currency: "USD" });
  await joinStore(t, competition.id, "owner_0", SHOP);
  await settledSync(t, (await participantOf(t, competition.id, SHOP))!.id);

  const embedUrl = `${t.url}/embed/competitions/${competition.id}?theme=dark`;
  const landing = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(
        `<!doctype html><html><body><h1>My course</h1><iframe src="${embedUrl}" title="Live board" width="360" height="330"></iframe></body></html>`,
        { headers: { "content-type": "text/html; charset=utf-8" } },
      ),
  );
  await using browser = await launchBrowser();
  try {
    const { page, problems } = browser;
    const landingOrigin = `http://127.0.0.1:${landing.addr.port}`;
    assert.notEqual(landingOrigin, new URL(t.url!).origin);
    await page.goto(landingOrigin);
    const frame = page.frameLocator("iframe");
    await frame.locator(".embed-state-live").waitFor({ timeout: 5000 });
    assert.equal(await frame.locator(".embed-name").first().textContent(), "Sunrise");
    assert.equal(await frame.locator(".embed-figure").first().textContent(), "$0.00");
    const background = await frame.locator("body").evaluate((body) => getComputedStyle(body).backgroundColor);
    assert.equal(background, "rgb(18, 20, 26)", "?theme=dark");

    const embed = page.frames().find((f) => f.url().startsWith(`${t.url}/embed/`))!;
    await embed.evaluate(() => {
      const log: { at: number; text: string }[] = [];
      (globalThis as { figureChanges?: typeof log }).figureChanges = log;
      const list = document.querySelector(".embed-places")!;
      new MutationObserver(() => log.push({ at: performance.timeOrigin + performance.now(), text: list.textContent! }))
        .observe(list, { subtree: true, childList: true, characterData: true });
    });
    t.clock.ms = Date.now();
    const started = Date.now();
    shopify.createOrder(SHOP, { totalPrice: "77.25" });
    await embed.waitForFunction(
      () =>
        (globalThis as { figureChanges?: { text: string }[] }).figureChanges?.some((c) => c.text.includes("$77.25")),
      undefined,
      { timeout: 1000 },
    );
    const shownAt = await embed.evaluate(() =>
      (globalThis as { figureChanges?: { at: number; text: string }[] }).figureChanges!
        .find((c) => c.text.includes("$77.25"))!.at
    );
    const ms = Math.round(shownAt - started);
    console.log(`webhook -> embed DOM (cross-origin iframe): ${ms} ms`);
    assert.ok(ms < 1000, `${ms} ms`);
    await page.screenshot({ path: "tests/artifacts/embed_framed_dark.png" });
    assert.deepEqual(problems, []);
  } finally {
    await landing.shutdown();
  }
});
