/**
 * Shopify's `read_orders` reads only the last 60 days of a store's orders:
 * the longest competition still reads its first order at a final sync as
 * late as the settlement allowance after its end.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../../testing/test_app.ts";
import { joinStore, openCompetition, participantOf, readParticipant, settledSync } from "../../testing/shopify.ts";
import { FINAL_SYNC_ALLOWANCE_S, MAX_DURATION_S, SHOPIFY_ORDER_WINDOW_S } from "../competitions/input.ts";
import { ORDERS_QUERY } from "./admin_documents.ts";
import { orderSearch, pageCost } from "./sync.ts";

const SHOP = "window-store.myshopify.com";

Deno.test("shopify order window - the longest competition's first order is read at a final sync 4 days after its end; past 60 days Shopify hides it", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const sandbox = t.shopify!;
  const competition = await openCompetition(t, { days: MAX_DURATION_S / 86_400 });
  sandbox.createShop({ shop: SHOP, currency: "USD" });
  const { callback } = await joinStore(t, competition.id, "merchant_a", SHOP);
  assert.equal(callback.status, 303);
  const participantId = (await settledSync(t, (await participantOf(t, competition.id, SHOP))!.id)).id;
  // Its webhook is lost: only a sync can count the first order of the competition.
  sandbox.faults.dropWebhooks = 1;
  sandbox.createOrder(SHOP, { totalPrice: "30.00" });
  await sandbox.flushWebhooks();
  assert.equal((await readParticipant(t, participantId)).revenue, 0);

  const start = Date.parse(competition.startDate);
  const end = Date.parse(competition.endDate);
  t.clock.ms = end + FINAL_SYNC_ALLOWANCE_S * 1000 - 1000;
  await t.shopifyServices!.syncParticipant(await readParticipant(t, participantId));
  assert.equal((await readParticipant(t, participantId)).revenue, 3000, "read at the latest final sync");

  t.clock.ms = start + SHOPIFY_ORDER_WINDOW_S * 1000 + 3600_000;
  const page = await t.shopifyServices!.admin.query<{ orders: { nodes: unknown[] } }>(
    SHOP,
    ORDERS_QUERY,
    { first: 10, after: null, query: orderSearch(start, end) },
    pageCost(10),
  );
  assert.deepEqual(page.orders.nodes, [], "60 days after the start, read_orders no longer returns the order");
});
