/**
 * The operators' preflight (`deno task doctor`) and the production start's
 * refusal of missing settings. The doctor runs against the simulators, with
 * the official SDK: they answer its reads as Whop would, a key without a
 * permission included (403), so both its ✓ and its ✗ lines are exercised.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runDoctor } from "../doctor.ts";
import { startWhopSandbox, type WhopSandbox } from "../sandbox/whop/mod.ts";
import { type ShopifySandbox, startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { TEST_WHOP_SETTINGS, testWhopEnv } from "../testing/test_app.ts";
import { freePort, freePortRun, startAppProcess } from "../testing/app_process.ts";
import { openKv } from "../app.ts";
import { LAYOUT_VERSION_KEY } from "../lib/core/migrations.ts";
import { encryptSecret, importEncryptionKey } from "../lib/core/crypto.ts";
import { keys } from "../lib/core/db.ts";

const ROOT = new URL("../", import.meta.url).pathname;
/** A Shopify app's credentials in Shopify's form (32 hex digits; the secret with `shpss_`). */
const SHOPIFY_APP = { apiKey: "0123456789abcdef0123456789abcdef", apiSecret: "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" };
const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(3)));

/** The simulated platforms, and a production environment (`SANDBOX=0`) pointed at them. */
interface Platforms extends AsyncDisposable {
  whop: WhopSandbox;
  shopify: ShopifySandbox;
  env: Record<string, string>;
}

async function platforms(kvPath: string): Promise<Platforms> {
  const whop = await startWhopSandbox({ ...TEST_WHOP_SETTINGS, holdMs: 0 });
  const shopify = await startShopifySandbox(SHOPIFY_APP);
  const port = freePort();
  return {
    whop,
    shopify,
    env: {
      SANDBOX: "0",
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      KV_PATH: kvPath,
      ENCRYPTION_KEY: KEY,
      SHOPIFY_API_KEY: SHOPIFY_APP.apiKey,
      SHOPIFY_API_SECRET: SHOPIFY_APP.apiSecret,
      SHOPIFY_ORIGIN: shopify.origin,
      ...testWhopEnv(whop.origin),
    },
    async [Symbol.asyncDispose]() {
      await whop.close();
      await shopify.close();
    },
  };
}

/** A temp folder, removed after `run`. */
async function inTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl_doctor_" });
  try {
    return await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The report's lines by check name: `true` passed, else the fix. */
function outcomes(report: Awaited<ReturnType<typeof runDoctor>>): Record<string, true | string> {
  return Object.fromEntries(report.checks.map((check) => [check.name, check.ok || check.detail]));
}

Deno.test("doctor - deno task doctor passes against the simulators: one ✓ line per check, exit 0", async () => {
  await inTempDir(async (dir) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "doctor"],
      cwd: ROOT,
      env: { SANDBOX: "1", PORT: String(freePortRun(2)), KV_PATH: join(dir, "kv.sqlite3") },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
    const lines = text.trim().split("\n");
    assert.match(lines.at(-1)!, /^All \d+ checks passed/);
    for (const line of lines.slice(0, -1)) assert.match(line, /^✓ [^:]+: \S/);
    for (
      const area of ["company", "checkout configurations", "payments", "transfers", "balance", "notifications"]
    ) {
      assert.ok(lines.some((line) => line.startsWith(`✓ Whop ${area}:`)), `a line for Whop ${area}`);
    }
    assert.ok(lines.some((line) => line.startsWith("✓ Whop access checks:")));
    assert.ok(lines.some((line) => line.startsWith("✓ KV:")));
  });
});

