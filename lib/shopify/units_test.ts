import assert from "node:assert/strict";
import { ValidationError } from "../core/errors.ts";
import { normalizeShopDomain } from "./shop_domain.ts";
import { rewriteShopUrl } from "./library.ts";
import { fromGraphqlOrder, fromRestOrder, OrderPayloadError } from "./orders.ts";
import { verifyWebhookHmac } from "./webhooks.ts";
import { MAX_PAGE_SIZE, orderSearch, pageCost } from "./sync.ts";
import { signBody } from "../../sandbox/shopify/hmac.ts";

Deno.test("shop domain - accepted forms normalize to name.myshopify.com", () => {
  const cases: [string, string][] = [
    ["brawl-demo.myshopify.com", "brawl-demo.myshopify.com"],
    ["  Brawl-Demo.MyShopify.com ", "brawl-demo.myshopify.com"],
    ["https://brawl-demo.myshopify.com", "brawl-demo.myshopify.com"],
    ["https://brawl-demo.myshopify.com/admin/orders?x=1", "brawl-demo.myshopify.com"],
    ["http://brawl-demo.myshopify.com/", "brawl-demo.myshopify.com"],
    ["admin.shopify.com/store/brawl-demo", "brawl-demo.myshopify.com"],
    ["https://admin.shopify.com/store/brawl-demo/orders/123", "brawl-demo.myshopify.com"],
    ["shop1.myshopify.com", "shop1.myshopify.com"],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeShopDomain(input), expected, input);
});

Deno.test("shop domain - everything else is refused with a sentence", () => {
  const cases: unknown[] = [
    "127.0.0.1",
    "http://127.0.0.1:8080",
    "localhost",
    "http://localhost:8000/x",
    "evil.com",
    "https://evil.com/store/x",
    "x.myshopify.com.evil.com",
    "myshopify.com",
    ".myshopify.com",
    "-bad.myshopify.com",
    "bad-.myshopify.com",
    "a..myshopify.com",
    "a.b.myshopify.com",
    "brawl-demo.myshopify.com:8443",
    "https://user:pass@brawl-demo.myshopify.com",
    "brawl-demo.myshopify.com.",
    "ftp://brawl-demo.myshopify.com",
    "javascript:alert(1)",
    "admin.shopify.com",
    "admin.shopify.com/store/",
    "admin.shopify.com/apps/brawl-demo",
    "admin.shopify.com/store/evil.com",
    "admin.shopify.com.evil.com/store/x",
    "brawl demo.myshopify.com",
    "brawl_demo.myshopify.com",
    "[::1]",
    "0x7f000001",
    "",
    "   ",
    42,
    null,
    undefined,
    { shop: "x.myshopify.com" },
  ];
  for (const input of cases) {
    assert.throws(() => normalizeShopDomain(input), (error: unknown) => {
      assert.ok(error instanceof ValidationError, String(input));
      assert.match(error.message, /name\.myshopify\.com/);
      return true;
    });
  }
});

Deno.test("SHOPIFY_ORIGIN rewrite - both schemes, shop hosts only", () => {
  const origin = "http://127.0.0.1:9000";
  assert.equal(
    rewriteShopUrl("https://a.myshopify.com/admin/api/2026-07/graphql.json", origin),
    `${origin}/a.myshopify.com/admin/api/2026-07/graphql.json`,
  );
  assert.equal(
    rewriteShopUrl("http://a.myshopify.com/admin/oauth/authorize?state=1&x=%20", origin),
    `${origin}/a.myshopify.com/admin/oauth/authorize?state=1&x=%20`,
  );
  assert.equal(rewriteShopUrl("https://a.myshopify.com/x", undefined), "https://a.myshopify.com/x");
  assert.equal(rewriteShopUrl("https://api.whop.com/x", origin), "https://api.whop.com/x");
  assert.equal(rewriteShopUrl("https://a.myshopify.com:444/x", origin), "https://a.myshopify.com:444/x");
});

