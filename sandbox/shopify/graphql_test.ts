import { DeliveryMethod } from "@shopify/shopify-api";
import { assert, assertEquals, assertMatch } from "../../testing/assert.ts";
import { adminGraphql, installApp, libraryFor, startTestSandbox, testClock } from "../../testing/shopify_sandbox.ts";

const SHOP = "paging-shop.myshopify.com";

const ORDERS_QUERY = `
  query Orders($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id legacyResourceId createdAt updatedAt test cancelledAt
        currentTotalPriceSet { shopMoney { amount currencyCode } }
      }
    }
  }`;

Deno.test("shopify sandbox - orders page by updated_at with created_at filters and no order is skipped while others change", async () => {
  const clock = testClock(Date.parse("2026-03-01T12:00:00Z"));
  const sandbox = await startTestSandbox({ now: clock.now });
  try {
    const shopify = libraryFor(sandbox);
    sandbox.createShop({ shop: SHOP, currency: "USD" });
    const session = await installApp(shopify, sandbox, SHOP);
    const ids: number[] = [];
    for (let day = 1; day <= 9; day++) {
      clock.advance(1000);
      ids.push(
        sandbox.createOrder(SHOP, {
          totalPrice: `${day}0.05`,
          createdAt: `2026-02-${String(day).padStart(2, "0")}T10:00:00Z`,
        }).id,
      );
    }
    const inWindow = ids.slice(1, 8); // Feb 2 .. Feb 8
    const client = new shopify.clients.Graphql({ session });
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const response: {
        data?: { orders: { nodes: Record<string, unknown>[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      } = await client.request(ORDERS_QUERY, {
        variables: {
          first: 3,
          after,
          query: `created_at:>='2026-02-02T00:00:00Z' AND created_at:<2026-02-09T00:00:00Z`,
        },
      });
      const { nodes, pageInfo } = response.data!.orders;
      seen.push(...nodes.map((node) => Number(node.legacyResourceId)));
      if (pages === 0) {
        assertEquals(nodes[0], {
          id: `gid://shopify/Order/${inWindow[0]}`,
          legacyResourceId: String(inWindow[0]),
          createdAt: "2026-02-02T10:00:00Z",
          updatedAt: "2026-03-01T12:00:02Z",
          test: false,
          cancelledAt: null,
          currentTotalPriceSet: { shopMoney: { amount: "20.05", currencyCode: "USD" } },
        });
        // An order already seen and one not yet seen change between pages.
        clock.advance(60_000);
        sandbox.updateOrder(SHOP, inWindow[0], { note: "edited" });
        sandbox.refundOrder(SHOP, inWindow[4], "1.05");
      }
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
      pages++;
    } while (after);
    assertEquals(new Set(seen), new Set(inWindow));
    assertEquals(seen.length, inWindow.length + 1, "the edited order shows again at the end");
    assertEquals(seen.at(-1), inWindow[4]);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - edges with cursors, inline arguments, updated_at filters and Decimal amounts", async () => {
  const clock = testClock(Date.parse("2026-04-10T08:00:00Z"));
  const sandbox = await startTestSandbox({ now: clock.now });
  try {
    const shopify = libraryFor(sandbox);
    sandbox.createShop({ shop: SHOP, currency: "JPY" });
    const session = await installApp(shopify, sandbox, SHOP, {
      expiring: false,
    });
    const early = sandbox.createOrder(SHOP, { totalPrice: "1500" });
    clock.advance(2 * 3_600_000);
    const late = sandbox.createOrder(SHOP, { totalPrice: "2000", test: true });
    const query = `{
      recent: orders(first: 5, query: "updated_at:>2026-04-10T08:30:00Z", sortKey: UPDATED_AT, reverse: true) {
        edges { cursor node { legacyResourceId test totalPriceSet { shopMoney { amount } } } }
      }
      all: orders(first: 5) { nodes { legacyResourceId } }
    }`;
    const { body } = await adminGraphql(sandbox, SHOP, session.accessToken!, query);
    assertEquals(body.data.recent.edges.length, 1);
    const [edge] = body.data.recent.edges;
    assertEquals(edge.node, {
      legacyResourceId: String(late.id),
      test: true,
      totalPriceSet: { shopMoney: { amount: "2000.0" } },
    });
    assertEquals(typeof edge.cursor, "string");
    assertEquals(body.data.all.nodes.map((node: { legacyResourceId: string }) => node.legacyResourceId), [
      String(early.id),
      String(late.id),
    ]);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - every response reports cost; a dry bucket answers THROTTLED until it refills", async () => {
  const clock = testClock();
  const sandbox = await startTestSandbox({ now: clock.now });
  try {
    const shopify = libraryFor(sandbox);
    const session = await installApp(shopify, sandbox, SHOP);
    const query =
      `query($first: Int!) { orders(first: $first) { nodes { id currentTotalPriceSet { shopMoney { amount } } } } }`;
    const ok = await adminGraphql(sandbox, SHOP, session.accessToken!, query, { first: 100 });
    const cost = ok.body.extensions.cost;
    assertEquals(cost.requestedQueryCost, 2 + 100 * 3);
    assertEquals(cost.actualQueryCost, 2, "no orders returned, so only the connection is charged");
    assertEquals(cost.throttleStatus, {
      maximumAvailable: 2000,
      currentlyAvailable: 1998,
      restoreRate: 100,
    });
    sandbox.setThrottleAvailable(SHOP, 100);
    const throttled = await adminGraphql(sandbox, SHOP, session.accessToken!, query, { first: 100 });
    assertEquals(throttled.status, 200);
    assertEquals(throttled.body.errors, [{
      message: "Throttled",
      extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
    }]);
    assertEquals(throttled.body.data, undefined);
    assertEquals(throttled.body.extensions.cost.actualQueryCost, null);
    assertEquals(throttled.body.extensions.cost.throttleStatus.currentlyAvailable, 100);
    clock.advance(2_100);
    const again = await adminGraphql(sandbox, SHOP, session.accessToken!, query, { first: 100 });
    assertEquals(again.body.errors, undefined);
    assertEquals(again.body.extensions.cost.throttleStatus.currentlyAvailable, 310 - 302 + 300);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - unknown fields, missing scopes, oversized pages and bad syntax answer like Shopify", async () => {
  const sandbox = await startTestSandbox();
  try {
    const shopify = libraryFor(sandbox, ["read_products"]);
    const session = await installApp(shopify, sandbox, SHOP);
    const token = session.accessToken!;
    const unknown = await adminGraphql(sandbox, SHOP, token, `{ shop { name owner } }`);
    assertEquals(unknown.body.data, undefined);
    assertEquals(unknown.status, 200);
    assertEquals(unknown.body.errors, [{
      message: "Field 'owner' doesn't exist on type 'Shop'",
      locations: [{ line: 1, column: 15 }],
      extensions: { code: "undefinedField", typeName: "Shop", fieldName: "owner" },
    }]);
    const wrongArgument = await adminGraphql(sandbox, SHOP, token, `{ orders(frist: 1) { nodes { id } } }`);
    assertEquals(wrongArgument.status, 200);
    assertEquals(wrongArgument.body.data, undefined);
    assertEquals(wrongArgument.body.errors[0].extensions.code, "argumentNotAccepted");
    assertMatch(wrongArgument.body.errors[0].message, /Unknown argument "frist" on field "QueryRoot.orders"/);
    const badVariable = await adminGraphql(
      sandbox,
      SHOP,
      token,
      `query($first: Int!) { orders(first: $first) { nodes { id } } }`,
      { first: "ten" },
    );
    assertEquals(badVariable.body.errors[0].extensions.code, "INVALID_VARIABLE");
    assertEquals(badVariable.body.data, undefined);
    const denied = await adminGraphql(sandbox, SHOP, token, `{ orders(first: 1) { nodes { id } } }`);
    assertEquals(denied.body.data, null, "orders is OrderConnection! in the schema: its null reaches the root");
    assertEquals(denied.body.errors[0].extensions.code, "ACCESS_DENIED");
    assertEquals(denied.body.errors[0].path, ["orders"]);
    const shopify2 = libraryFor(sandbox);
    const reader = await installApp(shopify2, sandbox, SHOP);
    const big = await adminGraphql(sandbox, SHOP, reader.accessToken!, `{ orders(first: 251) { nodes { id } } }`);
    assertMatch(big.body.errors[0].message, /between 0 and 250/);
    const broken = await adminGraphql(sandbox, SHOP, reader.accessToken!, `{ shop { name }`);
    assertMatch(broken.body.errors[0].message, /^Parse error on "end of file"/);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - webhookSubscriptionCreate with variables or inline input is idempotent and validated", async () => {
  const sandbox = await startTestSandbox();
  try {
    const shopify = libraryFor(sandbox);
    const session = await installApp(shopify, sandbox, SHOP);
    const client = new shopify.clients.Graphql({ session });
    const mutation = `mutation Subscribe($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
        webhookSubscription { id } userErrors { field message }
      }
    }`;
    const create = (topic: string, sub: Record<string, string>) =>
      client.request(mutation, { variables: { topic, sub } });
    const first = await create("ORDERS_CREATE", { callbackUrl: "http://app.test/hooks", format: "JSON" });
    const again = await create("ORDERS_CREATE", { uri: "http://app.test/hooks", format: "JSON" });
    const firstId = first.data.webhookSubscriptionCreate.webhookSubscription.id;
    assertMatch(firstId, /^gid:\/\/shopify\/WebhookSubscription\/\d+$/);
    assertEquals(again.data.webhookSubscriptionCreate, {
      webhookSubscription: { id: firstId },
      userErrors: [],
    });
    const inline = await client.request(`mutation {
      webhookSubscriptionCreate(topic: REFUNDS_CREATE, webhookSubscription: {callbackUrl: "not a url", format: JSON}) {
        webhookSubscription { id } userErrors { field message }
      }
    }`);
    assertEquals(inline.data.webhookSubscriptionCreate, {
      webhookSubscription: null,
      userErrors: [{ field: ["webhookSubscription", "callbackUrl"], message: "Address is invalid" }],
    });
    assertEquals(sandbox.subscriptions(SHOP).map((sub) => [sub.topic, sub.callbackUrl, sub.apiVersion]), [
      ["orders/create", "http://app.test/hooks", "2026-07"],
    ]);
    const badTopic = await adminGraphql(
      sandbox,
      SHOP,
      session.accessToken!,
      `mutation { webhookSubscriptionCreate(topic: PIZZA_BAKED, webhookSubscription: {callbackUrl: "http://x.test"}) { userErrors { message } } }`,
    );
    assertEquals(badTopic.body.data, undefined);
    assertEquals(badTopic.body.errors[0].extensions.code, "argumentLiteralsIncompatible");
    assertMatch(badTopic.body.errors[0].message, /"PIZZA_BAKED" does not exist in "WebhookSubscriptionTopic"/);
    const notFired = await adminGraphql(
      sandbox,
      SHOP,
      session.accessToken!,
      `mutation { webhookSubscriptionCreate(topic: PRODUCTS_CREATE, webhookSubscription: {uri: "http://x.test"}) { userErrors { message } } }`,
    );
    assertEquals(notFired.body.data, { webhookSubscriptionCreate: null });
    assertMatch(notFired.body.errors[0].message, /The sandbox fires .*ORDERS_CREATE.*, not PRODUCTS_CREATE/);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - the library's webhooks.register creates, lists and deletes subscriptions", async () => {
  const sandbox = await startTestSandbox();
  try {
    const shopify = libraryFor(sandbox);
    const session = await installApp(shopify, sandbox, SHOP);
    const handler = (callbackUrl: string) => ({
      deliveryMethod: DeliveryMethod.Http as const,
      callbackUrl,
      callback: async () => {},
    });
    shopify.webhooks.addHandlers({
      ORDERS_CREATE: handler("/api/shopify/webhooks"),
      ORDERS_UPDATED: handler("/api/shopify/webhooks"),
    });
    const result = await shopify.webhooks.register({ session });
    assert(result.ORDERS_CREATE[0].success && result.ORDERS_UPDATED[0].success);
    assertEquals(
      sandbox.subscriptions(SHOP).map((sub) => [sub.topic, sub.callbackUrl]),
      [
        ["orders/create", "http://app.test/api/shopify/webhooks"],
        ["orders/updated", "http://app.test/api/shopify/webhooks"],
      ],
    );
    const second = await shopify.webhooks.register({ session });
    assertEquals(second.ORDERS_CREATE, [], "already registered: nothing to do");
    // A subscription the app no longer declares is deleted by the library.
    const stale = await adminGraphql(
      sandbox,
      SHOP,
      session.accessToken!,
      `mutation { webhookSubscriptionCreate(topic: APP_UNINSTALLED, webhookSubscription: {callbackUrl: "http://app.test/old"}) { userErrors { message } } }`,
    );
    assertEquals(stale.body.data.webhookSubscriptionCreate.userErrors, []);
    const third = await shopify.webhooks.register({ session });
    assert(third.APP_UNINSTALLED[0].success);
    assertEquals(sandbox.subscriptions(SHOP).length, 2);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - read_orders reads the last 60 days of orders; read_all_orders reads them all", async () => {
  const clock = testClock(Date.parse("2026-06-01T12:00:00Z"));
  const sandbox = await startTestSandbox({ now: clock.now });
  try {
    sandbox.createShop({ shop: SHOP, currency: "USD" });
    const day = 86_400_000;
    const old = sandbox.createOrder(SHOP, { totalPrice: "5.00", createdAt: clock.now() - 60 * day - 1000 });
    const recent = sandbox.createOrder(SHOP, { totalPrice: "6.00", createdAt: clock.now() - 60 * day + 1000 });
    const query = `query($id: ID!) {
      orders(first: 10) { nodes { legacyResourceId } }
      order(id: $id) { legacyResourceId }
    }`;
    const read = async (scopes: string[]) => {
      const session = await installApp(libraryFor(sandbox, scopes), sandbox, SHOP);
      const { body } = await adminGraphql(sandbox, SHOP, session.accessToken!, query, { id: old.gid });
      return {
        orders: body.data.orders.nodes.map((node: { legacyResourceId: string }) => node.legacyResourceId),
        old: body.data.order,
      };
    };
    assertEquals(await read(["read_orders"]), { orders: [String(recent.id)], old: null });
    assertEquals(await read(["read_orders", "read_all_orders"]), {
      orders: [String(old.id), String(recent.id)],
      old: { legacyResourceId: String(old.id) },
    });
  } finally {
    await sandbox.close();
  }
});
