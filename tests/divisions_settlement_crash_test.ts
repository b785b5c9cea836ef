/**
 * A competition with divisions settles through a crash: a real process is
 * killed with SIGKILL at a settlement step, or as soon as one division's
 * transfer reaches Whop (before the other division's are made), restarted on
 * the same KV file, and every time each division's places are decided on its
 * own board and paid exactly once, under its own idempotence key
 * (`payout_<id>_d<division>_<place>`), with its exact amount.
 */
import assert from "node:assert/strict";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { startWhopSandbox, type WhopSandbox } from "../sandbox/whop/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/library.ts";
import { type Competition, updateCompetition } from "../lib/competitions/competitions.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { createParticipant, updateParticipant } from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { keys } from "../lib/core/db.ts";
import { TEST_WHOP_SETTINGS } from "../testing/test_app.ts";
import { freePort, productionEnv, startAppProcess } from "../testing/app_process.ts";

const CRASH_POINTS = ["none", "decided", "transfer_d1_1", "transfer_d1_2", "transfer_d2_1", "completed"] as const;

/** Division, place, Whop user, amount in cents: Rising's 30.01 split 70/30 (the odd cent to 1st), Established's 10.00. */
const PLACES = [
  [1, 1, "user_OwnerDevS2j6v", 2101],
  [1, 2, "user_OwnerCaraT8w3n", 900],
  [2, 1, "user_OwnerEliP5h1z", 1000],
] as const;

function keyOf(competitionId: string, division: number, place: number) {
  return `payout_${competitionId}_d${division}_${place}`;
}

/**
 * An ended competition with two divisions on a fresh KV file. Eli sold the
 * most but races in Established, so Rising's places go to Dev and Cara.
 */
async function endedCompetition(kvPath: string): Promise<string> {
  using kv = await Deno.openKv(kvPath);
  const now = Date.now();
  const { competition } = await activeCompetition(kv, {
    start: now - 9 * 60_000,
    durationMs: 8 * 60_000,
    creatorId: "user_CreatorAvaQ7m2x",
    title: "League Crash Cup",
    divisions: [
      { name: "Rising", upTo: "1000.00", prize: "30.01", prizeSplit: [70, 30] },
      { name: "Established", prize: "10.00" },
    ],
  });
  await updateCompetition(kv, competition.id, now, "status", (c) => ({ ...c, fundsTxId: "pay_X" }));
  const stores = [
    ["user_OwnerDevS2j6v", "dev.myshopify.com", 1, 2500],
    ["user_OwnerCaraT8w3n", "cara.myshopify.com", 1, 900],
    ["user_OwnerEliP5h1z", "eli.myshopify.com", 2, 9000],
  ] as const;
  for (const [userId, shop, division, amount] of stores) {
    const p = await createParticipant(
      kv,
      competition.id,
      { userId, shop, displayName: shop, currency: "USD" },
      now - 6 * 60_000,
    );
    // Placed as the first sync after the start would place it, then its one order.
    await updateParticipant(kv, p.id, now, "leaderboard", (c) => ({ ...c, division }));
    await recordOrder(kv, p.id, {
      orderId: `${userId}.1`,
      createdAt: new Date(now - 5 * 60_000).toISOString(),
      updatedAt: new Date(now - 5 * 60_000).toISOString(),
      amount,
      currency: "USD",
      test: false,
      cancelled: false,
    }, now);
    // No Shopify connection in this test: the final sync skips the store and says so.
    await updateParticipant(kv, p.id, now, "sync", (c) => ({ ...c, connection: "disconnected" }));
  }
  return competition.id;
}

async function waitForOutput(check: () => boolean, what: string, printed = () => "", timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${printed()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function transfersOf(whop: WhopSandbox, competitionId: string) {
  return whop.transfers.filter((t) => (t.idempotenceKey ?? "").startsWith(`payout_${competitionId}`));
}

Deno.test({
  name:
    "divisions settlement - killed at a step or between two divisions' transfers, each division pays its places once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const whop = await startWhopSandbox({ ...TEST_WHOP_SETTINGS, companyBalances: { usd: 10_000 } });
    const shopify = await startShopifySandbox({ ...SANDBOX_APP });
    const script = new URL("../testing/settle_process.ts", import.meta.url).pathname;
    try {
      for (const crashAt of CRASH_POINTS) {
        const kvPath = `${dir}/${crashAt}.sqlite3`;
        const competitionId = await endedCompetition(kvPath);
        const env = { ...productionEnv({ kvPath, port: freePort(), whop, shopify }), COMPETITION_ID: competitionId };
        if (crashAt !== "none") {
          const transfer = /^transfer_d(\d)_(\d)$/.exec(crashAt);
          const first = await startAppProcess({ ...env, CRASH_AT: crashAt }, { script, ready: false });
          if (transfer) {
            const key = keyOf(competitionId, Number(transfer[1]), Number(transfer[2]));
            await waitForOutput(() => whop.transferAttempts.some((a) => a.idempotenceKey === key), `the call ${key}`);
          } else {
            await waitForOutput(() => first.output().includes(`step:${crashAt}`), crashAt, () => first.output());
          }
          await first.kill();
          assert.ok(!first.output().includes("done"), `${crashAt}: the first run was killed before it finished`);
        }
        const resumed = await startAppProcess(env, { script, ready: false });
        const status = await Promise.race([
          resumed.child.status,
          new Promise<Deno.CommandStatus>((_, reject) =>
            setTimeout(() => reject(new Error(`${crashAt}: the resumed run hangs\n${resumed.output()}`)), 30_000)
          ),
        ]);
        assert.equal(status.code, 0, `${crashAt}: the resumed run finished\n${resumed.output()}`);
        await resumed.kill();

        using kv = await Deno.openKv(kvPath);
        const competition = (await kv.get<Competition>(keys.competition(competitionId))).value!;
        assert.equal(competition.status, "COMPLETED", crashAt);
        assert.deepEqual(
          competition.places?.map((p) => [p.division, p.place, p.userId, p.amount]),
          PLACES,
          `${crashAt}: each division's places from its own board`,
        );
        assert.equal(competition.unearned, 0, crashAt);
        const transfers = transfersOf(whop, competitionId);
        assert.equal(transfers.length, PLACES.length, `${crashAt}: exactly one transfer per place`);
        for (const [division, place, userId, amount] of PLACES) {
          const paid = transfers.filter((t) => t.idempotenceKey === keyOf(competitionId, division, place));
          assert.equal(paid.length, 1, `${crashAt}: division ${division} place ${place} paid once`);
          assert.equal(paid[0].destinationId, userId, `${crashAt}: division ${division} place ${place}`);
          assert.equal(paid[0].amountMinor, amount, `${crashAt}: division ${division} place ${place}`);
        }
      }
    } finally {
      await whop.close();
      await shopify.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
