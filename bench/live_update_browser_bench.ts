/**
 * What a live board update costs a reader's browser: the competition page
 * of `--stores` stores (3 orders each, so the board and the race chart are
 * full) open in Chromium at a phone's size with its CPU slowed `--throttle`
 * times (Chrome's `Emulation.setCPUThrottlingRate`, as DevTools' "4× slowdown"),
 * while `--updates` signed `orders/create` webhooks move one store each,
 * `--gap` ms apart. Reported per update, from Chrome's `Performance.getMetrics`
 * read before the first update and after the board shows the last: script
 * time, style and layout time, and all main-thread task time (which also
 * counts painting and the throttle's own pauses); the median of `--rounds`
 * rounds, each on a fresh page. `--reduced-motion` asks for the page without
 * its row animations (`prefers-reduced-motion: reduce`), to tell their share.
 *
 *   LOG_LEVEL=warn deno run -A bench/live_update_browser_bench.ts [--stores 100] [--updates 30] [--gap 400] [--throttle 4] [--rounds 3] [--reduced-motion]
 */
import { parseArgs } from "node:util";
import { toDecimalString } from "../lib/core/money.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { launchBrowser } from "../testing/browser.ts";
import { machine, median, report, round } from "./stats.ts";
import { deliver, orderBody, pool, shopOf, signedDelivery, startChildApp } from "./support.ts";

const { values } = parseArgs({
  options: {
    stores: { type: "string", default: "100" },
    updates: { type: "string", default: "30" },
    gap: { type: "string", default: "400" },
    throttle: { type: "string", default: "4" },
    rounds: { type: "string", default: "3" },
    "reduced-motion": { type: "boolean", default: false },
  },
});
const stores = Number(values.stores);
const updates = Number(values.updates);
console.log(
  `machine: ${machine()}; ${stores} stores, ${updates} updates ${values.gap} ms apart, CPU ${values.throttle}× slower, ` +
    `390×844${values["reduced-motion"] ? ", reduced motion" : ""}`,
);

const dir = await Deno.makeTempDir({ prefix: "cartbrawl-live-update-" });
const app = await startChildApp(dir, stores);
const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
for (let i = 0; i < stores; i++) sandbox.createShop({ shop: shopOf("bench", i), currency: "USD" });

/** A signed order of `cents` for the i-th store. */
function orderFor(i: number, cents: number) {
  const shop = shopOf("bench", i % stores);
  return signedDelivery(
    shop,
    "orders/create",
    orderBody(
      sandbox,
      sandbox.createOrder(shop, {
        totalPrice: toDecimalString(cents, "USD"),
      }),
    ),
  );
}
const filled = await Promise.all(Array.from({ length: stores * 3 }, (_, k) => orderFor(k, 1_000 + k * 37)));
for (const status of await pool(filled, 16, (delivery) => deliver(app.url, delivery))) {
  if (status !== 200) throw new Error(`an order delivery answered ${status}`);
}

const perUpdate = { script: [] as number[], layout: [] as number[], task: [] as number[] };
try {
  for (let r = 1; r <= Number(values.rounds); r++) {
    await using browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
    const { page } = browser;
    if (values["reduced-motion"]) await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto(`${app.url}/competitions/${app.competitionId}`, { waitUntil: "networkidle" });
    await page.locator(".live-leaderboard tbody tr[data-participant-id]").first().waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: Number(values.throttle) });
    await cdp.send("Performance.enable");
    const metrics = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      const of = (name: string) => metrics.find((metric: { name: string }) => metric.name === name)?.value ?? 0;
      return {
        script: of("ScriptDuration"),
        layout: of("LayoutDuration") + of("RecalcStyleDuration"),
        task: of("TaskDuration"),
      };
    };
    await page.waitForTimeout(1_000);
    const before = await metrics();
    // Each update moves another store by a large order (it climbs the board).
    let shop = "";
    for (let u = 0; u < updates; u++) {
      const i = (r * updates + u) * 7;
      const status = await deliver(app.url, await orderFor(i, 1_000_000 + i * 1_001));
      if (status !== 200) throw new Error(`an update answered ${status}`);
      shop = shopOf("bench", i % stores);
      await new Promise((resolve) => setTimeout(resolve, Number(values.gap)));
    }
    // Measured once the page shows the last store's new total.
    const board = await (await fetch(`${app.url}/api/competitions/${app.competitionId}/leaderboard`)).json() as {
      entries: { shop: string; revenue: string }[];
    };
    const total = board.entries.find((entry) => entry.shop === shop)!.revenue;
    const shown = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(Number(total));
    await page.locator(".live-leaderboard", { hasText: shown }).waitFor({ timeout: 30_000 });
    const after = await metrics();
    for (const key of ["script", "layout", "task"] as const) {
      perUpdate[key].push(((after[key] - before[key]) / updates) * 1000);
    }
    console.log(
      `round ${r}: script ${round(perUpdate.script.at(-1)!)} ms, style and layout ${
        round(perUpdate.layout.at(-1)!)
      } ms, ` +
        `all main-thread tasks ${round(perUpdate.task.at(-1)!)} ms per update`,
    );
  }
  report("script per update", round(median(perUpdate.script)), "ms");
  report("style and layout per update", round(median(perUpdate.layout)), "ms");
  report(
    "all main-thread tasks per update (painting and the throttle's pauses too)",
    round(median(perUpdate.task)),
    "ms",
  );
} finally {
  await sandbox.close();
  await app.stop();
  await Deno.remove(dir, { recursive: true });
}
