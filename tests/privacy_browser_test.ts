/**
 * Privacy mode in Chromium: a store owner's page shows its own figure and
 * only bars for the others, and keeps showing its own figure as the board
 * moves live (the shared stream carries the strangers' view; the island reads
 * the owner's own board on each change).
 */
import assert from "node:assert/strict";
import { launchBrowser } from "../testing/browser.ts";
import { createTestApp } from "../testing/test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import type { OrderDelivery } from "../lib/competitions/revenue.ts";

Deno.test("privacy in Chromium - an owner sees its own figure live and only bars for the other stores", async () => {
  await ensureIslandBundles();
  let serve: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => serve(request));
  const origin = `http://127.0.0.1:${server.addr.port}`;
  await using t = await createTestApp({ APP_URL: origin });
  serve = (request) => t.app.fetch(request);
  try {
    const start = Date.now() - 3600_000;
    t.clock.ms = Date.now();
    const { competition, participants } = await activeCompetition(t.kv, { start, stores: 3 });
    await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({ ...c, privacy: "ranks" }));
    const order = (id: string, amount: number): OrderDelivery => {
      const at = new Date().toISOString();
      return { orderId: id, createdAt: at, updatedAt: at, amount, currency: "USD", test: false, cancelled: false };
    };
    await recordOrder(t.kv, participants[0].id, order("a", 80_000), t.clock.ms);
    await recordOrder(t.kv, participants[1].id, order("b", 40_000), t.clock.ms);
    await recordOrder(t.kv, participants[2].id, order("c", 20_000), t.clock.ms);

    await using browser = await launchBrowser();
    const { context, page, problems } = browser;
    const session = await createSession(t.kv, "owner_2", t.clock.ms);
    await context.addCookies([{ name: sessionCookieName(t.config.appUrl), value: session, url: origin }]);
    await page.goto(`${origin}/competitions/${competition.id}`);
    await page.locator(".pill-live").waitFor({ timeout: 5000 });
    const cells = () =>
      page.$$eval(
        ".live-leaderboard tbody tr[data-participant-id]",
        (trs) =>
          trs.map((tr) =>
            `${tr.querySelector(".store-name")?.textContent}|${tr.querySelector(".revenue")?.textContent}`
          ),
      );
    assert.deepEqual(await cells(), ["Store 0|100%", "Store 1|50%", "Store 2|$200.0025%"]);
    // The leader's exact share of Store 2 would be 0.89 and Store 1's 0.44: others see their 5 % bands.
    assert.equal(await page.locator(".race-chart").count(), 0, "no race chart of exact figures");

    await recordOrder(t.kv, participants[2].id, order("d", 70_000), Date.now());
    await page.waitForFunction(
      () => document.querySelector(".live-leaderboard tbody tr")?.textContent?.includes("Store 2"),
      undefined,
      { timeout: 1000 },
    );
    assert.deepEqual(await cells(), ["Store 2|$900.00100%", "Store 0|85%", "Store 1|40%"]);
    // A small order of the owner's own moves no band and no rank, so the strangers' stream stays quiet: the owner's
    // own stream carries its figure.
    await recordOrder(t.kv, participants[2].id, order("e", 1), Date.now());
    await page.waitForFunction(
      () => document.querySelector(".live-leaderboard tbody tr .revenue")?.textContent?.startsWith("$900.01"),
      undefined,
      { timeout: 2000 },
    );
    const html = await page.content();
    for (const figure of ["800.00", "400.00"]) assert.ok(!html.includes(figure), `${figure} is not on the page`);
    assert.deepEqual(problems, []);
  } finally {
    await server.shutdown();
  }
});
