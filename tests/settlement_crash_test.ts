/**
 * Settlement survives a crash at every step: a real process is killed with
 * SIGKILL right after each step in turn (and once as soon as each place's
 * transfer reaches Whop), restarted on the same KV file, and every time the
 * end state is the same — COMPLETED, the same places (two stores on the same
 * value, placed by who reached it first), exactly one transfer per place
 * with its own idempotence key and exact amount.
 */
import assert from "node:assert/strict";
import { keys } from "../lib/core/db.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import type { SettlementStep } from "../lib/competitions/settlement.ts";
import { assertPaidOnce, settleThroughEachCrash } from "../testing/settle_crash.ts";

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

Deno.test({
  name: "settlement - a process killed at each step and restarted ends the same, with one transfer per place",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    settleThroughEachCrash({
      crashPoints: CRASH_POINTS,
      // Three stores, Dev and Cara on the same total, Dev first to reach it.
      rules: { title: "Crash Cup", prize: "40.01", prizeSplit: [50, 30, 20] },
      stores: [
        { userId: SECOND, shop: "cara.myshopify.com", cents: 2500, minutesAgo: 4 },
        { userId: WINNER, shop: "dev.myshopify.com", cents: 2500, minutesAgo: 5 },
        { userId: THIRD, shop: "eli.myshopify.com", cents: 900, minutesAgo: 5 },
      ],
      transferKey: (crashAt, competitionId) =>
        crashAt.startsWith("transfer_") ? keyOf(competitionId, Number(crashAt.slice("transfer_".length))) : undefined,
      async check(run) {
        const { crashAt, competitionId, kv } = run;
        const competition = (await kv.get<Competition>(keys.competition(competitionId))).value!;
        assert.equal(competition.status, "COMPLETED", crashAt);
        assert.equal(competition.winner?.userId, WINNER, crashAt);
        assert.equal(competition.winner?.revenue, 2500, crashAt);
        assert.deepEqual(competition.places?.map((p) => [p.place, p.userId, p.amount]), PLACES, crashAt);
        assertPaidOnce(run, PLACES.map(([place, userId, cents]) => [keyOf(competitionId, place), userId, cents]));
      },
    }),
});
