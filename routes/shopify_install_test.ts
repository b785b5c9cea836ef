/**
 * Installing from Shopify: the App URL (`GET /shopify`) verifies Shopify's
 * signed query and starts OAuth at once; after the callback the merchant
 * signs in with Whop and their store, already connected, joins competitions
 * with one click each and no second OAuth round trip. A connected store is
 * its owner's only: the Whop user who completed its OAuth.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { keys } from "../lib/core/db.ts";
import type { ShopConnection } from "../lib/shopify/connections.ts";
import { signQuery } from "../sandbox/shopify/hmac.ts";
import { launchApp, MerchantBrowser } from "../sandbox/shopify/install_page.ts";
import {
  approveInstall,
  BROWSER_UA,
  joinStore,
  openCompetition,
  participantOf,
  postJoin,
  settledSync,
} from "../testing/shopify.ts";
import { SANDBOX_APP } from "../lib/shopify/library.ts";
import { createParticipant } from "../lib/competitions/participants.ts";
import { CannotJoinError } from "../lib/competitions/join_rules.ts";
import { joinConnectedStore } from "../lib/shopify/join.ts";

const SHOP = "cara-goods.myshopify.com";

/** A browser on the app's origin: keeps its cookies, follows nothing by itself. */
class AppBrowser {
  #cookies = new Map<string, string>();
  constructor(private t: TestApp) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(path, this.t.url);
    const headers = new Headers(init.headers);
    headers.set("User-Agent", BROWSER_UA);
    if (init.method === "POST") headers.set("Origin", this.t.url!);
    if (this.#cookies.size) headers.set("Cookie", [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair.indexOf("=");
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (/max-age=0/i.test(cookie) || value === "") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  has(name: string): boolean {
    return this.#cookies.has(name);
  }

  /** Signs in with the simulated Whop as `userId` (its authorize page's form), coming back to `returnTo`. */
  async signInWithWhop(userId: string, returnTo: string): Promise<Response> {
    const login = await this.fetch(`/login?${new URLSearchParams({ returnTo })}`);
    await login.body?.cancel();
    const authorize = new URL(login.headers.get("location")!);
    const html = await (await fetch(authorize)).text();
    const form = html.match(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/)!;
    const fields = new URLSearchParams();
    for (const [, name, value] of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields.set(name, value.replaceAll("&quot;", '"').replaceAll("&amp;", "&"));
    }
    fields.set("user_id", userId);
    const chosen = await fetch(new URL(form[1], authorize), { method: "POST", body: fields, redirect: "manual" });
    await chosen.body?.cancel();
    const back = new URL(chosen.headers.get("location")!);
    return this.fetch(back.pathname + back.search);
  }
}

/** The App URL as Shopify signs it for `shop` now (or `ageS` seconds ago). */
async function signedAppUrl(t: TestApp, shop: string, ageS = 0): Promise<URL> {
  const params: Record<string, string> = {
    host: btoa(`admin.shopify.com/store/${shop.split(".")[0]}`).replace(/=+$/, ""),
    shop,
    timestamp: String(Math.floor(Date.now() / 1000) - ageS),
  };
  params.hmac = await signQuery(SANDBOX_APP.apiSecret, params);
  return new URL(`/shopify?${new URLSearchParams(params)}`, t.url);
}

Deno.test("shopify install - a signed App URL starts OAuth at once; forged, stale, unsigned or shopless ones start nothing", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const started = async () => (await Array.fromAsync(t.kv.list({ prefix: ["shopify_join_states"] }))).length;

  const valid = await signedAppUrl(t, SHOP);
  const go = await fetch(valid, { headers: { "User-Agent": BROWSER_UA }, redirect: "manual" });
  await go.body?.cancel();
  assert.equal(go.status, 302);
  const authorize = new URL(go.headers.get("location")!);
  assert.equal(authorize.origin + authorize.pathname, `${t.shopify!.origin}/${SHOP}/admin/oauth/authorize`);
  assert.equal(authorize.searchParams.get("scope"), "read_orders");
  assert.equal(authorize.searchParams.get("redirect_uri"), `${t.url}/api/shopify/callback`);
  assert.match(go.headers.getSetCookie().join(), /shopify_app_state=/);
  const state = (await t.kv.get<{ kind: string; shop: string }>(
    keys.shopifyJoinState(authorize.searchParams.get("state")!),
  )).value;
  assert.deepEqual([state?.kind, state?.shop], ["install", SHOP]);
  assert.equal(await started(), 1);

  const forged = new URL(valid);
  forged.searchParams.set("shop", "someone-else.myshopify.com");
  const stale = await signedAppUrl(t, SHOP, 10 * 60);
  const unsigned = new URL(valid);
  unsigned.searchParams.delete("hmac");
  const untimed = new URL(valid);
  untimed.searchParams.delete("timestamp");
  const wrongSecret = new URL(valid);
  wrongSecret.searchParams.set("hmac", await signQuery("not-the-secret", Object.fromEntries(valid.searchParams)));
  const repeated = new URL(valid);
  repeated.searchParams.append("shop", SHOP);
  for (
    const [what, url, status] of [
      ["forged shop", forged, 401],
      ["stale timestamp (10 minutes old, signed)", stale, 401],
      ["no hmac", unsigned, 401],
      ["no timestamp", untimed, 401],
      ["another app's secret", wrongSecret, 401],
      ["a repeated parameter", repeated, 400],
      ["no shop", new URL("/shopify", t.url), 401],
    ] as const
  ) {
    const refused = await fetch(url, { headers: { "User-Agent": BROWSER_UA }, redirect: "manual" });
    assert.equal(refused.status, status, what);
    assert.equal(refused.headers.get("location"), null, what);
    assert.deepEqual(refused.headers.getSetCookie(), [], `${what}: no cookie`);
    await refused.body?.cancel();
  }
  assert.equal(await started(), 1, "nothing was started by a refused link");
});

