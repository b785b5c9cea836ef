/**
 * A competition with divisions settles through a crash: a real process is
 * killed with SIGKILL at a settlement step, or as soon as one division's
 * transfer reaches Whop (before the other division's are made), restarted on
 * the same KV file, and every time each division's places are decided on its
 * own board and paid exactly once, under its own idempotence key
 * (`payout_<id>_d<division>_<place>`), with its exact amount.
 */
import assert from "node:assert/strict";
import { keys } from "../lib/core/db.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import { assertPaidOnce, settleThroughEachCrash } from "../testing/settle_crash.ts";

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

Deno.test({
  name:
    "divisions settlement - killed at a step or between two divisions' transfers, each division pays its places once",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () =>
    settleThroughEachCrash({
      crashPoints: CRASH_POINTS,
      // Eli sold the most but races in Established, so Rising's places go to Dev and Cara.
      rules: {
        title: "League Crash Cup",
        divisions: [
          { name: "Rising", upTo: "1000.00", prize: "30.01", prizeSplit: [70, 30] },
          { name: "Established", prize: "10.00" },
        ],
      },
      stores: [
        { userId: "user_OwnerDevS2j6v", shop: "dev.myshopify.com", cents: 2500, minutesAgo: 5, division: 1 },
        { userId: "user_OwnerCaraT8w3n", shop: "cara.myshopify.com", cents: 900, minutesAgo: 5, division: 1 },
        { userId: "user_OwnerEliP5h1z", shop: "eli.myshopify.com", cents: 9000, minutesAgo: 5, division: 2 },
      ],
      transferKey: (crashAt, competitionId) => {
        const transfer = /^transfer_d(\d)_(\d)$/.exec(crashAt);
        return transfer ? keyOf(competitionId, Number(transfer[1]), Number(transfer[2])) : undefined;
      },
      async check(run) {
        const { crashAt, competitionId, kv } = run;
        const competition = (await kv.get<Competition>(keys.competition(competitionId))).value!;
        assert.equal(competition.status, "COMPLETED", crashAt);
        assert.deepEqual(
          competition.places?.map((p) => [p.division, p.place, p.userId, p.amount]),
          PLACES,
          `${crashAt}: each division's places from its own board`,
        );
        assert.equal(competition.unearned, 0, crashAt);
        assertPaidOnce(
          run,
          PLACES.map(([division, place, userId, cents]) => [keyOf(competitionId, division, place), userId, cents]),
        );
      },
    }),
});
