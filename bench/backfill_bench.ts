/**
 * Backfill: a store with `--orders` (10,000) orders on the simulated Shopify
 * joins an active competition through the real OAuth round trip; the
 * `backfill` queue message runs `backfillParticipant` (real HTTP to the
 * simulated Admin GraphQL API, the real `@shopify/shopify-api` client, 250
 * orders a page, paced by the simulated cost bucket). The test clock is a
 * fast one: every wait for the cost bucket (or a retry) moves the clock
 * instead of sleeping, so the wall time is the work alone and the waits are
 * reported separately (with a real clock they would add to it).
 *
 *   LOG_LEVEL=warn deno run -A bench/backfill_bench.ts [--orders 10000] [--rounds 3]
 */
import { parseArgs } from "node:util";
import { createTestApp } from "../testing/test_app.ts";
import { joinStore, openCompetition, participantOf, readParticipant, settledSync } from "../testing/shopify.ts";
import { sumStoredOrders } from "../lib/competitions/revenue.ts";
import { machine, median, report, round } from "./stats.ts";

const { values } = parseArgs({
  options: { orders: { type: "string", default: "10000" }, rounds: { type: "string", default: "3" } },
});
const orderCount = Number(values.orders);
const rounds = Number(values.rounds);
const SHOP = "backfill-bench.myshopify.com";

console.log(`machine: ${machine()}; ${orderCount} orders, ${rounds} rounds`);
const wall: number[] = [];
const waits: number[] = [];
const pages: number[] = [];
for (let r = 0; r < rounds; r++) {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  const sandbox = t.shopify!;
  sandbox.createShop({ shop: SHOP, currency: "USD" });
  let expected = 0;
  for (let i = 0; i < orderCount; i++) {
    const cents = 100 + (i * 7919) % 99_900;
    expected += cents;
    sandbox.createOrder(SHOP, { totalPrice: (cents / 100).toFixed(2) });
  }
  const before = t.shopifyWaitedMs();
  const started = performance.now();
  const { callback } = await joinStore(t, competition.id, `merchant_${r}`, SHOP);
  if (callback.status !== 303) throw new Error(`join answered ${callback.status}`);
  const joined = (await participantOf(t, competition.id, SHOP))!;
  const settled = await settledSync(t, joined.id, 600_000);
  const seconds = (performance.now() - started) / 1000;
  if (settled.sync.state !== "done") throw new Error(`backfill ${settled.sync.state}: ${settled.sync.error}`);
  const participant = await readParticipant(t, joined.id);
  const stored = await sumStoredOrders(t.kv, joined.id);
  if (participant.revenue !== expected || stored.revenue !== expected || participant.orders !== orderCount) {
    throw new Error(`backfill total ${participant.revenue} (${participant.orders} orders), expected ${expected}`);
  }
  const waited = t.shopifyWaitedMs() - before;
  const queries = sandbox.throttleStatus(SHOP);
  console.log(
    `round ${r + 1}: ${participant.orders} orders in ${round(seconds)} s of work; ` +
      `cost-bucket waits ${
        round(waited / 1000)
      } s (bucket now ${queries.currentlyAvailable}/${queries.maximumAvailable})`,
  );
  wall.push(seconds);
  waits.push(waited / 1000);
  pages.push(Math.ceil(orderCount / 250));
}
report(`backfill of ${orderCount} orders, join to done, work only`, median(wall), "s");
report("backfill rate, work only", orderCount / median(wall), "orders/s");
report("simulated cost-bucket waits (fast clock, not slept)", median(waits), "s");
report("backfill with the waits slept (work + waits)", median(wall) + median(waits), "s");
report("backfill rate with the waits", orderCount / (median(wall) + median(waits)), "orders/s");
report("pages of 250", median(pages), "");
