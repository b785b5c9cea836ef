import assert from "node:assert/strict";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { USER_TOKEN_ISSUER } from "../user_tokens.ts";
import { sdkFor, startTestSandbox, TEST_SETTINGS } from "../../testing/whop_sandbox.ts";

Deno.test("whop sandbox - user tokens verify against the served JWKS", async () => {
  const sandbox = await startTestSandbox();
  try {
    const userId = sandbox.users[0].id;
    const token = await sandbox.signUserToken(userId);
    const jwks = createRemoteJWKSet(new URL(sandbox.jwksUrl));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: USER_TOKEN_ISSUER,
      audience: TEST_SETTINGS.appId,
    });
    assert.equal(payload.sub, userId);
    assert.equal(protectedHeader.alg, "ES256");

    const other = await startTestSandbox();
    try {
      const foreign = await other.signUserToken(userId);
      await assert.rejects(jwtVerify(foreign, jwks));
    } finally {
      await other.close();
    }
  } finally {
    await sandbox.close();
  }
});

Deno.test("whop sandbox - the SDK's verifyUserToken accepts sandbox tokens via userTokenJwksUrl", async () => {
  const sandbox = await startTestSandbox();
  try {
    const whop = sdkFor(sandbox);
    const userId = sandbox.users[3].id;
    const headers = new Headers({
      "x-whop-user-token": await sandbox.signUserToken(userId),
    });
    assert.deepEqual(await whop.verifyUserToken(headers), {
      userId,
      appId: TEST_SETTINGS.appId,
    });
    const wrongApp = await sandbox.signUserToken(userId, {
      audience: "app_other",
    });
    await assert.rejects(whop.verifyUserToken(wrongApp), /app id/);
    assert.equal(
      await whop.verifyUserToken("not-a-token", { dontThrow: true }),
      null,
    );
  } finally {
    await sandbox.close();
  }
});
