import Whop from "@whop/sdk";
import assert from "node:assert/strict";
import {
  fundCompany,
  sdkFor,
  startTestSandbox,
  startWebhookReceiver,
  TEST_SETTINGS,
} from "../../testing/whop_sandbox.ts";

Deno.test("whop sandbox - forged and stale webhook signatures are rejected by the SDK", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox({ webhookUrl: receiver.url });
  try {
    const whop = sdkFor(sandbox);
    const payment = await fundCompany(sandbox, whop, 100);
    const data = sandbox.paymentData(payment.id);
    await sandbox.sendWebhook("payment.succeeded", data, {
      forgeSignature: true,
    });
    await sandbox.sendWebhook("payment.succeeded", data, {
      timestamp: Math.floor(Date.now() / 1000) - 10 * 60,
    });
    const [genuine, forged, stale] = receiver.received;

    const event = whop.webhooks.unwrap(genuine.body, {
      headers: genuine.headers,
    });
    assert.equal(event.id, genuine.headers["webhook-id"]);
    assert.throws(
      () => whop.webhooks.unwrap(forged.body, { headers: forged.headers }),
      /No matching signature/,
    );
    assert.throws(
      () => whop.webhooks.unwrap(stale.body, { headers: stale.headers }),
      /timestamp too old/,
    );
    const tampered = genuine.body.replace('"total":100', '"total":1000');
    assert.notEqual(tampered, genuine.body);
    assert.throws(() => whop.webhooks.unwrap(tampered, { headers: genuine.headers }));
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("whop sandbox - webhooks are signed with the secret's bytes, as btoa(secret) keys the SDK", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox({ webhookUrl: receiver.url });
  try {
    await sandbox.sendWebhook("refund.created", { id: "rfnd_x" });
    const { body, headers } = receiver.received[0];
    const rightKey = new Whop({
      apiKey: "unused",
      webhookKey: btoa(TEST_SETTINGS.webhookSecret),
    });
    const rawKey = new Whop({
      apiKey: "unused",
      webhookKey: TEST_SETTINGS.webhookSecret,
    });
    const parsed = rightKey.webhooks.unwrap(body, { headers });
    assert.equal(parsed.type, "refund.created");
    assert.equal(parsed.api_version, "v1");
    assert.throws(() => rawKey.webhooks.unwrap(body, { headers }));
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});

Deno.test("whop sandbox - webhooks wait for a URL and flush delivers in-flight events", async () => {
  const receiver = startWebhookReceiver();
  const sandbox = await startTestSandbox();
  try {
    const unsent = await sandbox.sendWebhook("payment.succeeded", {});
    assert.equal(unsent.url, null);
    assert.equal(receiver.received.length, 0);

    sandbox.setWebhookUrl(receiver.url);
    const sending = sandbox.sendWebhook("payment.succeeded", {}, {
      id: unsent.id,
    });
    await sandbox.flushWebhooks();
    assert.equal(receiver.received.length, 1);
    assert.equal(receiver.received[0].headers["webhook-id"], unsent.id);
    assert.equal((await sending).status, 204);
  } finally {
    await sandbox.close();
    await receiver.close();
  }
});
