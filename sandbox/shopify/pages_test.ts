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

Deno.test("shopify sandbox - after placing an order the overview shows that shop's orders, not every shop's latest", async () => {
  const sandbox = await startTestSandbox();
  try {
    sandbox.createShop({ shop: "mine.myshopify.com", name: "Mine" });
    sandbox.createShop({ shop: "busy.myshopify.com", name: "Busy" });
    sandbox.createOrder("mine.myshopify.com", { totalPrice: "12.34" });
    for (let i = 0; i < 30; i++) sandbox.createOrder("busy.myshopify.com", { totalPrice: "1.00" });
    const everyone = await (await fetch(`${sandbox.origin}/`)).text();
    assert(!everyone.includes("12.34"), "among every shop's latest 25, the one older order has scrolled away");
    const placed = await fetch(`${sandbox.origin}/_sandbox/orders`, {
      method: "POST",
      body: new URLSearchParams({ shop: "mine.myshopify.com", totalPrice: "5.00" }),
      redirect: "manual",
    });
    await placed.body?.cancel();
    const back = placed.headers.get("location")!;
    assertEquals(back, "/?shop=mine.myshopify.com");
    const mine = await (await fetch(`${sandbox.origin}${back}`)).text();
    assert(mine.includes("12.34") && mine.includes("5.00"), "both of my orders are listed");
    assert(!mine.includes("busy.myshopify.com</td>"), "no other shop's orders");
    assert(mine.includes('rel="icon"'), "an inline icon, no /favicon.ico request");
  } finally {
    await sandbox.close();
  }
});
