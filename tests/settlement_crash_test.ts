/**
 * Settlement survives a crash at every step: a real process is killed with
 * SIGKILL right after each step in turn (and once as soon as each place's
 * transfer reaches Whop), restarted on the same KV file, and every time the
 * end state is the same — COMPLETED, the same places (two stores on the same
 * value, placed by who reached it first), exactly one transfer per place
 * with its own idempotence key and exact amount.
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
import type { SettlementStep } from "../lib/competitions/settlement.ts";
import { TEST_WHOP_SETTINGS } from "../testing/test_app.ts";
import { freePort, productionEnv, startAppProcess } from "../testing/app_process.ts";

const CRASH_POINTS: (SettlementStep | "transfer_1" | "transfer_2" | "transfer_3" | "none")[] = [
  "none",
  "frozen",
  "decided",
  "paid_or_refunded",
  "transfer_1",
  "transfer_2",
  "transfer_3",
  "completed",
  "notified",
];
const WINNER = "user_OwnerDevS2j6v";
const SECOND = "user_OwnerCaraT8w3n";
const THIRD = "user_OwnerEliP5h1z";
/** Place, Whop user, amount in cents: 40.01 split 50/30/20, the odd cent to 1st. */
const PLACES = [[1, WINNER, 2001], [2, SECOND, 1200], [3, THIRD, 800]] as const;

/** Place n's idempotence key. */
function keyOf(competitionId: string, place: number) {
  return place === 1 ? `payout_${competitionId}` : `payout_${competitionId}_${place}`;
}

/** An ended competition on a fresh KV file: three stores, Dev and Cara on the same total, Dev first to reach it. */
async function endedCompetition(kvPath: string): Promise<string> {
  using kv = await Deno.openKv(kvPath);
  const now = Date.now();
  const { competition } = await activeCompetition(kv, {
    start: now - 9 * 60_000,
    durationMs: 8 * 60_000,
    creatorId: "user_CreatorAvaQ7m2x",
    title: "Crash Cup",
    prize: "40.01",
    prizeSplit: [50, 30, 20],
  });
  await updateCompetition(kv, competition.id, now, "status", (c) => ({ ...c, fundsTxId: "pay_X" }));
  const stores = [
    [SECOND, "cara.myshopify.com", 2500, 4],
    [WINNER, "dev.myshopify.com", 2500, 5],
    [THIRD, "eli.myshopify.com", 900, 5],
  ] as const;
  for (const [userId, shop, amount, minutesAgo] of stores) {
    const joinedAt = now - 6 * 60_000;
    const p = await createParticipant(
      kv,
      competition.id,
      { userId, shop, displayName: shop, currency: "USD" },
      joinedAt,
    );
    await recordOrder(kv, p.id, {
      orderId: `${userId}.1`, // Shopify's order ids are unique across shops
      createdAt: new Date(now - minutesAgo * 60_000).toISOString(),
      updatedAt: new Date(now - minutesAgo * 60_000).toISOString(),
      amount,
      currency: "USD",
      test: false,
      cancelled: false,
    }, now);
    // No Shopify connection in this test: the final sync skips the store and says so.
    await updateParticipant(kv, p.id, now, "sync", (current) => ({ ...current, connection: "disconnected" }));
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
  name: "settlement - a process killed at each step and restarted ends the same, with one transfer per place",
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
          const first = await startAppProcess({ ...env, CRASH_AT: crashAt }, { script, ready: false });
          if (crashAt.startsWith("transfer_")) {
            const key = keyOf(competitionId, Number(crashAt.slice("transfer_".length)));
            await waitForOutput(() => whop.transferAttempts.some((a) => a.idempotenceKey === key), `the call ${key}`);
          } else {
            await waitForOutput(
              () => first.output().includes(`step:${crashAt}`),
              `step ${crashAt}`,
              () => first.output(),
            );
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
        assert.equal(competition.winner?.userId, WINNER, crashAt);
        assert.equal(competition.winner?.revenue, 2500, crashAt);
        assert.deepEqual(competition.places?.map((p) => [p.place, p.userId, p.amount]), PLACES, crashAt);
        const transfers = transfersOf(whop, competitionId);
        assert.equal(transfers.length, 3, `${crashAt}: exactly one transfer per place`);
        for (const [place, userId, amount] of PLACES) {
          const paid = transfers.filter((t) => t.idempotenceKey === keyOf(competitionId, place));
          assert.equal(paid.length, 1, `${crashAt}: place ${place} paid once`);
          assert.equal(paid[0].destinationId, userId, `${crashAt}: place ${place}`);
          assert.equal(paid[0].amountMinor, amount, `${crashAt}: place ${place}`);
        }
      }
    } finally {
      await whop.close();
      await shopify.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