Deno.test("doctor - production settings against the simulators pass; a missing or malformed one fails, named", async () => {
  await inTempDir(async (dir) => {
    await using world = await platforms(join(dir, "kv.sqlite3"));
    const report = await runDoctor(world.env);
    assert.deepEqual(report.checks.filter((check) => !check.ok), []);
    assert.ok(report.ok);
    const lines = outcomes(report);
    for (const name of ["APP_URL", "WHOP_COMPANY_ID", "WHOP_CLIENT_SECRET", "KV", "Whop transfers", "Shopify"]) {
      assert.equal(lines[name], true, name);
    }
    assert.ok(
      !report.checks.some((check) => check.detail.includes(world.env.WHOP_CLIENT_SECRET)),
      "a secret is never printed",
    );
    // The test notification reached the company's team only.
    assert.equal(world.whop.notifications.at(-1)?.companyId, TEST_WHOP_SETTINGS.companyId);

    const { WHOP_CLIENT_SECRET: _, ...withoutSecret } = world.env;
    const missing = await runDoctor(withoutSecret);
    assert.equal(missing.ok, false);
    assert.match(
      String(outcomes(missing).WHOP_CLIENT_SECRET),
      /^WHOP_CLIENT_SECRET is missing: set it to the OAuth client secret of your Whop app\.$/,
    );
    assert.deepEqual(missing.checks.filter((check) => !check.ok).map((check) => check.name), ["WHOP_CLIENT_SECRET"]);
    assert.match(missing.skipped ?? "", /checked once the settings above are fixed/);

    const malformed = outcomes(
      await runDoctor({
        ...world.env,
        APP_URL: "http://brawl.example.com",
        WHOP_COMPANY_ID: "company-1",
        SHOPIFY_API_KEY: "sandbox-key",
        ENCRYPTION_KEY: btoa("short"),
      }),
    );
    assert.match(String(malformed.APP_URL), /^APP_URL must be https/);
    assert.match(String(malformed.WHOP_COMPANY_ID), /must look like a Whop company id \(biz_…\)/);
    assert.match(String(malformed.SHOPIFY_API_KEY), /must look like a Shopify client id/);
    assert.match(String(malformed.ENCRYPTION_KEY), /must decode to 32 bytes, not 5/);
  });
});

Deno.test("doctor - a Whop key without a permission the app needs fails that area, naming the permissions", async () => {
  await inTempDir(async (dir) => {
    await using world = await platforms(join(dir, "kv.sqlite3"));
    world.whop.apiKeyPermissions.delete("payout:transfer:read");
    world.whop.apiKeyPermissions.delete("notification:create");
    const report = await runDoctor(world.env);
    assert.equal(report.ok, false);
    const lines = outcomes(report);
    assert.match(String(lines["Whop transfers"]), /403.*payout:transfer_funds, payout:transfer:read.*Edit permissions/);
    assert.match(String(lines["Whop notifications"]), /403.*notification:create/);
    for (const area of ["company", "checkout configurations", "payments", "balance", "access checks"]) {
      assert.equal(lines[`Whop ${area}`], true, area);
    }

    const wrongKey = outcomes(await runDoctor({ ...world.env, WHOP_API_KEY: "apik_wrong" }));
    assert.match(String(wrongKey["Whop company"]), /Whop refused WHOP_API_KEY \(401\)/);
    const otherCompany = outcomes(await runDoctor({ ...world.env, WHOP_COMPANY_ID: "biz_Nobody" }));
    assert.match(String(otherCompany["Whop company"]), /Whop knows no biz_Nobody for this key \(404\)/);
  });
});

Deno.test("doctor - KV from a newer release, and stored tokens the key cannot open, fail with what to do", async () => {
  await inTempDir(async (dir) => {
    const kvPath = join(dir, "kv.sqlite3");
    await using world = await platforms(kvPath);
    const kv = await openKv(kvPath);
    await kv.set(LAYOUT_VERSION_KEY, 99);
    const otherKey = await importEncryptionKey(new Uint8Array(32).fill(8));
    await kv.set(keys.shop("demo.myshopify.com"), {
      shop: "demo.myshopify.com",
      accessToken: await encryptSecret(otherKey, "shpat_x", "demo.myshopify.com#access"),
      scope: "read_orders",
      connectedAt: "2026-12-01T00:00:00Z",
      updatedAt: "2026-12-01T00:00:00Z",
    });
    kv.close();
    const lines = outcomes(await runDoctor(world.env));
    assert.match(String(lines.KV), /written by a newer release \(layout 99/);
    assert.match(
      String(lines["Shopify tokens"]),
      /ENCRYPTION_KEY does not open the stored token of demo\.myshopify\.com/,
    );
  });
});

Deno.test("start - in production mode without APP_URL the app exits non-zero, naming it in one sentence", async () => {
  await inTempDir(async (dir) => {
    await using world = await platforms(join(dir, "kv.sqlite3"));
    const { APP_URL: _, ...env } = world.env;
    const app = await startAppProcess(env, { ready: false });
    // A process that starts anyway is stopped after 30 s (and the test fails on its exit code).
    const timer = setTimeout(() => app.kill("SIGTERM"), 30_000);
    const exit = await app.child.status;
    clearTimeout(timer);
    await app.kill();
    const output = app.output();
    assert.equal(exit.code, 1, output);
    assert.match(
      output,
      /CartBrawl cannot start: APP_URL is required unless SANDBOX=1: the public https address browsers reach the app at, such as https:\/\/cartbrawl\.example\.com\./,
    );
    assert.equal(output.trim().split("\n").length, 1, "one sentence, nothing else");
  });
});