Deno.test("orders - REST payloads map exactly, with offsets and fallbacks", () => {
  const rest = {
    id: 5000000000001,
    admin_graphql_api_id: "gid://shopify/Order/5000000000001",
    created_at: "2026-12-01T07:00:05-05:00",
    updated_at: "2026-12-01T08:00:00-05:00",
    cancelled_at: null,
    test: false,
    currency: "USD",
    current_total_price: "12.50",
    current_total_price_set: { shop_money: { amount: "12.50", currency_code: "USD" } },
  };
  assert.deepEqual(fromRestOrder(rest), {
    orderId: "5000000000001",
    createdAt: "2026-12-01T12:00:05.000Z",
    updatedAt: "2026-12-01T13:00:00.000Z",
    amount: 1250,
    currency: "USD",
    test: false,
    cancelled: false,
  });
  const { current_total_price_set: _, admin_graphql_api_id: __, ...bare } = rest;
  assert.equal(fromRestOrder({ ...bare, current_total_price: "0.10" }).amount, 10);
  assert.equal(fromRestOrder({ ...bare, cancelled_at: "2026-12-01T09:00:00-05:00" }).cancelled, true);
  assert.equal(
    fromRestOrder({
      ...rest,
      currency: "JPY",
      current_total_price_set: { shop_money: { amount: "1200", currency_code: "JPY" } },
    }).amount,
    1200,
  );
  assert.throws(
    () => fromRestOrder({ ...rest, current_total_price_set: { shop_money: { amount: "1e3", currency_code: "USD" } } }),
    OrderPayloadError,
  );
  assert.throws(() => fromRestOrder({ ...rest, created_at: "yesterday" }), OrderPayloadError);
  assert.throws(() => fromRestOrder({ ...bare, id: undefined }), OrderPayloadError);
  assert.throws(
    () =>
      fromRestOrder({ ...rest, current_total_price_set: { shop_money: { amount: "12.505", currency_code: "USD" } } }),
    OrderPayloadError,
  );
});

Deno.test("orders - GraphQL decimals (12.5, 10.0) map exactly", () => {
  const node = {
    id: "gid://shopify/Order/42",
    legacyResourceId: "42",
    createdAt: "2026-12-01T12:00:00Z",
    updatedAt: "2026-12-01T12:30:00Z",
    cancelledAt: null,
    test: true,
    currentTotalPriceSet: { shopMoney: { amount: "12.5", currencyCode: "USD" } },
  };
  assert.deepEqual(fromGraphqlOrder(node), {
    orderId: "42",
    createdAt: "2026-12-01T12:00:00.000Z",
    updatedAt: "2026-12-01T12:30:00.000Z",
    amount: 1250,
    currency: "USD",
    test: true,
    cancelled: false,
  });
  assert.equal(
    fromGraphqlOrder({ ...node, currentTotalPriceSet: { shopMoney: { amount: "10.0", currencyCode: "USD" } } }).amount,
    1000,
  );
  assert.equal(
    fromGraphqlOrder({ ...node, currentTotalPriceSet: { shopMoney: { amount: "0.01", currencyCode: "USD" } } }).amount,
    1,
  );
  assert.equal(fromGraphqlOrder({ ...node, cancelledAt: "2026-12-01T12:10:00Z" }).cancelled, true);
});

Deno.test("webhook HMAC - verifies the base64 HMAC of the raw body", async () => {
  const body = new TextEncoder().encode('{"id":1}');
  const good = await signBody("secret", '{"id":1}');
  assert.equal(verifyWebhookHmac("secret", body, good), true);
  assert.equal(verifyWebhookHmac("other", body, good), false);
  assert.equal(verifyWebhookHmac("secret", new TextEncoder().encode('{"id":2}'), good), false);
  assert.equal(verifyWebhookHmac("secret", body, null), false);
  assert.equal(verifyWebhookHmac("secret", body, "not base64!"), false);
  assert.equal(verifyWebhookHmac("secret", body, btoa("short")), false);
});

Deno.test("sync - search terms and page cost", () => {
  assert.equal(
    orderSearch(Date.parse("2026-12-01T13:00:00.500Z"), Date.parse("2026-12-08T13:00:00Z")),
    "created_at:>='2026-12-01T13:00:00Z' AND created_at:<'2026-12-08T13:00:00Z'",
  );
  assert.equal(
    orderSearch(
      Date.parse("2026-12-01T13:00:00Z"),
      Date.parse("2026-12-08T13:00:00.200Z"),
      Date.parse("2026-12-02T00:00:00Z"),
    ),
    "created_at:>='2026-12-01T13:00:00Z' AND created_at:<'2026-12-08T13:00:01Z' AND updated_at:>='2026-12-02T00:00:00Z'",
  );
  assert.equal(pageCost(MAX_PAGE_SIZE), 997, "the largest page stays within Shopify's 1,000 points");
});
