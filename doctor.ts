/**
 * `deno task doctor` (and `cartbrawl.js doctor`): the operators' preflight.
 * It checks a deployment before it takes traffic and prints one line per
 * check, ✓ with what it found or ✗ with the fix in one sentence, then exits
 * 0 only when every check passed:
 *
 * - every setting production needs is set and well-formed (`config.ts`);
 * - KV opens and its layout is this release's (`lib/core/preflight.ts`);
 * - one harmless call per area of Whop the app uses, with its API key and
 *   company, so a missing permission is named here (`lib/whop/preflight.ts`);
 * - the Shopify side the app can check without a store
 *   (`lib/shopify/preflight.ts`).
 *
 * In sandbox mode it checks against the simulators, started as `deno task
 * start` starts them (`buildRuntime`) but with their records in memory, so it
 * never writes a running sandbox's files. It changes nothing in KV.
 */
import {
  type Config,
  ConfigError,
  loadConfig,
  PRODUCTION_SETTINGS,
  type ProductionSetting,
  productionSettingProblem,
  sandboxRequested,
} from "./config.ts";
import { buildRuntime, openKv } from "./app.ts";
import { failed, kvLayoutCheck, passed, type PreflightCheck, preflightLine } from "./lib/core/preflight.ts";
import { resolveEncryptionKey } from "./lib/core/crypto.ts";
import { whopPreflight } from "./lib/whop/preflight.ts";
import { shopifyOriginCheck, storedTokensCheck } from "./lib/shopify/preflight.ts";

/** Production settings whose value may be printed (ids and addresses, never a secret). */
const SHOWN: ReadonlySet<ProductionSetting> = new Set([
  "APP_URL",
  "WHOP_APP_ID",
  "WHOP_COMPANY_ID",
  "WHOP_CLIENT_ID",
  "SHOPIFY_API_KEY",
]);

/** What the preflight found. */
export interface DoctorReport {
  checks: PreflightCheck[];
  /** Every check passed. */
  ok: boolean;
  /** Why some checks did not run, when they did not. */
  skipped?: string;
}

/** One line per production setting: missing, malformed, or what it is set to (secrets only as "set"). */
function productionSettingChecks(env: Record<string, string | undefined>): PreflightCheck[] {
  return (Object.keys(PRODUCTION_SETTINGS) as ProductionSetting[]).map((name) => {
    const value = env[name]?.trim();
    if (!value) return failed(name, `${name} is missing: set it to ${PRODUCTION_SETTINGS[name]}.`);
    const problem = productionSettingProblem(name, value);
    if (problem) return failed(name, `${name} ${problem}.`);
    return passed(name, SHOWN.has(name) ? value : "set.");
  });
}

/** The settings' checks, and the settings when the app could run with them. */
function settingChecks(env: Record<string, string | undefined>): { checks: PreflightCheck[]; settings?: Config } {
  const sandbox = sandboxRequested(env);
  const checks = sandbox
    ? [passed("mode", "sandbox: the simulated Whop and Shopify stand in where no credentials are set.")]
    : productionSettingChecks(env);
  try {
    return { checks, settings: loadConfig(env) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A production setting already failed on its own line; any other bad setting gets one.
    if (!checks.some((check) => !check.ok && error.message.startsWith(`${check.name} `))) {
      checks.push(failed("settings", error.message));
    }
    return { checks };
  }
}

/**
 * Runs the preflight on the settings in `env`.
 *
 * @example
 * const report = await runDoctor(Deno.env.toObject());
 */
export async function runDoctor(env: Record<string, string | undefined>): Promise<DoctorReport> {
  const { checks, settings } = settingChecks(env);
  if (!settings) {
    return { checks, ok: false, skipped: "KV, Whop and Shopify are checked once the settings above are fixed." };
  }
  let kv: Deno.Kv;
  try {
    kv = await openKv(settings.kvPath);
  } catch (error) {
    checks.push(failed("KV", `${settings.kvPath} does not open (${(error as Error).message}): check KV_PATH.`));
    return { checks, ok: false, skipped: "Whop and Shopify are checked once KV opens." };
  }
  // The simulators' records stay in memory (`kvPath` decides where they would be kept), the app's KV is read.
  const runtime = await buildRuntime({ ...settings, kvPath: ":memory:" }, kv);
  try {
    checks.push(await kvLayoutCheck(kv, settings.kvPath));
    const { config } = runtime;
    if (runtime.deps.whop && config.whop.companyId) {
      checks.push(
        ...await whopPreflight(runtime.deps.whop, { companyId: config.whop.companyId, origin: config.whop.origin }),
      );
    }
    if (config.shopify.origin) checks.push(await shopifyOriginCheck(config.shopify.origin));
    checks.push(await storedTokensCheck(kv, () => resolveEncryptionKey(kv, config)));
  } finally {
    await Promise.all([runtime.sandboxes.whop?.close(), runtime.sandboxes.shopify?.close()]);
    kv.close();
  }
  return { checks, ok: checks.every((check) => check.ok) };
}

/** Prints the report, one line per check and a summary, and exits 0 when every check passed, else 1. */
export async function runDoctorCommand(): Promise<never> {
  const report = await runDoctor(Deno.env.toObject());
  for (const check of report.checks) console.log(preflightLine(check));
  const failures = report.checks.filter((check) => !check.ok).length;
  console.log(
    report.ok
      ? `All ${report.checks.length} checks passed: ready to take traffic.`
      : `${failures} of ${report.checks.length} checks failed.${report.skipped ? ` ${report.skipped}` : ""}`,
  );
  Deno.exit(report.ok ? 0 : 1);
}

if (import.meta.main) await runDoctorCommand();