Deno.test("shopify install - from the admin's launcher, Whop sign-in, then two competitions with one OAuth round trip in total", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const first = await openCompetition(t);
  const second = await openCompetition(t, { upcoming: true });
  const owner = t.whop!.users[2].id;
  t.shopify!.createShop({ shop: SHOP, currency: "USD", name: "Cara Goods", email: "cara@goods.example" });

  // The merchant opens CartBrawl from the store's admin: Shopify signs the App URL; OAuth starts at once.
  const merchant = new MerchantBrowser();
  const browser = new AppBrowser(t);
  const appUrl = new URL(await launchApp(t.shopify!.appLauncherUrl(SHOP), new URL(t.url!).origin, merchant));
  assert.equal(appUrl.pathname, "/shopify");
  const install = await browser.fetch(appUrl.pathname + appUrl.search);
  await install.body?.cancel();
  assert.equal(install.status, 302);
  const callback = new URL(await approveInstall(install.headers.get("location")!, merchant));
  const landed = await browser.fetch(callback.pathname + callback.search);
  await landed.body?.cancel();
  assert.equal(landed.headers.get("location"), "/stores");
  assert.ok(browser.has("cartbrawl_shop_claim"), "the browser holds the install's claim");
  const unowned = (await t.kv.get<ShopConnection>(keys.shop(SHOP))).value!;
  assert.deepEqual([unowned.ownerUserId, unowned.name, unowned.currency], [undefined, "Cara Goods", "USD"]);
  assert.ok(t.shopify!.subscriptions(SHOP).some((s) => s.topic === "app/uninstalled"), "webhooks at install");

  // Signed out, /stores asks for Whop sign-in and comes back; signed in, the store is claimed and listed.
  const prompt = await (await browser.fetch("/stores")).text();
  assert.match(prompt, /Your Shopify store is connected\. Sign in with Whop/);
  const signedIn = await browser.signInWithWhop(owner, "/stores");
  await signedIn.body?.cancel();
  assert.equal(signedIn.headers.get("location"), "/stores");
  const page = await (await browser.fetch("/stores")).text();
  assert.ok(!browser.has("cartbrawl_shop_claim"), "the claim is spent and its cookie cleared");
  assert.match(page, new RegExp(`${SHOP} is connected to your Whop account`));
  for (const competition of [first, second]) {
    assert.ok(
      page.includes(`action="/api/competitions/${competition.id}/join"`),
      "one click for each open competition",
    );
  }
  assert.equal((await t.kv.get<ShopConnection>(keys.shop(SHOP))).value!.ownerUserId, owner);
  assert.equal((await t.kv.get(keys.shopByOwner(owner, SHOP))).value, true);

  for (const competition of [first, second]) {
    const joined = await browser.fetch(`/api/competitions/${competition.id}/join`, {
      method: "POST",
      body: new URLSearchParams({ shop: SHOP }),
    });
    await joined.body?.cancel();
    assert.equal(joined.status, 303);
    assert.equal(joined.headers.get("location"), `/competitions/${competition.id}`, "joined at once, no Shopify page");
    assert.equal((await participantOf(t, competition.id, SHOP))?.userId, owner);
  }
  assert.equal(t.shopify!.approvals, 1, "one OAuth round trip in all");
  const after = await (await browser.fetch("/stores")).text();
  assert.equal((after.match(/class="tag tag-ok">Joined</g) ?? []).length, 2);

  // Someone else cannot use the connection: typing the store sends them through Shopify's OAuth.
  const third = await openCompetition(t, { upcoming: true });
  const stranger = await postJoin(t, third.id, "someone_else", SHOP);
  assert.ok((await stranger.json()).authorizeUrl, "another Whop user goes through OAuth");
  for (const competition of [first, second]) await settledSync(t, (await participantOf(t, competition.id, SHOP))!.id);
});

