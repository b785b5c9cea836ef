import { assert, assertEquals, assertMatch } from "../../testing/assert.ts";
import {
  installApp,
  libraryFor,
  type ReceivedWebhook,
  startTestSandbox,
  startWebhookReceiver,
  testClock,
} from "../../testing/shopify_sandbox.ts";
import type { ShopifySandbox } from "./sandbox.ts";

const SHOP = "hooks-shop.myshopify.com";

async function subscribe(sandbox: ShopifySandbox, url: string, topics: string[]) {
  const shopify = libraryFor(sandbox);
  const session = await installApp(shopify, sandbox, SHOP, { expiring: false });
  const client = new shopify.clients.Graphql({ session });
  for (const topic of topics) {
    const response = await client.request(
      `mutation($topic: WebhookSubscriptionTopic!, $url: URL!) {
        webhookSubscriptionCreate(topic: $topic, webhookSubscription: { callbackUrl: $url, format: JSON }) {
          userErrors { message }
        }
      }`,
      { variables: { topic, url } },
    );
    assertEquals(response.data.webhookSubscriptionCreate.userErrors, []);
  }
  return shopify;
}

function json(webhook: ReceivedWebhook) {
  return JSON.parse(webhook.body);
}

Deno.test("shopify sandbox - order webhooks carry Shopify's headers and an HMAC the library validates", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox();
  try {
    sandbox.createShop({ shop: SHOP, currency: "EUR", utcOffsetMinutes: 60 });
    const shopify = await subscribe(sandbox, receiver.url, ["ORDERS_CREATE"]);
    const order = sandbox.createOrder(SHOP, {
      createdAt: "2026-05-01T09:30:00Z",
      lineItems: [{ title: "Mug", quantity: 2, price: "7.25" }],
    });
    await sandbox.flushWebhooks();
    assertEquals(receiver.received.length, 1);
    const [webhook] = receiver.received;
    const result = await shopify.webhooks.validate({
      rawBody: webhook.body,
      rawRequest: new Request(receiver.url, { method: "POST", headers: webhook.headers }),
    });
    assert(result.valid, JSON.stringify(result));
    assertEquals(result.topic, "ORDERS_CREATE");
    assertEquals(result.domain, SHOP);
    assertEquals(result.apiVersion, "2026-07");
    assertEquals(result.webhookId, sandbox.deliveries[0].webhookId);
    assert(webhook.headers.get("X-Shopify-Event-Id"));
    assert(!Number.isNaN(Date.parse(webhook.headers.get("X-Shopify-Triggered-At")!)));
    assertEquals(webhook.headers.get("Content-Type"), "application/json");
    const body = json(webhook);
    assertEquals(body.id, order.id);
    assertEquals(body.admin_graphql_api_id, `gid://shopify/Order/${order.id}`);
    assertEquals(body.name, "#1001");
    assertEquals(body.created_at, "2026-05-01T10:30:00+01:00");
    assertEquals(body.currency, "EUR");
    assertEquals(body.presentment_currency, "EUR");
    assertEquals(body.financial_status, "paid");
    assertEquals([body.total_price, body.current_total_price, body.subtotal_price], [
      "14.50",
      "14.50",
      "14.50",
    ]);
    assertEquals(body.current_total_price_set, {
      shop_money: { amount: "14.50", currency_code: "EUR" },
      presentment_money: { amount: "14.50", currency_code: "EUR" },
    });
    assertEquals(body.line_items[0].quantity, 2);
    assertEquals(body.refunds, []);

    const tampered = await shopify.webhooks.validate({
      rawBody: webhook.body.replace("14.50", "99.50"),
      rawRequest: new Request(receiver.url, { method: "POST", headers: webhook.headers }),
    });
    assertEquals(tampered.valid, false);
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("shopify sandbox - refunds and cancellation lower current totals exactly and updated_at always increases", async () => {
  const clock = testClock(Date.parse("2026-06-01T00:00:00Z"));
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox({ now: clock.now });
  try {
    sandbox.createShop({ shop: SHOP, utcOffsetMinutes: 0 });
    await subscribe(sandbox, receiver.url, [
      "ORDERS_CREATE",
      "ORDERS_UPDATED",
      "ORDERS_CANCELLED",
      "REFUNDS_CREATE",
    ]);
    const order = sandbox.createOrder(SHOP, { totalPrice: "0.30" });
    sandbox.refundOrder(SHOP, order.id, "0.10");
    const cancelled = sandbox.cancelOrder(SHOP, order.gid);
    await sandbox.flushWebhooks();
    assertEquals(cancelled.currentTotalPrice, "0.00");
    assertEquals(cancelled.financialStatus, "refunded");
    const sent = receiver.received.map((webhook) => [
      webhook.headers.get("X-Shopify-Topic"),
      json(webhook).current_total_price ?? json(webhook).transactions[0].amount,
    ]);
    assertEquals(sent, [
      ["orders/create", "0.30"],
      ["refunds/create", "0.10"],
      ["orders/updated", "0.20"],
      ["orders/cancelled", "0.00"],
      ["refunds/create", "0.20"],
      ["orders/updated", "0.00"],
    ]);
    const orderBodies = receiver.received.map(json).filter((body) => body.updated_at);
    const stamps = orderBodies.map((body) => Date.parse(body.updated_at));
    for (let i = 1; i < stamps.length; i++) {
      if (orderBodies[i].updated_at === orderBodies[i - 1].updated_at) {
        // the same change told on two topics
        assertEquals(orderBodies[i].current_total_price, orderBodies[i - 1].current_total_price);
      } else {
        assert(stamps[i] > stamps[i - 1], `updated_at went from ${stamps[i - 1]} to ${stamps[i]}`);
      }
    }
    const last = orderBodies.at(-1);
    assertEquals(last.cancel_reason, "customer");
    assertMatch(last.cancelled_at, /^2026-06-01T00:00:0\d\+00:00$/);
    assertEquals(last.financial_status, "refunded");
    assertEquals(last.refunds.length, 2);
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("shopify sandbox - faults drop, duplicate and reorder webhook deliveries", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox();
  try {
    await subscribe(sandbox, receiver.url, ["ORDERS_CREATE", "ORDERS_UPDATED"]);
    sandbox.faults.dropWebhooks = 1;
    const dropped = sandbox.createOrder(SHOP, { totalPrice: "1.00" });
    sandbox.faults.duplicateWebhooks = 1;
    const duplicated = sandbox.createOrder(SHOP, { totalPrice: "2.00" });
    await sandbox.flushWebhooks();
    const ids = receiver.received.map((webhook) => json(webhook).id);
    assertEquals(ids, [duplicated.id, duplicated.id]);
    const [a, b] = receiver.received.map((webhook) => webhook.headers.get("X-Shopify-Webhook-Id"));
    assertEquals(a, b);
    assertEquals(sandbox.deliveries.map((delivery) => delivery.status), [
      "dropped",
      "delivered",
      "delivered",
    ]);
    assert(!ids.includes(dropped.id));

    receiver.received.length = 0;
    sandbox.faults.holdWebhooks = true;
    sandbox.updateOrder(SHOP, duplicated.id, { note: "first" });
    sandbox.updateOrder(SHOP, duplicated.id, { note: "second" });
    await sandbox.flushWebhooks();
    assertEquals(receiver.received.length, 0);
    sandbox.faults.holdWebhooks = false;
    await sandbox.releaseHeldWebhooks();
    assertEquals(receiver.received.map((webhook) => json(webhook).note), ["second", "first"]);
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("shopify sandbox - failed deliveries are logged and retried with the same webhook id", async () => {
  const receiver = startWebhookReceiver(500);
  const sandbox = await startTestSandbox();
  try {
    await subscribe(sandbox, receiver.url, ["ORDERS_CREATE"]);
    sandbox.createOrder(SHOP, { totalPrice: "3.00" });
    await sandbox.flushWebhooks();
    assertEquals(sandbox.deliveries[0].status, "failed");
    assertEquals(sandbox.deliveries[0].responseStatus, 500);
    receiver.status = 200;
    await sandbox.retryFailedWebhooks();
    assertEquals(sandbox.deliveries.map((d) => [d.attempt, d.status]), [[1, "failed"], [2, "delivered"]]);
    const ids = receiver.received.map((webhook) => webhook.headers.get("X-Shopify-Webhook-Id"));
    assertEquals(ids[0], ids[1]);
    await sandbox.retryFailedWebhooks();
    assertEquals(sandbox.deliveries.length, 2, "nothing left to retry");
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("shopify sandbox - uninstall sends app/uninstalled, then the token and subscriptions are gone", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox();
  try {
    const shopify = libraryFor(sandbox);
    const session = await installApp(shopify, sandbox, SHOP);
    await subscribe(sandbox, receiver.url, ["APP_UNINSTALLED", "ORDERS_CREATE"]);
    sandbox.uninstallApp(SHOP);
    await sandbox.flushWebhooks();
    assertEquals(receiver.received.map((webhook) => webhook.headers.get("X-Shopify-Topic")), [
      "app/uninstalled",
    ]);
    assertEquals(json(receiver.received[0]).myshopify_domain, SHOP);
    assertEquals(sandbox.subscriptions(SHOP), []);
    assertEquals(sandbox.shops()[0].installed, false);
    const response = await fetch(`${sandbox.origin}/${SHOP}/admin/api/2026-07/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": session.accessToken! },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    await response.body?.cancel();
    assertEquals(response.status, 401);
    sandbox.createOrder(SHOP, { totalPrice: "5.00" });
    await sandbox.flushWebhooks();
    assertEquals(receiver.received.length, 1, "no webhooks after uninstall");
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("shopify sandbox - privacy webhooks go to appWebhookUrl, signed", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox({ appWebhookUrl: "" });
  const configured = await startTestSandbox({ appWebhookUrl: receiver.url });
  try {
    configured.createShop({ shop: SHOP });
    const order = configured.createOrder(SHOP, { totalPrice: "1.00" });
    for (const topic of ["customers/data_request", "customers/redact", "shop/redact"] as const) {
      configured.sendPrivacyWebhook(SHOP, topic);
    }
    await configured.flushWebhooks();
    const shopify = libraryFor(configured);
    const topics = [];
    for (const webhook of receiver.received) {
      const result = await shopify.webhooks.validate({
        rawBody: webhook.body,
        rawRequest: new Request(receiver.url, { method: "POST", headers: webhook.headers }),
      });
      assert(result.valid);
      topics.push(webhook.headers.get("X-Shopify-Topic"));
    }
    assertEquals(topics, ["customers/data_request", "customers/redact", "shop/redact"]);
    assertEquals(json(receiver.received[0]).orders_requested, [order.id]);
    assertEquals(json(receiver.received[2]), {
      shop_id: configured.shops()[0].id,
      shop_domain: SHOP,
    });
    sandbox.createShop({ shop: SHOP });
    let refused = false;
    try {
      sandbox.sendPrivacyWebhook(SHOP, "shop/redact");
    } catch {
      refused = true;
    }
    assert(refused, "no appWebhookUrl, no privacy webhook");
  } finally {
    await sandbox.close();
    await configured.close();
    await receiver.close();
  }
});
