import { assert, assertEquals } from "../../testing/assert.ts";
import { startTestSandbox } from "../../testing/shopify_sandbox.ts";

Deno.test("shopify sandbox - the overview lists shops and recent orders, and its form places an order", async () => {
  const sandbox = await startTestSandbox();
  try {
    sandbox.createShop({ shop: "demo-store.myshopify.com", name: "Demo <Store>" });
    sandbox.createOrder("demo-store.myshopify.com", { totalPrice: "42.00" });
    const page = await (await fetch(`${sandbox.origin}/`)).text();
    assert(page.includes("Demo &lt;Store&gt;"), "shop name is shown, escaped");
    assert(page.includes("#1001") && page.includes("42.00"));
    const placed = await fetch(`${sandbox.origin}/_sandbox/orders`, {
      method: "POST",
      body: new URLSearchParams({ shop: "demo-store.myshopify.com", totalPrice: "7.50" }),
      redirect: "manual",
    });
    await placed.body?.cancel();
    assertEquals(placed.status, 303);
    assertEquals(sandbox.orders("demo-store.myshopify.com").map((order) => order.totalPrice), ["42.00", "7.50"]);
    const refused = await fetch(`${sandbox.origin}/_sandbox/orders`, {
      method: "POST",
      body: new URLSearchParams({ shop: "demo-store.myshopify.com", totalPrice: "7.505" }),
    });
    await refused.body?.cancel();
    assertEquals(refused.status, 400);
  } finally {
    await sandbox.close();
  }
});
