/**
 * The operators' preflight (`deno task doctor`, `doctor.ts`) is a list of
 * checks, each one line: what passed and what was found, or what failed and
 * the fix in one sentence. Each concern of `lib/` contributes its own checks
 * (`lib/whop/preflight.ts`, `lib/shopify/preflight.ts`); this module holds
 * the line's shape and the KV check.
 */
import { readLayoutStanding } from "./migrations.ts";

/** One check's outcome: `detail` says what was found when it passed, and the fix in one sentence when it failed. */
export interface PreflightCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** A check that passed, with what it found. */
export function passed(name: string, detail: string): PreflightCheck {
  return { name, ok: true, detail };
}

/** A check that failed, with the fix in one sentence. */
export function failed(name: string, fix: string): PreflightCheck {
  return { name, ok: false, detail: fix };
}

/** The check as the preflight prints it: `✓ name: detail` or `✗ name: fix`. */
export function preflightLine(check: PreflightCheck): string {
  return `${check.ok ? "✓" : "✗"} ${check.name}: ${check.detail}`;
}

/**
 * KV's layout against this release's: current, or empty (a new
 * deployment), passes; behind (the next start migrates it) and ahead (a
 * newer release wrote it) fail with what to do.
 */
export async function kvLayoutCheck(kv: Deno.Kv, where: string): Promise<PreflightCheck> {
  const standing = await readLayoutStanding(kv);
  const name = "KV";
  switch (standing.state) {
    case "current":
      return passed(name, `${where} opens; its layout is version ${standing.version}, this release's.`);
    case "empty":
      return passed(
        name,
        `${where} opens and is empty: a new deployment, which the first start stamps with this release's layout ` +
          `(if you expected data, KV_PATH points elsewhere).`,
      );
    case "behind":
      return failed(
        name,
        `${where} is at layout version ${standing.version} and this release needs ${standing.target}: ` +
          `take a backup (deno task backup) and start the app once, which migrates it.`,
      );
    case "ahead":
      return failed(
        name,
        `${where} was written by a newer release (layout ${standing.version}, this one knows ${standing.target}): ` +
          `run that release, or restore a backup taken before the upgrade.`,
      );
  }
}
