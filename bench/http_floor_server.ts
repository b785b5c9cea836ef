/**
 * The HTTP floor of a webhook (`bench/ingest_floor.ts`): `Deno.serve` on
 * 127.0.0.1 that reads each body, checks its Shopify HMAC the way the app
 * does (node:crypto's `createHmac`, `timingSafeEqual`) and answers 200 with
 * no body. Nothing else: no routing, middleware, parsing or storage. Prints
 * one JSON line `{url}`; stops on SIGTERM.
 *
 *   deno run -A bench/http_floor_server.ts
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { WEBHOOK_SECRET } from "./support.ts";

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
  const body = new Uint8Array(await request.arrayBuffer());
  const signature = Uint8Array.fromBase64(request.headers.get("x-shopify-hmac-sha256") ?? "");
  const digest = createHmac("sha256", WEBHOOK_SECRET).update(body).digest();
  const valid = signature.length === digest.length && timingSafeEqual(digest, signature);
  return new Response(null, { status: valid ? 200 : 401 });
});
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.addr.port}` }));
Deno.addSignalListener("SIGTERM", async () => {
  await server.shutdown();
  Deno.exit(0);
});
