/**
 * Crash resilience: the app as a real subprocess (`deno run -A main.ts`,
 * non-sandbox settings pointing at a simulated Shopify and Whop started
 * here, a KV file in a temp dir) takes signed deliveries under load and is
 * SIGKILLed mid-load, twice; each time it is restarted on the same KV file
 * and the deliveries that got no 2xx are sent again (as Shopify retries),
 * along with some that did (a retry whose 2xx was lost). At the end every
 * order whose delivery got a 2xx is counted, none twice, and every total is
 * the sum of its stored orders.
 */
import assert from "node:assert/strict";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { startWhopSandbox } from "../sandbox/whop/mod.ts";
import { TEST_WHOP_SETTINGS } from "../testing/test_app.ts";
import { type AppProcess, freePort, productionEnv, startAppProcess } from "../testing/app_process.ts";
import { SANDBOX_APP } from "../lib/shopify/library.ts";
import { keys } from "../lib/core/db.ts";
import type { Participant } from "../lib/competitions/participants.ts";
import { sumStoredOrders } from "../lib/competitions/revenue.ts";
import { parseMoney } from "../lib/core/money.ts";
import {
  type Delivery,
  orderBody,
  pool,
  postDelivery,
  rng,
  seedCompetition,
  shopOf,
  shuffle,
  signedDelivery,
} from "../bench/support.ts";

const SEED = Number(Deno.env.get("RESILIENCE_SEED") ?? 20261202);

/** POSTs a delivery; the status (0 on a network error) and the answer's `result`. */
async function send(url: string, delivery: Delivery): Promise<{ status: number; result: string }> {
  try {
    const res = await postDelivery(url, delivery, AbortSignal.timeout(10_000));
    const text = await res.text();
    let result = text.slice(0, 200);
    try {
      result = JSON.parse(text).result ?? result;
    } catch {
      // not JSON
    }
    return { status: res.status, result };
  } catch {
    return { status: 0, result: "network error" };
  }
}

Deno.test("resilience - SIGKILL mid-load, restart on the same KV file: every 2xx delivery counted once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl-crash-" });
  const kvPath = `${dir}/data/cartbrawl.sqlite3`;
  await Deno.mkdir(`${dir}/data`);
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const shopify = await startShopifySandbox({ ...SANDBOX_APP });
  const whop = await startWhopSandbox({ ...TEST_WHOP_SETTINGS });
  const random = rng(SEED);
  let app: AppProcess | undefined;
  try {
    // The competition and its stores, written to the KV file before the app starts.
    const STORES = 20;
    const seedKv = await Deno.openKv(kvPath);
    const { competition, participants } = await seedCompetition(seedKv, { stores: STORES, prefix: "crash" });
    seedKv.close();
    for (let i = 0; i < STORES; i++) shopify.createShop({ shop: shopOf("crash", i), currency: "USD" });

    const ORDERS = 3000;
    const deliveries: (Delivery & { cents: number; orderId: string })[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const shop = shopOf("crash", Math.floor(random() * STORES));
      const cents = 1 + Math.floor(random() * 100_000);
      const order = shopify.createOrder(shop, { totalPrice: (cents / 100).toFixed(2) });
      const delivery = await signedDelivery(
        shop,
        "orders/create",
        orderBody(shopify, order),
        undefined,
        SANDBOX_APP.apiSecret,
      );
      deliveries.push({ ...delivery, cents, orderId: String(order.id) });
    }
    const expected = deliveries.reduce((sum, d) => sum + d.cents, 0);

    const env = productionEnv({ kvPath, port, whop, shopify });

    const acked = new Set<number>(); // indexes of deliveries answered 2xx at least once
    const answers = new Map<number, string>();
    let queue = deliveries.map((_, i) => i);
    const resentAfterAck: number[] = [];
    for (let phase = 0; phase < 3; phase++) {
      app = await startAppProcess(env, { timeoutMs: 60_000 });
      const crash = phase < 2;
      // Kill after about a third of what is left has been acknowledged.
      const killAfter = crash ? acked.size + Math.ceil(queue.length / 3) : Infinity;
      let killed: Promise<Deno.CommandStatus> | undefined;
      const current = app;
      await pool(queue, 32, async (i) => {
        if (killed) return;
        const { status, result } = await send(url, deliveries[i]);
        if (status >= 200 && status < 300) {
          acked.add(i);
          answers.set(i, result);
        } else if (!killed) assert.equal(status, 0, `delivery ${i} answered ${status}:\n${current.output()}`);
        if (!killed && acked.size >= killAfter) killed = current.kill();
      });
      if (crash) {
        assert.ok(killed, "the app was killed mid-load");
        assert.equal((await killed).signal, "SIGKILL");
        // Right after the crash: every acknowledged order is stored, and every total is its stored sum.
        const kv = await Deno.openKv(kvPath);
        try {
          for (const i of acked) {
            const d = deliveries[i];
            const participant = participants.find((p) => p.shop === d.shop)!;
            const stored = await kv.get<{ amount: number }>(keys.order(participant.id, d.orderId));
            assert.equal(
              stored.value?.amount,
              d.cents,
              `acknowledged order ${d.orderId} (answer ${answers.get(i)}) lost by the crash (seed ${SEED})`,
            );
          }
          for (const p of participants) {
            const record = (await kv.get<Participant>(keys.participant(p.id))).value!;
            const summed = await sumStoredOrders(kv, p.id);
            assert.deepEqual(summed, { revenue: record.revenue, orders: record.orders }, `${p.shop} after the crash`);
          }
        } finally {
          kv.close();
        }
      } else {
        await app.kill("SIGTERM");
      }
      // Shopify retries what got no 2xx; a few acknowledged ones come again too (their 2xx "lost").
      const again = deliveries.map((_, i) => i).filter((i) => acked.has(i) && random() < 0.05);
      resentAfterAck.push(...again);
      queue = shuffle([...deliveries.map((_, i) => i).filter((i) => !acked.has(i)), ...again], random);
      if (!crash) break;
    }
    app = undefined;
    assert.equal(acked.size, ORDERS, "every delivery was eventually acknowledged");
    assert.ok(resentAfterAck.length > 0);

    // Exact: the sum of every order sent, each counted once.
    const kv = await Deno.openKv(kvPath);
    try {
      let total = 0;
      let orders = 0;
      for (const p of participants) {
        const record = (await kv.get<Participant>(keys.participant(p.id))).value!;
        const summed = await sumStoredOrders(kv, p.id);
        assert.deepEqual(summed, { revenue: record.revenue, orders: record.orders }, p.shop);
        total += record.revenue;
        orders += record.orders;
      }
      assert.equal(orders, ORDERS, `orders counted (seed ${SEED})`);
      assert.equal(total, expected, `total to the cent (seed ${SEED})`);
      const board = [];
      for await (const row of kv.list({ prefix: keys.leaderboard(competition.id) })) board.push(row);
      assert.equal(board.length, STORES, "one leaderboard row per store");
      assert.equal(
        shopify.orders(shopOf("crash", 0)).reduce((sum, o) => sum + parseMoney(o.currentTotalPrice, "USD"), 0),
        (await kv.get<Participant>(keys.participant(participants[0].id))).value!.revenue,
      );
    } finally {
      kv.close();
    }
  } finally {
    await app?.kill();
    await shopify.close();
    await whop.close();
    await Deno.remove(dir, { recursive: true });
  }
});
