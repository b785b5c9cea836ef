/**
 * The settlement crash tests' stores and their crash-and-resume run: a real
 * process of the product (`settle_process.ts`) is started on a KV file,
 * killed with SIGKILL once it got where it should die, and a second one is
 * run on the same file until the competition is COMPLETED and every place is paid.
 */
import assert from "node:assert/strict";
import type { WhopSandbox } from "../sandbox/whop/mod.ts";
import { type AppProcess, freePort, productionEnv, startAppProcess } from "./app_process.ts";
import { startWhopSandbox } from "../sandbox/whop/mod.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/library.ts";
import { TEST_WHOP_SETTINGS } from "./test_app.ts";
import { activeCompetition, type ActiveCompetitionOptions } from "./fixtures.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant, updateParticipant } from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";

const SCRIPT = new URL("./settle_process.ts", import.meta.url).pathname;

/** Polls `check` every 10 ms until it holds, or fails after `timeoutMs` with `printed()`. */
async function waitForOutput(check: () => boolean, what: string, printed = () => "", timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${printed()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Settles the competition of `env` (`COMPETITION_ID`) through a crash at
 * `crashAt`: `"none"` runs once; a settlement step (`frozen`, `decided`, …)
 * kills the first run right after that step; anything else kills it as soon
 * as `whop` saw a transfer call with the idempotence key `transferKey`.
 * Then a second run must finish on its own within 30 s.
 */
async function settleThroughCrash(
  env: Record<string, string>,
  crashAt: string,
  transfer?: { whop: WhopSandbox; key: string },
): Promise<void> {
  if (crashAt !== "none") {
    const first: AppProcess = await startAppProcess({ ...env, CRASH_AT: crashAt }, { script: SCRIPT, ready: false });
    if (transfer) {
      const seen = () => transfer.whop.transferAttempts.some((a) => a.idempotenceKey === transfer.key);
      await waitForOutput(seen, `the call ${transfer.key}`);
    } else {
      await waitForOutput(() => first.output().includes(`step:${crashAt}`), `step ${crashAt}`, () => first.output());
    }
    await first.kill();
    assert.ok(!first.output().includes("done"), `${crashAt}: the first run was killed before it finished`);
  }
  const resumed = await startAppProcess(env, { script: SCRIPT, ready: false });
  const status = await Promise.race([
    resumed.child.status,
    new Promise<Deno.CommandStatus>((_, reject) =>
      setTimeout(() => reject(new Error(`${crashAt}: the resumed run hangs\n${resumed.output()}`)), 30_000)
    ),
  ]);
  assert.equal(status.code, 0, `${crashAt}: the resumed run finished\n${resumed.output()}`);
  await resumed.kill();
}

/** One settlement through one crash, as the tests check it. */
export interface CrashRun {
  crashAt: string;
  competitionId: string;
  /** The settled KV file. */
  kv: Deno.Kv;
  /** The transfers Whop made for the competition's payouts. */
  transfers: WhopSandbox["transfers"];
}

/**
 * An ended, funded competition on a fresh KV file (`kvPath`): Ava's, run
 * from nine minutes ago for eight, with `rules` (title, prize and split, or
 * divisions) and `stores`; returns its id.
 */
async function endedCompetition(
  kvPath: string,
  rules: Partial<ActiveCompetitionOptions>,
  stores: readonly SoldStore[],
): Promise<string> {
  using kv = await Deno.openKv(kvPath);
  const now = Date.now();
  const { competition } = await activeCompetition(kv, {
    ...rules,
    start: now - 9 * 60_000,
    durationMs: 8 * 60_000,
    creatorId: "user_CreatorAvaQ7m2x",
  });
  await updateCompetition(kv, competition.id, now, "status", (c) => ({ ...c, fundsTxId: "pay_X" }));
  for (const store of stores) await addSoldStore(kv, competition.id, store, now);
  return competition.id;
}

/**
 * For each crash point, on a fresh KV file: makes the ended competition of
 * `rules` and `stores`, settles it through that crash
 * ({@link settleThroughCrash}, `transferKey` naming the transfer a
 * `transfer_…` point dies after), then hands the settled file to `check`.
 * One simulated Whop (10,000 USD available) and Shopify serve every run.
 */
export async function settleThroughEachCrash(options: {
  crashPoints: readonly string[];
  rules: Partial<ActiveCompetitionOptions>;
  stores: readonly SoldStore[];
  transferKey: (crashAt: string, competitionId: string) => string | undefined;
  check: (run: CrashRun) => void | Promise<void>;
}): Promise<void> {
  const dir = await Deno.makeTempDir();
  const whop = await startWhopSandbox({ ...TEST_WHOP_SETTINGS, companyBalances: { usd: 10_000 } });
  const shopify = await startShopifySandbox({ ...SANDBOX_APP });
  try {
    for (const crashAt of options.crashPoints) {
      const kvPath = `${dir}/${crashAt}.sqlite3`;
      const competitionId = await endedCompetition(kvPath, options.rules, options.stores);
      const env = { ...productionEnv({ kvPath, port: freePort(), whop, shopify }), COMPETITION_ID: competitionId };
      const key = options.transferKey(crashAt, competitionId);
      await settleThroughCrash(env, crashAt, key ? { whop, key } : undefined);
      using kv = await Deno.openKv(kvPath);
      const transfers = whop.transfers.filter((t) => (t.idempotenceKey ?? "").startsWith(`payout_${competitionId}`));
      await options.check({ crashAt, competitionId, kv, transfers });
    }
  } finally {
    await whop.close();
    await shopify.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** A store of an ended competition, as the crash tests make it. */
export interface SoldStore {
  userId: string;
  shop: string;
  /** Its one order, in cents, placed `minutesAgo` minutes before `now`. */
  cents: number;
  minutesAgo: number;
  /** Its division, with divisions: placed as its first sync after the start would place it. */
  division?: number;
}

/**
 * Joins `store` to a running competition six minutes before `now`, records
 * its one order, and disconnects it: the tests have no Shopify connection,
 * so the final sync skips the store and says so.
 */
export async function addSoldStore(kv: Deno.Kv, competitionId: string, store: SoldStore, now: number): Promise<void> {
  const { userId, shop } = store;
  const p = await createParticipant(
    kv,
    competitionId,
    { userId, shop, displayName: shop, currency: "USD" },
    now - 360_000,
  );
  if (store.division !== undefined) {
    await updateParticipant(kv, p.id, now, "leaderboard", (c) => ({ ...c, division: store.division }));
  }
  const at = new Date(now - store.minutesAgo * 60_000).toISOString();
  // Shopify's order ids are unique across shops.
  const order = { orderId: `${userId}.1`, createdAt: at, updatedAt: at, currency: "USD", test: false };
  await recordOrder(kv, p.id, { ...order, amount: store.cents, cancelled: false }, now);
  await updateParticipant(kv, p.id, now, "sync", (c) => ({ ...c, connection: "disconnected" }));
}

/**
 * Asserts that each expected payout was made exactly once, under its key,
 * to its user, for its amount in cents; and no other.
 */
export function assertPaidOnce(
  run: CrashRun,
  expected: readonly (readonly [key: string, userId: string, cents: number])[],
) {
  assert.equal(run.transfers.length, expected.length, `${run.crashAt}: exactly one transfer per place`);
  for (const [key, userId, cents] of expected) {
    const paid = run.transfers.filter((t) => t.idempotenceKey === key);
    assert.equal(paid.length, 1, `${run.crashAt}: ${key} paid once`);
    assert.equal(paid[0].destinationId, userId, `${run.crashAt}: ${key}`);
    assert.equal(paid[0].amountMinor, cents, `${run.crashAt}: ${key}`);
  }
}
