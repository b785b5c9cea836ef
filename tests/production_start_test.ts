/**
 * Simulators stay out of production: a production process (complete
 * settings, `SANDBOX` off) loads no module of `sandbox/`.
 *
 * What it loaded is read, not inferred: `main.ts` runs with V8 coverage on
 * (`deno run --coverage`), which writes one record per script the process
 * compiled, static or dynamic import alike. The settings are complete but
 * fake (Whop and Shopify at a closed loopback port), and the process is
 * walked through what a visitor can reach without an account (pages, the
 * JSON API, sign-in, the Shopify entry, the sandbox paths, static files)
 * before it is stopped, so a module loaded lazily by a request counts too.
 * The same run in sandbox mode lists `sandbox/mode.ts` and the simulators:
 * the method sees what an `import()` loads.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, freePortRun, startAppProcess } from "../testing/app_process.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** The project's own modules (relative paths) that a process started with `env` loaded, once stopped. */
async function modulesLoaded(env: Record<string, string>, visit: (url: string) => Promise<void>): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl_loaded_" });
  try {
    const coverage = join(dir, "coverage");
    const app = await startAppProcess(
      { ...env, KV_PATH: join(dir, "data", "cartbrawl.sqlite3"), LOG_LEVEL: "warn" },
      { flags: [`--coverage=${coverage}`], timeoutMs: 60_000 },
    );
    try {
      await visit(app.url);
    } finally {
      const exit = await app.kill("SIGTERM");
      assert.equal(exit.code, 0, app.output());
    }
    const loaded = new Set<string>();
    for await (const entry of Deno.readDir(coverage)) {
      const { url } = JSON.parse(await Deno.readTextFile(join(coverage, entry.name))) as { url: string };
      if (url.startsWith(`file://${ROOT}`) && !url.includes("/node_modules/")) {
        loaded.add(url.slice(`file://${ROOT}`.length));
      }
    }
    return [...loaded].sort();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Fetches `path` and returns its status (the body is read and dropped). */
async function status(url: string, path: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(`${url}${path}`, { redirect: "manual", ...init });
  await response.body?.cancel();
  return response.status;
}

Deno.test("production start - a production process loads no module of sandbox/", async () => {
  const port = freePort();
  const nowhere = `http://127.0.0.1:${freePort()}`;
  const appUrl = `http://127.0.0.1:${port}`;
  const loaded = await modulesLoaded({
    SANDBOX: "0",
    PORT: String(port),
    APP_URL: appUrl,
    ENCRYPTION_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(9))),
    SHOPIFY_API_KEY: "shopify-key-not-real",
    SHOPIFY_API_SECRET: "shopify-secret-not-real",
    SHOPIFY_ORIGIN: nowhere,
    WHOP_API_KEY: "apik_not_real",
    WHOP_APP_ID: "app_NotReal",
    WHOP_COMPANY_ID: "biz_NotReal",
    WHOP_CLIENT_ID: "app_NotReal",
    WHOP_CLIENT_SECRET: "not-real",
    WHOP_WEBHOOK_SECRET: "ws_not_real",
    WHOP_ORIGIN: nowhere,
  }, async (url) => {
    for (const path of ["/", "/healthz", "/metrics", "/competitions/new", "/my-competitions", "/dashboard"]) {
      assert.ok((await status(url, path)) < 500, path);
    }
    assert.equal(await status(url, "/api/competitions"), 200);
    assert.equal(await status(url, "/api/competitions/0abc/leaderboard"), 404);
    assert.equal(await status(url, "/embed/competitions/0abc"), 404);
    assert.equal(await status(url, "/login?returnTo=/"), 302, "sign-in starts at Whop");
    assert.equal(await status(url, "/static/styles.css"), 200);
    assert.ok((await status(url, "/shopify?shop=demo.myshopify.com&hmac=00&timestamp=1")) < 500, "the Shopify entry");
    // The sandbox's own paths do not exist here.
    const form = { method: "POST", headers: { origin: appUrl, "content-type": "application/x-www-form-urlencoded" } };
    assert.equal(await status(url, "/sandbox/competitions/0abc/fast-forward", form), 404);
    assert.equal(await status(url, "/sandbox/competitions/0abc/start-now", form), 404);
  });
  for (const module of ["main.ts", "server.ts", "app.ts", "routes/sandbox.ts", "lib/whop/oauth.ts"]) {
    assert.ok(loaded.includes(module), `the record shows ${module} (it has ${loaded.length} modules)`);
  }
  assert.deepEqual(loaded.filter((module) => module.startsWith("sandbox/")), []);
});

Deno.test("production start - the same record in sandbox mode shows sandbox/mode.ts and the simulators", async () => {
  const port = freePortRun(2);
  const loaded = await modulesLoaded({ SANDBOX: "1", PORT: String(port) }, async (url) => {
    assert.equal(await status(url, "/healthz"), 200);
  });
  for (const module of ["sandbox/mode.ts", "sandbox/whop/sandbox.ts", "sandbox/shopify/sandbox.ts"]) {
    assert.ok(loaded.includes(module), `the record shows ${module}`);
  }
});
