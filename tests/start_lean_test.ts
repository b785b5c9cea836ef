/**
 * `deno task start` from a fresh copy of the project (no node_modules)
 * installs what the product runs with and nothing the tests use
 * (playwright-core, axe-core): those are pinned where the tests import them,
 * and the start task resolves with its own lockfile (`deno.start.lock`), which
 * holds only the run graph.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { freePort } from "../testing/app_process.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SKIP = /^(node_modules|dist|data|\.git|static\/islands|tests\/artifacts)(\/|$)/;
const TEST_ONLY = ["playwright-core", "axe-core"];

/** Copies the project's sources (what a clone holds) into `to`; a file other tests remove meanwhile is skipped. */
async function copyProject(from: string, to: string): Promise<void> {
  for await (const entry of Deno.readDir(from)) {
    const path = join(from, entry.name);
    if (SKIP.test(relative(ROOT, path))) continue;
    if (entry.isDirectory) {
      await Deno.mkdir(join(to, entry.name));
      await copyProject(path, join(to, entry.name));
    } else if (entry.isFile) {
      await Deno.copyFile(path, join(to, entry.name)).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    }
  }
}

Deno.test("start - deno task start from a fresh copy installs no test-only package", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl_fresh_" });
  try {
    await copyProject(ROOT, dir);
    const port = freePort();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["task", "start"],
      cwd: dir,
      env: { SANDBOX: "1", PORT: String(port), KV_PATH: join(dir, "data", "kv.sqlite3"), LOG_LEVEL: "warn" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    try {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((res) => res.body?.cancel().then(() => res.ok))
          .catch(() => false);
        if (ok) break;
        assert.ok(Date.now() < deadline, "the app did not start within 90 s");
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      child.kill("SIGTERM");
    }
    const done = await output;
    assert.equal(done.code, 0, new TextDecoder().decode(done.stderr));

    const installed = [...Deno.readDirSync(join(dir, "node_modules", ".deno"))].map((entry) => entry.name);
    for (const runtime of ["hono", "preact", "esbuild", "prom-client", "@shopify+shopify-api"]) {
      assert.ok(installed.some((name) => name.startsWith(`${runtime}@`)), `${runtime} is installed: ${installed}`);
    }
    const testOnly = installed.filter((name) => TEST_ONLY.some((pkg) => name.startsWith(`${pkg}@`)));
    assert.deepEqual(testOnly, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
