import assert from "node:assert/strict";
import { Hono } from "hono";
import { contentSecurityPolicy, csp } from "./csp.ts";

Deno.test("islands - CSP carries a fresh nonce per request that handlers can read", async () => {
  const app = new Hono();
  app.use(
    csp({ formActions: ["https://api.whop.com", "https://*.myshopify.com"] }),
  );
  app.get("/", (c) => c.text(c.var.cspNonce));
  const [first, second] = await Promise.all([app.request("/"), app.request("/")]);
  const nonce = await first.text();
  assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
  assert.notEqual(nonce, await second.text());
  assert.equal(
    first.headers.get("Content-Security-Policy"),
    `default-src 'self'; script-src 'nonce-${nonce}' 'strict-dynamic'; ` +
      "style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "object-src 'none'; base-uri 'none'; " +
      "frame-ancestors 'self' https://whop.com https://*.whop.com; " +
      "form-action 'self' https://api.whop.com https://*.myshopify.com",
  );
});

Deno.test("islands - CSP frame ancestors can be narrowed", () => {
  assert.match(
    contentSecurityPolicy("n", { frameAncestors: ["'none'"] }),
    /frame-ancestors 'none'; form-action 'self'$/,
  );
});
