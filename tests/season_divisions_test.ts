/**
 * A season in divisions: every round races in the template's two divisions,
 * each round's places give points on their own division's board, the
 * standings are one table per division, and the season prize is paid in each
 * division's standings exactly once per place (the season job run twice,
 * then twice at once), the places nobody earned returned to the creator once.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { SEASON_STORES, seasonPlayedOut } from "../testing/season_fixtures.ts";
import { runSeasonJob } from "../cron/season_job.ts";
import { getSeason, seasonEscrow } from "../lib/seasons/seasons.ts";
import { listRoundResults } from "../lib/seasons/standings.ts";
import { listSeasonPayouts } from "../lib/whop/season_payouts.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const [JUNIPER, HARBOR, MAPLE] = SEASON_STORES.map((store) => store.userId);

Deno.test("season divisions - points per division, standings per division, the season prize paid once per place of each", async () => {
  await using t = await createTestApp();
  const season = await seasonPlayedOut(t, CREATOR, t.clock.ms, { divisions: true });
  // Each round's prize is its divisions' ($10 + $30); the season prize is paid in each of the two tables.
  assert.equal(season.template.prize, 4_000);
  assert.equal(seasonEscrow(season), 3 * 4_000 + 2 * 6_000);
  const round1 = await getCompetition(t.kv, season.roundIds[0]);
  assert.deepEqual(round1.divisions?.map((division) => division.name), ["Rising", "Established"]);

  for (let i = 0; i < 2; i++) await runSeasonJob(t.deps.lifecycle);
  await Promise.all([runSeasonJob(t.deps.lifecycle), runSeasonJob(t.deps.lifecycle)]);

  const results = await listRoundResults(t.kv, season.id);
  assert.deepEqual(
    results.map((result) => result.entries.map((e) => [e.division, e.place, e.userId, e.points])),
    [
      [[1, 1, MAPLE, 25], [2, 1, JUNIPER, 25], [2, 2, HARBOR, 18]],
      [[1, 1, MAPLE, 25], [2, 1, HARBOR, 25], [2, 2, JUNIPER, 18]],
      [[1, 1, MAPLE, 25], [2, 1, HARBOR, 25], [2, 2, JUNIPER, 18]],
    ],
    "each round's places give points on their own division's board",
  );

  const finished = await getSeason(t.kv, season.id);
  assert.equal(finished.status, "COMPLETED");
  assert.deepEqual(finished.places?.map((p) => [p.division, p.place, p.userId, p.points, p.amount]), [
    [1, 1, MAPLE, 75, 3_600],
    [2, 1, HARBOR, 68, 3_600],
    [2, 2, JUNIPER, 61, 2_400],
  ]);
  assert.equal(finished.unearned, 2_400, "Rising's 2nd place had no store");
  const payouts = await listSeasonPayouts(t.kv, season.id);
  assert.deepEqual(payouts.map((p) => [p.idempotenceKey, p.destinationUserId, p.amount]), [
    [`payout_season_${season.id}_d1_1`, MAPLE, 3_600],
    [`payout_season_${season.id}_d2_1`, HARBOR, 3_600],
    [`payout_season_${season.id}_d2_2`, JUNIPER, 2_400],
    [`payout_season_${season.id}_creator`, CREATOR, 2_400],
  ]);

  const detail = await (await t.request(`/api/seasons/${season.id}`)).json();
  assert.deepEqual(
    detail.standings.map((table: { name: string; rows: { displayName: string; points: number }[] }) => [
      table.name,
      table.rows.map((row) => [row.displayName, row.points]),
    ]),
    [
      ["Rising", [["Maple & Co", 75]]],
      ["Established", [["Harbor Supply", 68], ["Juniper Goods", 61]]],
    ],
  );
});
