/**
 * The season prize through a crash: a season of three rounds played out
 * (three stores, every round settled; `testing/season_fixtures.ts`) is
 * finished by a real process of the product against the simulated Whop,
 * killed with SIGKILL as soon as Whop saw the 1st place's transfer — before
 * or after the app recorded it, and before the 2nd place's — and a second
 * process finishes it. Each place of the season prize is paid exactly once,
 * under its key, for its amount.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { seasonPlayedOut } from "../testing/season_fixtures.ts";
import { freePort, productionEnv, startAppProcess } from "../testing/app_process.ts";
import { TEST_WHOP_SETTINGS } from "../testing/test_app.ts";
import { startWhopSandbox } from "../sandbox/whop/mod.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/library.ts";
import { getSeason } from "../lib/seasons/seasons.ts";
import { listSeasonPayouts, seasonPayoutIdempotenceKey } from "../lib/whop/season_payouts.ts";

const SCRIPT = new URL("../testing/season_process.ts", import.meta.url).pathname;

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("season crash - the season prize is paid exactly once per place through a crash between its transfers", async () => {
  await using t = await createTestApp({}, { kvFile: true });
  const season = await seasonPlayedOut(t, "user_CreatorAvaQ7m2x", Date.now());
  assert.equal(season.status, "ACTIVE");
  assert.equal(season.places, undefined, "the season prize is not decided before the process runs");
  const whop = await startWhopSandbox({ ...TEST_WHOP_SETTINGS, companyBalances: { usd: 10_000 } });
  const shopify = await startShopifySandbox({ ...SANDBOX_APP });
  try {
    const env = {
      ...productionEnv({ kvPath: t.kvPath!, port: freePort(), whop, shopify }),
      SEASON_ID: season.id,
    };
    const first = await startAppProcess(env, { script: SCRIPT, ready: false });
    const firstKey = seasonPayoutIdempotenceKey(season.id, 0, 1);
    await until(() => whop.transferAttempts.some((a) => a.idempotenceKey === firstKey), `the call ${firstKey}`);
    await first.kill();
    assert.ok(!first.output().includes("done"), "the first run was killed before it finished");

    const resumed = await startAppProcess(env, { script: SCRIPT, ready: false });
    const status = await Promise.race([
      resumed.child.status,
      new Promise<Deno.CommandStatus>((_, reject) =>
        setTimeout(() => reject(new Error(`the resumed run hangs\n${resumed.output()}`)), 60_000)
      ),
    ]);
    assert.equal(status.code, 0, `the resumed run finished\n${resumed.output()}`);
    await resumed.kill();

    const finished = await getSeason(t.kv, season.id);
    assert.equal(finished.status, "COMPLETED");
    // Harbor 68 points, Juniper 61: the $60 season prize split 60/40.
    assert.deepEqual(finished.places?.map((p) => [p.place, p.userId, p.points, p.amount]), [
      [1, "user_OwnerDevS2j6v", 68, 3_600],
      [2, "user_OwnerCaraT8w3n", 61, 2_400],
    ]);
    const transfers = whop.transfers.filter((x) => (x.idempotenceKey ?? "").startsWith(`payout_season_${season.id}`));
    assert.deepEqual(
      transfers.map((x) => [x.idempotenceKey, x.destinationId, x.amountMinor]).sort(),
      [[firstKey, "user_OwnerDevS2j6v", 3_600], [
        seasonPayoutIdempotenceKey(season.id, 0, 2),
        "user_OwnerCaraT8w3n",
        2_400,
      ]],
      "one transfer per place, none twice",
    );
    assert.ok((await listSeasonPayouts(t.kv, season.id)).every((payout) => payout.state === "sent"));
  } finally {
    await whop.close();
    await shopify.close();
  }
});
