import { HttpResponseError, HttpThrottlingError } from "@shopify/shopify-api";
import { assertEquals, assertRejects } from "../../testing/assert.ts";
import { adminGraphql, installApp, libraryFor, startTestSandbox } from "../../testing/shopify_sandbox.ts";

const SHOP = "faulty-shop.myshopify.com";

Deno.test("shopify sandbox - armed faults answer 429 with Retry-After in seconds, then 5xx, then recover", async () => {
  const sandbox = await startTestSandbox();
  try {
    const shopify = libraryFor(sandbox);
    const session = await installApp(shopify, sandbox, SHOP);
    const token = session.accessToken!;
    sandbox.faults.graphqlRateLimited = 1;
    sandbox.faults.retryAfterSeconds = 3;
    sandbox.faults.graphqlServerErrors = 1;
    const limited = await adminGraphql(sandbox, SHOP, token, "{ shop { name } }");
    assertEquals(limited.status, 429);
    assertEquals(limited.headers.get("Retry-After"), "3.0");
    const failed = await adminGraphql(sandbox, SHOP, token, "{ shop { name } }");
    assertEquals(failed.status, 503);
    const ok = await adminGraphql(sandbox, SHOP, token, "{ shop { name } }");
    assertEquals(ok.body.data.shop.name, "Faulty Shop");
    assertEquals(sandbox.faults.graphqlRateLimited + sandbox.faults.graphqlServerErrors, 0);

    sandbox.faults.graphqlRateLimited = 1;
    const client = new shopify.clients.Graphql({ session });
    const thrown = await assertRejects(() => client.request("{ shop { name } }"), HttpThrottlingError);
    assertEquals(thrown.response.retryAfter, 3);
  } finally {
    await sandbox.close();
  }
});

Deno.test("shopify sandbox - token endpoint faults reach the library's refresh", async () => {
  const sandbox = await startTestSandbox();
  try {
    const shopify = libraryFor(sandbox);
    const session = await installApp(shopify, sandbox, SHOP);
    sandbox.faults.tokenRateLimited = 1;
    sandbox.faults.tokenServerErrors = 1;
    sandbox.faults.serverErrorStatus = 502;
    const refresh = () => shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! });
    const limited = await assertRejects(refresh, HttpThrottlingError);
    assertEquals(limited.response.code, 429);
    const failed = await assertRejects(refresh, HttpResponseError);
    assertEquals(failed.response.code, 502);
    const { session: renewed } = await refresh();
    assertEquals(typeof renewed.accessToken, "string");
  } finally {
    await sandbox.close();
  }
});