Deno.test("shopify install - a store that joined through OAuth joins the next competition without it; only its owner may", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const first = await openCompetition(t);
  const second = await openCompetition(t, { upcoming: true });
  t.shopify!.createShop({ shop: SHOP, currency: "USD", name: "Cara Goods" });
  const { callback } = await joinStore(t, first.id, "merchant_a", SHOP);
  assert.equal(callback.headers.get("location"), `/competitions/${first.id}`);
  assert.equal(t.shopify!.approvals, 1);

  const again = await postJoin(t, second.id, "merchant_a", `https://admin.shopify.com/store/cara-goods`);
  const body = await again.json();
  assert.equal(again.status, 200);
  assert.equal(body.joined, true);
  assert.equal(body.shop, SHOP);
  assert.equal((await participantOf(t, second.id, SHOP))?.id, body.participantId);
  assert.equal(t.shopify!.approvals, 1, "no second round trip");

  for (const competition of [first, second]) await settledSync(t, (await participantOf(t, competition.id, SHOP))!.id);
  // A connection whose token Shopify no longer accepts (uninstalled) goes through OAuth again.
  const third = await openCompetition(t, { upcoming: true });
  t.shopify!.uninstallApp(SHOP);
  await t.shopify!.flushWebhooks();
  const reconnect = await postJoin(t, third.id, "merchant_a", SHOP);
  assert.ok((await reconnect.json()).authorizeUrl);
});

Deno.test("shopify install - a connection that changes owner while its store joins: refused in the participant's commit", async () => {
  await using t = await createTestApp({}, { shopify: true });
  const competition = await openCompetition(t);
  const connection: Partial<ShopConnection> = { shop: SHOP, ownerUserId: "merchant_a", connectedAt: "x" };
  await t.kv.set(keys.shop(SHOP), connection);
  let judged = 0;
  const guard = {
    key: keys.shop(SHOP),
    async assert(value: unknown) {
      judged++;
      if ((value as ShopConnection).ownerUserId !== "merchant_a") throw new CannotJoinError("store_reconnect");
      // Between this read and the commit, the store is installed again by someone else.
      await t.kv.set(keys.shop(SHOP), { ...connection, ownerUserId: "merchant_b" });
    },
  };
  await assert.rejects(
    () =>
      createParticipant(
        t.kv,
        competition.id,
        {
          userId: "merchant_a",
          shop: SHOP,
          displayName: "Cara Goods",
          currency: "USD",
        },
        t.clock.now(),
        guard as never,
      ),
    (error) => error instanceof CannotJoinError && error.code === "store_reconnect",
  );
  assert.equal(judged, 2, "the commit's check failed on the changed record, and the retry judged it again");
  assert.equal(await participantOf(t, competition.id, SHOP), undefined);
  assert.equal(
    await joinConnectedStore(t.shopifyServices!, { competitionId: competition.id, userId: "merchant_c", shop: SHOP }),
    null,
  );
});
