/**
 * Browser test: a real Chromium loads a page with the countdown island under
 * the strict CSP, hydrates it, and reports how much JavaScript it shipped.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { h } from "preact";
import { launchBrowser } from "../testing/browser.ts";
import Countdown from "../islands/countdown.tsx";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { island } from "../lib/web/islands.ts";
import { csp } from "../lib/web/middleware/csp.ts";
import { renderPage } from "../lib/web/render.tsx";
import { staticRoutes } from "../routes/static.ts";

const CountdownIsland = island(Countdown, "countdown");

function demoApp(): Hono {
  const app = new Hono();
  app.use(csp());
  app.route("/", staticRoutes());
  app.get("/plain", (c) => renderPage(c, { title: "Plain", body: h("p", null, "Nothing to run.") }));
  app.get("/countdown", (c) =>
    renderPage(c, {
      title: "Countdown",
      sandbox: true,
      nav: h("a", { href: "/" }, "Browse"),
      body: h(
        "div",
        { class: "card" },
        h("h1", null, "Spring Sales Brawl"),
        h("p", null, "Ends in ", h(CountdownIsland, { to: c.req.query("to")! })),
      ),
    }));
  return app;
}

Deno.test("islands - countdown hydrates in Chromium under the strict CSP", async () => {
  await ensureIslandBundles();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    demoApp().fetch,
  );
  await using browser = await launchBrowser({ viewport: { width: 360, height: 640 } });
  const { page, problems } = browser;
  try {
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const scripts: Promise<{ url: string; wire: number; raw: number }>[] = [];
    page.on("requestfinished", (request) => {
      if (request.resourceType() !== "script") return;
      scripts.push((async () => {
        const response = await request.response();
        const sizes = await request.sizes();
        return {
          url: request.url(),
          wire: sizes.responseBodySize,
          raw: (await response!.body()).length,
        };
      })());
    });

    await page.goto(`${origin}/plain`);
    assert.equal(await page.locator("script").count(), 0);
    assert.equal(scripts.length, 0, "a page without islands loads no JS");

    const to = new Date(Date.now() + 3_599_000).toISOString();
    await page.goto(`${origin}/countdown?to=${encodeURIComponent(to)}`);
    const timer = page.locator("time.countdown");
    const first = await timer.textContent();
    assert.match(first ?? "", /^(59m \d+s|1h 0m)$/);
    await page.waitForFunction(
      (text) => document.querySelector("time.countdown")?.textContent !== text,
      first,
      { timeout: 5000 },
    );
    await page.screenshot({
      path: "tests/artifacts/islands_countdown.png",
      fullPage: true,
    });

    const loaded = await Promise.all(scripts);
    assert.ok(loaded.length >= 2, "boot script and island chunks loaded");
    const wire = loaded.reduce((sum, script) => sum + script.wire, 0);
    const raw = loaded.reduce((sum, script) => sum + script.raw, 0);
    console.log(
      `countdown page JS: ${loaded.length} files, ${raw} bytes minified, ${wire} bytes gzip on the wire`,
    );
    assert.deepEqual(problems, [], "no console errors or CSP violations");
  } finally {
    await server.shutdown();
  }
});
