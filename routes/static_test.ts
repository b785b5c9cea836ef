import assert from "node:assert/strict";
import { Hono } from "hono";
import { join } from "node:path";
import { staticRoutes } from "./static.ts";

async function fixture() {
  const dir = await Deno.makeTempDir({ prefix: "static_test_" });
  const root = join(dir, "static");
  await Deno.mkdir(join(root, "islands"), { recursive: true });
  await Deno.writeTextFile(join(dir, "secret.txt"), "secret");
  await Deno.writeTextFile(
    join(root, "styles.css"),
    "body { color: black; }\n".repeat(100),
  );
  await Deno.writeTextFile(join(root, "islands/countdown-AB12CD34.js"), "1;");
  await Deno.writeTextFile(join(root, "islands/manifest.json"), "{}");
  await Deno.writeTextFile(join(root, ".env"), "X=1");
  await Deno.symlink(join(dir, "secret.txt"), join(root, "leak.txt"));
  const app = new Hono();
  app.route("/", staticRoutes({ root }));
  return { app, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("islands - static route caches hashed bundles forever", async () => {
  const { app, cleanup } = await fixture();
  try {
    const res = await app.request("/static/islands/countdown-AB12CD34.js");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Content-Type"), "text/javascript; charset=utf-8");
    assert.equal(
      res.headers.get("Cache-Control"),
      "public, max-age=31536000, immutable",
    );
    assert.equal(await res.text(), "1;");
    const manifest = await app.request("/static/islands/manifest.json");
    assert.equal(manifest.headers.get("Cache-Control"), "public, max-age=300, must-revalidate");
    await manifest.body?.cancel();
  } finally {
    await cleanup();
  }
});

Deno.test("islands - static route revalidates other files by ETag and compresses", async () => {
  const { app, cleanup } = await fixture();
  try {
    const res = await app.request("/static/styles.css", {
      headers: { "Accept-Encoding": "gzip" },
    });
    assert.equal(res.headers.get("Content-Type"), "text/css; charset=utf-8");
    assert.equal(res.headers.get("Content-Encoding"), "gzip");
    assert.match(res.headers.get("Vary") ?? "", /Accept-Encoding/);
    const etag = res.headers.get("ETag");
    assert.match(etag ?? "", /^W\/"/);
    const css = await new Response(
      res.body?.pipeThrough(new DecompressionStream("gzip")),
    ).text();
    assert.match(css, /^body \{ color: black; \}/);

    const again = await app.request("/static/styles.css", {
      headers: { "If-None-Match": etag! },
    });
    assert.equal(again.status, 304);
    assert.equal(again.body, null);
  } finally {
    await cleanup();
  }
});

Deno.test("islands - static route refuses traversal, hidden files and symlink escapes", async () => {
  const { app, cleanup } = await fixture();
  try {
    for (
      const path of [
        "/static/..%2fsecret.txt",
        "/static/islands/..%2f..%2fsecret.txt",
        "/static/%2e%2e%2fsecret.txt",
        "/static/islands%5c..%5c..%5csecret.txt",
        "/static/.env",
        "/static/leak.txt",
        "/static/islands",
        "/static/missing.css",
      ]
    ) {
      const res = await app.request(path);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /secret|X=1/, path);
    }
  } finally {
    await cleanup();
  }
});
