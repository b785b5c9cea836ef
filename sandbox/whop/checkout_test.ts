import assert from "node:assert/strict";
import { sdkFor, startTestSandbox, startWebhookReceiver, TEST_SETTINGS } from "../../testing/whop_sandbox.ts";

Deno.test("whop sandbox - checkout create, pay on the hosted page (its own origin, never framed), signed payment.succeeded webhook", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox({ webhookUrl: receiver.url });
  try {
    const whop = sdkFor(sandbox);
    const checkout = await whop.checkoutConfigurations.create({
      plan: { initial_price: 250, currency: "usd", title: "Spring Brawl prize", account_id: TEST_SETTINGS.companyId },
      metadata: { competitionId: "cmp_42" },
      redirect_url: "http://127.0.0.1:9/competitions/cmp_42?funded=1",
    });
    assert.match(checkout.id, /^ch_/);
    // As Whop's are on whop.com and its API on api.whop.com: another origin than the API's.
    assert.notEqual(sandbox.checkoutOrigin, sandbox.origin);
    assert.equal(checkout.purchase_url, `${sandbox.checkoutOrigin}/checkout/${checkout.id}`);
    assert.equal((await fetch(`${sandbox.origin}/checkout/${checkout.id}`)).status, 404, "not on the API's origin");
    assert.deepEqual(checkout.metadata, { competitionId: "cmp_42" });
    assert.equal(checkout.plan?.initial_price, 250);

    const page = await fetch(checkout.purchase_url!);
    assert.equal(page.headers.get("x-frame-options"), "DENY");
    assert.equal(page.headers.get("content-security-policy"), "frame-ancestors 'none'");
    const pageHtml = await page.text();
    assert.match(pageHtml, /\$250\.00/);
    assert.match(pageHtml, /Spring Brawl prize/);
    assert.match(pageHtml, /<button type="submit">Pay/);
    const payer = sandbox.users[1];
    assert.match(pageHtml, new RegExp(`value="${payer.id}"`));

    const paid = await fetch(checkout.purchase_url!, {
      method: "POST",
      body: new URLSearchParams({ user_id: payer.id }),
      redirect: "manual",
    });
    await paid.body?.cancel();
    assert.equal(paid.status, 303);
    // The redirect keeps its own query and gets Whop's: the status and the payment's id, twice.
    const back = new URL(paid.headers.get("location")!);
    assert.equal(back.origin + back.pathname, "http://127.0.0.1:9/competitions/cmp_42");
    assert.deepEqual(Object.fromEntries(back.searchParams), {
      funded: "1",
      status: "success",
      checkout_status: "success",
      payment_id: sandbox.payments[0].id,
      receipt_id: sandbox.payments[0].id,
    });

    assert.equal(receiver.received.length, 1);
    const { body, headers } = receiver.received[0];
    assert.match(headers["webhook-signature"], /^v1,[A-Za-z0-9+/]+=*$/);
    const event = whop.webhooks.unwrap(body, { headers });
    assert.equal(event.type, "payment.succeeded");
    if (event.type !== "payment.succeeded") return;
    assert.equal(event.company_id, TEST_SETTINGS.companyId);
    assert.equal(event.data.status, "paid");
    assert.equal(event.data.total, 250);
    assert.equal(event.data.currency, "usd");
    assert.deepEqual(event.data.metadata, { competitionId: "cmp_42" });
    assert.equal(event.data.user?.id, payer.id);
    assert.equal(event.data.checkout_configuration_id, checkout.id);

    const retrieved = await whop.payments.retrieve(event.data.id);
    assert.equal(retrieved.id, sandbox.payments[0].id);
    assert.equal(retrieved.total, 250);
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("whop sandbox - pay with a short amount records and announces the underpayment", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox({ webhookUrl: receiver.url });
  try {
    const whop = sdkFor(sandbox);
    const checkout = await whop.checkoutConfigurations.create({
      plan: { initial_price: 500, currency: "usd", account_id: TEST_SETTINGS.companyId },
      metadata: { competitionId: "cmp_short" },
    });
    const payment = await sandbox.pay(checkout.id, {
      userId: sandbox.users[0].id,
      amount: 499.99,
    });
    assert.equal(payment.amountMinor, 49_999);
    const event = whop.webhooks.unwrap(receiver.received[0].body, {
      headers: receiver.received[0].headers,
    });
    assert.equal(event.type === "payment.succeeded" && event.data.total, 499.99);
    assert.equal((await whop.payments.retrieve(payment.id)).total, 499.99);
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("whop sandbox - checkout without a redirect shows a receipt", async () => {
  const sandbox = await startTestSandbox();
  try {
    const checkout = await sdkFor(sandbox).checkoutConfigurations.create({
      plan: { initial_price: 12.5, currency: "eur", account_id: TEST_SETTINGS.companyId },
    });
    const response = await fetch(checkout.purchase_url!, {
      method: "POST",
      body: new URLSearchParams({ user_id: sandbox.users[2].id }),
    });
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.match(text, /Payment complete/);
    assert.match(text, /€12\.50/);
    assert.equal(sandbox.payments[0].userId, sandbox.users[2].id);
    assert.equal(sandbox.webhookDeliveries[0].url, null);
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - the checkout pre-selects the user this browser signed in to Whop as", async () => {
  const sandbox = await startTestSandbox();
  try {
    const whop = sdkFor(sandbox);
    const checkout = await whop.checkoutConfigurations.create({
      plan: { initial_price: 10, currency: "usd", title: "Prize", account_id: TEST_SETTINGS.companyId },
      metadata: { competitionId: "cmp_1" },
    });
    const signedIn = sandbox.users[2];
    const approve = await fetch(`${sandbox.origin}/oauth/authorize`, {
      method: "POST",
      body: new URLSearchParams({
        response_type: "code",
        client_id: TEST_SETTINGS.clientId,
        redirect_uri: "http://127.0.0.1:8000/auth/callback",
        scope: "openid",
        state: "s",
        nonce: "n",
        code_challenge: "x".repeat(43),
        code_challenge_method: "S256",
        user_id: signedIn.id,
      }),
      redirect: "manual",
    });
    await approve.body?.cancel();
    assert.equal(approve.status, 302);
    const cookie = approve.headers.get("set-cookie")!.split(";")[0];
    const checked = (html: string) => html.match(/value="([^"]+)" checked/)?.[1];
    const asSignedIn = await (await fetch(checkout.purchase_url!, { headers: { cookie } })).text();
    assert.equal(checked(asSignedIn), signedIn.id);
    const anonymous = await (await fetch(checkout.purchase_url!)).text();
    assert.equal(checked(anonymous), sandbox.users[0].id);
  } finally {
    await sandbox.close();
  }
});
