import assert from "node:assert/strict";
import { Hono } from "hono";
import { installEmbeddedAssets } from "../lib/web/embedded_assets.ts";
import { currentIslandManifest } from "../lib/web/island_manifest.ts";
import { staticRoutes } from "./static.ts";

const manifest = { boot: "boot-AB12CD34.js", islands: {}, imports: {}, fingerprint: "f", sources: [] };
const base64 = (text: string) => new TextEncoder().encode(text).toBase64();

Deno.test("islands - a release build serves the embedded files and manifest from memory", async () => {
  await installEmbeddedAssets({
    "styles.css": base64("body { color: black; }\n".repeat(100)),
    "islands/boot-AB12CD34.js": base64("export {};"),
    "islands/manifest.json": base64(JSON.stringify(manifest)),
  });
  assert.deepEqual(currentIslandManifest(), manifest);

  const app = new Hono();
  app.route("/", staticRoutes());
  const bundle = await app.request("/static/islands/boot-AB12CD34.js");
  assert.equal(bundle.status, 200);
  assert.equal(bundle.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
  assert.equal(await bundle.text(), "export {};");

  const css = await app.request("/static/styles.css", { headers: { "Accept-Encoding": "gzip" } });
  assert.equal(css.headers.get("Content-Encoding"), "gzip");
  const etag = css.headers.get("ETag")!;
  assert.match(etag, /^W\/"[\w-]{16}"$/);
  await css.body?.cancel();
  const again = await app.request("/static/styles.css", { headers: { "If-None-Match": etag } });
  assert.equal(again.status, 304);

  for (const path of ["/static/app.js", "/static/../deno.json", "/static/islands/"]) {
    const res = await app.request(path);
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
  }
});
