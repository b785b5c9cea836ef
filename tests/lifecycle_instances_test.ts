/**
 * Several instances: two app processes share one KV file with their crons
 * firing every half second; a short competition ends and exactly one winner
 * and exactly one transfer come out of it.
 */
import assert from "node:assert/strict";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { startWhopSandbox } from "../sandbox/whop/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/library.ts";
import { approveInstall, BROWSER_UA, cookiesFrom } from "../testing/shopify.ts";
import { TEST_WHOP_SETTINGS } from "../testing/test_app.ts";
import { freePort, productionEnv, startAppProcess } from "../testing/app_process.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const OWNERS = [["user_OwnerCaraT8w3n", "cara-goods.myshopify.com"], [
  "user_OwnerDevS2j6v",
  "dev-supply.myshopify.com",
]];

async function poll<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

Deno.test({
  name: "lifecycle - two instances on one KV file settle a competition once, with one transfer",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const [portA, portB] = [freePort(), freePort()];
    const whop = await startWhopSandbox({
      ...TEST_WHOP_SETTINGS,
      webhookUrl: `http://127.0.0.1:${portA}/api/webhooks/whop`,
      // Funds are available at once: this test is about two instances (the hold: lib/whop/payouts_test.ts).
      holdMs: 0,
    });
    const shopify = await startShopifySandbox({ ...SANDBOX_APP, autoApprove: false });
    await using _sandboxes = {
      async [Symbol.asyncDispose]() {
        await whop.close();
        await shopify.close();
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      },
    };
    const common = { kvPath: `${dir}/shared.sqlite3`, whop, shopify };
    const fast = { COMPETITION_MIN_DURATION_S: "3", DENO_CRON_TEST_SCHEDULE_OFFSET: "500" };
    await using a = await startAppProcess({ ...productionEnv({ ...common, port: portA }), ...fast });
    await using b = await startAppProcess({ ...productionEnv({ ...common, port: portB }), ...fast });
    const as = async (userId: string) => ({ "x-whop-user-token": await whop.signUserToken(userId) });

    const start = Date.now() + 6000;
    const created = await fetch(`${a.url}/api/competitions`, {
      method: "POST",
      headers: { ...await as(CREATOR), "content-type": "application/json" },
      body: JSON.stringify({
        title: "Sprint Cup",
        prize: "75.00",
        currency: "USD",
        startDate: new Date(start).toISOString(),
        endDate: new Date(start + 4000).toISOString(),
      }),
    });
    const { competition } = await created.json();
    assert.equal(created.status, 201, JSON.stringify(competition));
    const funding = await fetch(`${a.url}/api/competitions/${competition.id}/fund`, {
      method: "POST",
      headers: await as(CREATOR),
    });
    const { checkoutUrl } = await funding.json();
    await whop.pay(new URL(checkoutUrl).pathname.split("/").pop()!, { userId: CREATOR });

    for (const [userId, shop] of OWNERS) {
      const join = await fetch(`${a.url}/api/competitions/${competition.id}/join`, {
        method: "POST",
        headers: { ...await as(userId), "content-type": "application/json", "user-agent": BROWSER_UA },
        body: JSON.stringify({ shop }),
      });
      const body = await join.json();
      assert.equal(join.status, 200, JSON.stringify(body));
      const callback = await fetch(await approveInstall(body.authorizeUrl), {
        headers: { ...await as(userId), "user-agent": BROWSER_UA, cookie: cookiesFrom(join) },
        redirect: "manual",
      });
      await callback.body?.cancel();
      assert.equal(callback.status, 303);
    }

    const status = async (url: string) =>
      (await (await fetch(`${url}/api/competitions/${competition.id}`)).json()).competition;
    await poll(async () => (await status(b.url)).status === "ACTIVE" || undefined, "the start", 15_000);
    // Shopify stamps orders in whole seconds: stay clear of the start's own second.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + 1100 - Date.now())));
    shopify.createOrder(OWNERS[0][1], { totalPrice: "19.99" });
    shopify.createOrder(OWNERS[1][1], { totalPrice: "25.00" });
    shopify.createOrder(OWNERS[1][1], { totalPrice: "5.00" });
    await shopify.flushWebhooks();

    const done = await poll(
      async () => {
        const c = await status(b.url);
        return c.status === "COMPLETED" ? c : undefined;
      },
      "settlement",
      20_000,
    );
    assert.equal(done.winner.userId, OWNERS[1][0]);
    assert.equal(done.winner.revenue, "30.00");
    await poll(() => Promise.resolve(whop.transfers.length > 0 || undefined), "the payout");
    await new Promise((resolve) => setTimeout(resolve, 2500)); // both crons keep firing
    assert.equal(whop.transfers.length, 1, "exactly one transfer");
    assert.equal(whop.transfers[0].amountMinor, 7500);
    assert.equal((await status(a.url)).winner.participantId, done.winner.participantId);
    const notifications = await (await fetch(`${b.url}/api/notifications`, { headers: await as(OWNERS[1][0]) }))
      .json();
    assert.equal(notifications.notifications.filter((n: { kind: string }) => n.kind === "won").length, 1);
  },
});
