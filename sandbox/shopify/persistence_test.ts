import { assert, assertEquals, assertMatch, assertRejects } from "../../testing/assert.ts";
import {
  adminGraphql,
  installApp,
  libraryFor,
  startTestSandbox,
  startWebhookReceiver,
  testClock,
} from "../../testing/shopify_sandbox.ts";
import { SandboxStateError } from "../state_file.ts";

const SHOP = "durable-shop.myshopify.com";

const ORDERS_QUERY = `{
  orders(first: 10) {
    nodes { legacyResourceId name currentTotalPriceSet { shopMoney { amount currencyCode } } }
  }
}`;

const SUBSCRIPTIONS_QUERY = `{
  webhookSubscriptions(first: 10) { nodes { id topic } }
}`;

async function readDocument(path: string) {
  return JSON.parse(await Deno.readTextFile(path));
}

Deno.test("shopify sandbox - statePath keeps shops, orders, tokens and subscriptions across a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shopify-state-" });
  const statePath = `${dir}/shopify.json`;
  const receiver = startWebhookReceiver();
  const clock = testClock(Date.parse("2026-06-01T12:00:00Z"));
  try {
    const first = await startTestSandbox({ statePath, now: clock.now });
    let session;
    let before;
    try {
      first.createShop({ shop: SHOP, currency: "EUR", utcOffsetMinutes: 120, name: "Durable" });
      session = await installApp(libraryFor(first), first, SHOP);
      const subscribed = await adminGraphql(
        first,
        SHOP,
        session.accessToken!,
        `mutation($url: URL!) {
          webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { callbackUrl: $url, format: JSON }) {
            userErrors { message }
          }
        }`,
        { url: receiver.url },
      );
      assertEquals(subscribed.body.data.webhookSubscriptionCreate.userErrors, []);
      const a = first.createOrder(SHOP, { lineItems: [{ title: "Mug", quantity: 2, price: "7.25" }] });
      clock.advance(60_000);
      const b = first.createOrder(SHOP, { totalPrice: "40.00", test: true });
      first.refundOrder(SHOP, a.id, "4.50", "damaged");
      first.updateOrder(SHOP, b.id, { tags: ["vip"], note: "gift" });
      clock.advance(60_000);
      const c = first.createOrder(SHOP, { totalPrice: "9.99" });
      first.cancelOrder(SHOP, c.id, { reason: "fraud" });
      await first.flushWebhooks();
      assertEquals(receiver.received.length, 3);
      before = {
        shops: first.shops(),
        orders: first.orders(SHOP),
        subscriptions: first.subscriptions(SHOP),
      };
    } finally {
      await first.close();
    }

    const document = await readDocument(statePath);
    assertEquals([document.version, document.kind], [1, "shopify-sandbox"]);
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name), ["shopify.json"]);

    const second = await startTestSandbox({ statePath, now: clock.now });
    try {
      assertEquals(second.shops(), before.shops);
      assertEquals(second.shops()[0].installed, true);
      assertEquals(second.orders(SHOP), before.orders);
      assertEquals(second.subscriptions(SHOP), before.subscriptions);
      assertEquals(second.deliveries.length, 0, "the delivery log starts afresh");

      // The token issued before the restart still works on the Admin API.
      const orders = await adminGraphql(second, SHOP, session.accessToken!, ORDERS_QUERY);
      assertEquals(orders.status, 200);
      assertEquals(
        orders.body.data.orders.nodes.map((node: { name: string }) => node.name),
        ["#1001", "#1002", "#1003"],
      );
      assertEquals(orders.body.data.orders.nodes[0].currentTotalPriceSet.shopMoney, {
        amount: "10.0",
        currencyCode: "EUR",
      });
      const subscriptions = await adminGraphql(second, SHOP, session.accessToken!, SUBSCRIPTIONS_QUERY);
      assertEquals(
        subscriptions.body.data.webhookSubscriptions.nodes.map((node: { id: string; topic: string }) => node),
        before.subscriptions.map((sub) => ({
          id: `gid://shopify/WebhookSubscription/${sub.id}`,
          topic: "ORDERS_CREATE",
        })),
      );

      // New ids and order numbers carry on; the old subscription still delivers.
      const usedIds = new Set([
        ...before.shops.map((shop) => shop.id),
        ...before.subscriptions.map((sub) => sub.id),
        ...before.orders.flatMap((order) => [
          order.id,
          ...order.lineItems.map((line) => line.id),
          ...order.refunds.map((refund) => refund.id),
        ]),
      ]);
      const next = second.createOrder(SHOP, { totalPrice: "5.00" });
      assertEquals(next.name, "#1004");
      assert(!usedIds.has(next.id) && !usedIds.has(next.lineItems[0].id), "new ids do not collide");
      assert(next.id > Math.max(...usedIds));
      await second.flushWebhooks();
      assertEquals(receiver.received.length, 4);
      const latest = receiver.received[3];
      assertEquals(latest.headers.get("X-Shopify-Topic"), "orders/create");
      assertEquals(JSON.parse(latest.body).id, next.id);
      assertEquals(second.deliveries.map((delivery) => delivery.status), ["delivered"]);

      // The refresh token saved before the restart can be traded once.
      const shopify = libraryFor(second);
      const { session: refreshed } = await shopify.auth.refreshToken({
        shop: SHOP,
        refreshToken: session.refreshToken!,
      });
      assert(refreshed.accessToken && refreshed.accessToken !== session.accessToken);
      const viaRefreshed = await adminGraphql(second, SHOP, refreshed.accessToken, `{ shop { name } }`);
      assertEquals(viaRefreshed.body.data.shop.name, "Durable");
    } finally {
      await second.close();
    }

    // Changes made after the restart survive the next one too.
    const third = await startTestSandbox({ statePath, now: clock.now });
    try {
      assertEquals(third.orders(SHOP).map((order) => order.name), ["#1001", "#1002", "#1003", "#1004"]);
      const expired = await adminGraphql(third, SHOP, session.accessToken!, `{ shop { name } }`);
      assertEquals(expired.status, 200, "the first access token is still within its hour");
      clock.advance(3600_000);
      const stale = await adminGraphql(third, SHOP, session.accessToken!, `{ shop { name } }`);
      assertEquals(stale.status, 401, "saved expiry is still enforced");
    } finally {
      await third.close();
    }
  } finally {
    await receiver.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shopify sandbox - changes reach the state file shortly after, without close", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shopify-state-" });
  const statePath = `${dir}/nested/shopify.json`;
  try {
    const sandbox = await startTestSandbox({ statePath });
    try {
      const fresh = await readDocument(statePath);
      assertEquals(fresh.state.store.shops, [], "a fresh file is written at start");
      sandbox.createShop({ shop: SHOP });
      const order = sandbox.createOrder(SHOP, { totalPrice: "12.00" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const saved = await readDocument(statePath);
      assertEquals(saved.state.store.shops[0].orders.map((o: { id: number }) => o.id), [order.id]);
      sandbox.uninstallApp(SHOP);
      // Form posts from the overview page are requests like any other.
      const form = await fetch(`${sandbox.origin}/_sandbox/orders`, {
        method: "POST",
        body: new URLSearchParams({ shop: SHOP, totalPrice: "3.00" }),
        redirect: "manual",
      });
      await form.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const afterForm = await readDocument(statePath);
      assertEquals(afterForm.state.store.shops[0].orders.length, 2);
      // Requests that change nothing do not rewrite the file.
      const page = await fetch(sandbox.origin);
      await page.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assertEquals((await readDocument(statePath)).savedAt, afterForm.savedAt);
    } finally {
      await sandbox.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shopify sandbox - a corrupt or unknown state file refuses to start and is left alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shopify-state-" });
  const statePath = `${dir}/shopify.json`;
  try {
    const cases: [string, RegExp][] = [
      ['{"version":1,"kind":"shopify-sandbox","state":{"store":', /is not valid JSON/],
      ['{"version":2,"kind":"shopify-sandbox","state":{}}', /version 2.*reads version 1 only/],
      ['{"version":1,"kind":"whop-sandbox","state":{}}', /holds "whop-sandbox" state/],
      [
        '{"version":1,"kind":"shopify-sandbox","state":{"store":{"nextId":1,"shops":[{"domain":1}]},"tokens":{}}}',
        /expected shape \(state\.store\.shops\.0\.domain/,
      ],
    ];
    for (const [text, message] of cases) {
      await Deno.writeTextFile(statePath, text);
      const error = await assertRejects(() => startTestSandbox({ statePath }), SandboxStateError);
      assertMatch(error.message, message);
      assertMatch(error.message, /shopify\.json/);
      assertEquals(await Deno.readTextFile(statePath), text, "the file is not overwritten");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
