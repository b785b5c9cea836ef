import assert from "node:assert/strict";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { SandboxStateError } from "../state_file.ts";
import { USER_TOKEN_ISSUER } from "../user_tokens.ts";
import { pkceChallenge } from "./oauth_grants.ts";
import type { WhopSandbox } from "./sandbox.ts";
import {
  fundCompany,
  sdkFor,
  startTestSandbox,
  startWebhookReceiver,
  TEST_SETTINGS,
} from "../../testing/whop_sandbox.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const WINNER = "user_OwnerCaraT8w3n";
const COMPANY = TEST_SETTINGS.companyId;
const REDIRECT = "http://127.0.0.1:8000/auth/callback";

function payout(key: string, amount = 300) {
  return {
    amount,
    currency: "usd",
    origin_id: COMPANY,
    destination_id: WINNER,
    idempotence_key: key,
    metadata: { competitionId: "cmp_durable" },
    notes: "CartBrawl prize",
  };
}

/** Signs in through the OAuth pages and trades the code: `{ access_token, refresh_token, … }`. */
async function oauthTokens(sandbox: WhopSandbox, userId: string) {
  const verifier = "durable-verifier-".padEnd(64, "v");
  const params = new URLSearchParams({
    response_type: "code",
    client_id: TEST_SETTINGS.clientId,
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    nonce: "n",
    state: "s",
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: "S256",
    user_id: userId,
  });
  const chosen = await fetch(`${sandbox.origin}/oauth/authorize`, { method: "POST", body: params, redirect: "manual" });
  await chosen.body?.cancel();
  const code = new URL(chosen.headers.get("location")!).searchParams.get("code")!;
  const response = await fetch(`${sandbox.origin}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: TEST_SETTINGS.clientId,
      client_secret: TEST_SETTINGS.clientSecret,
    }),
  });
  assert.equal(response.status, 200);
  return await response.json();
}

function userinfo(sandbox: WhopSandbox, accessToken: string) {
  return fetch(`${sandbox.origin}/oauth/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
}

/** Everything a restart must keep, as the sandbox shows it. */
function recorded(sandbox: WhopSandbox) {
  return structuredClone({
    users: sandbox.users,
    checkoutConfigurations: sandbox.checkoutConfigurations,
    payments: sandbox.payments,
    refunds: sandbox.refunds,
    transfers: sandbox.transfers,
    transferAttempts: sandbox.transferAttempts,
    notifications: sandbox.notifications,
    balances: [COMPANY, CREATOR, WINNER].map((owner) => sandbox.balance(owner, "usd")),
  });
}

Deno.test("whop sandbox - statePath keeps payments, transfers, balances, OAuth and signing keys across a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "whop-state-" });
  const statePath = `${dir}/whop.json`;
  const receiver = startWebhookReceiver();
  try {
    const first = await startTestSandbox({ statePath, webhookUrl: receiver.url });
    let before;
    let transfer;
    let userToken;
    let jwks;
    let tokens;
    try {
      const whop = sdkFor(first);
      const payment = await fundCompany(first, whop, 500, CREATOR);
      transfer = await whop.transfers.create(payout("payout:cmp_durable"));
      await whop.payments.refund(payment.id, { partial_amount: 50 });
      await whop.notifications.create({ company_id: COMPANY, title: "You won!", content: "Prize on its way." });
      tokens = await oauthTokens(first, WINNER);
      userToken = await first.signUserToken(CREATOR, { ttlSeconds: 24 * 3600 });
      jwks = await (await fetch(first.jwksUrl)).json();
      before = recorded(first);
      assert.deepEqual(before.balances, [150, 9_550, 300]);
    } finally {
      await first.close();
    }
    const document = JSON.parse(await Deno.readTextFile(statePath));
    assert.deepEqual([document.version, document.kind], [1, "whop-sandbox"]);

    // Seeds apply to a fresh file only: the saved balances win.
    const second = await startTestSandbox({ statePath, webhookUrl: receiver.url, companyBalances: { usd: 1_000_000 } });
    try {
      assert.notEqual(second.origin, "");
      assert.deepEqual(recorded(second), before);
      assert.equal(second.webhookDeliveries.length, 0, "the delivery log starts afresh");

      // A retried payout with the same key returns the original transfer and moves nothing.
      const whop = sdkFor(second);
      const retried = await whop.transfers.create(payout("payout:cmp_durable"));
      assert.deepEqual(retried, transfer);
      assert.equal(second.transfers.length, 1);
      assert.deepEqual(second.transferAttempts.map((a) => a.outcome), ["created", "replayed"]);
      assert.deepEqual([COMPANY, CREATOR, WINNER].map((owner) => second.balance(owner, "usd")), before.balances);
      const payment = await whop.payments.retrieve(before.payments[0].id);
      assert.equal(payment.refunded_amount, 50);

      // User tokens signed before the restart verify against the JWKS served after it.
      const served = await (await fetch(second.jwksUrl)).json();
      assert.deepEqual(served, jwks);
      const { payload } = await jwtVerify(userToken, createRemoteJWKSet(new URL(second.jwksUrl)), {
        issuer: USER_TOKEN_ISSUER,
        audience: TEST_SETTINGS.appId,
      });
      assert.equal(payload.sub, CREATOR);
      assert.deepEqual(await whop.verifyUserToken(await second.signUserToken(WINNER)), {
        userId: WINNER,
        appId: TEST_SETTINGS.appId,
      });

      // OAuth tokens keep working: the access token, then a refresh.
      const info = await userinfo(second, tokens.access_token);
      assert.equal(info.status, 200);
      assert.equal((await info.json()).sub, WINNER);
      const refreshed = await fetch(`${second.origin}/oauth/token`, {
        method: "POST",
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token,
          client_id: TEST_SETTINGS.clientId,
        }),
      });
      assert.equal(refreshed.status, 200);
      const next = await refreshed.json();
      assert.equal((await (await userinfo(second, next.access_token)).json()).sub, WINNER);

      // New activity after the restart is saved as well.
      await whop.transfers.create(payout("payout:cmp_second", 100));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const saved = JSON.parse(await Deno.readTextFile(statePath));
      assert.equal(saved.state.whop.transfers.length, 2, "saved shortly after the change, before close");
    } finally {
      await second.close();
    }

    const third = await startTestSandbox({ statePath });
    try {
      assert.deepEqual(third.transfers.map((t) => t.idempotenceKey), ["payout:cmp_durable", "payout:cmp_second"]);
      assert.deepEqual([COMPANY, WINNER].map((owner) => third.balance(owner, "usd")), [50, 400]);
      third.setBalance(COMPANY, "usd", 7);
    } finally {
      await third.close();
    }
    const fourth = await startTestSandbox({ statePath });
    try {
      assert.equal(fourth.balance(COMPANY, "usd"), 7, "setBalance is saved");
    } finally {
      await fourth.close();
    }
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name), ["whop.json"]);
  } finally {
    await receiver.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("whop sandbox - a corrupt, unknown or foreign state file refuses to start and is left alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "whop-state-" });
  const statePath = `${dir}/whop.json`;
  try {
    const cases: [string, RegExp][] = [
      ["", /is not valid JSON/],
      ["[]", /is not a JSON object/],
      ['{"version":"1","kind":"whop-sandbox","state":{}}', /version "1".*reads version 1 only/],
      ['{"version":1,"kind":"whop-sandbox","state":{"whop":{}}}', /expected shape \(state\.whop\.company/],
    ];
    for (const [text, message] of cases) {
      await Deno.writeTextFile(statePath, text);
      await assert.rejects(() => startTestSandbox({ statePath }), (e: Error) => {
        assert.ok(e instanceof SandboxStateError);
        assert.match(e.message, message);
        assert.match(e.message, /whop\.json/);
        return true;
      });
      assert.equal(await Deno.readTextFile(statePath), text, "the file is not overwritten");
    }

    // A valid file of another company is refused too.
    await Deno.remove(statePath);
    const other = await startTestSandbox({ statePath, companyId: "biz_SomeoneElse01" });
    await other.close();
    const saved = await Deno.readTextFile(statePath);
    await assert.rejects(() => startTestSandbox({ statePath }), /belongs to company biz_SomeoneElse01/);
    assert.equal(await Deno.readTextFile(statePath), saved);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("whop sandbox - statePath keeps funds on hold, fees and refund outcomes across a restart", async () => {
  const dir = await Deno.makeTempDir();
  const statePath = `${dir}/whop.json`;
  const clock = { ms: Date.parse("2026-12-10T12:00:00Z") };
  const options = {
    statePath,
    fees: { percent: "2.7", fixed: "0.30" },
    holdMs: 60_000,
    now: () => clock.ms,
  };
  try {
    const first = await startTestSandbox(options);
    const whop = sdkFor(first);
    const payment = await fundCompany(first, whop, 100, CREATOR);
    first.faults.refundOutcome("failed");
    const second = await fundCompany(first, whop, 10, CREATOR);
    await whop.payments.refund(second.id);
    await first.close();

    const again = await startTestSandbox(options);
    try {
      assert.equal(again.pendingBalance(COMPANY, "usd"), 97 + 9.43, "both payments' net amounts, still held");
      assert.equal(again.balance(COMPANY, "usd"), 0);
      assert.equal((await sdkFor(again).payments.retrieve(payment.id)).amount_after_fees, 97);
      assert.deepEqual((await sdkFor(again).payments.retrieve(second.id)).refunds.map((r) => r.status), ["failed"]);
      clock.ms += 60_000;
      assert.equal(again.pendingBalance(COMPANY, "usd"), 0);
      assert.equal(again.balance(COMPANY, "usd"), 106.43);
    } finally {
      await again.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
