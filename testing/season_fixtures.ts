/**
 * A season half-way through, for the page tests: three daily rounds of
 * $40 (a $60 season prize split 60/40), round 1 settled with points, round 2
 * racing now, round 3 made and waiting; its stores entered in each round
 * made so far. Built through the domain functions and the real jobs (the
 * payment aside: the season is marked funded as the escrow would), so every
 * record is as the app writes it. Used by tests only.
 */
import type { TestApp } from "./test_app.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { runSeasonJob } from "../cron/season_job.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { createParticipant, type Participant, updateParticipant } from "../lib/competitions/participants.ts";
import { getSeason, saveSeasonDraft, type Season, updateSeason } from "../lib/seasons/seasons.ts";
import { parseSeasonInput } from "../lib/seasons/season_input.ts";
import { makeDueRounds } from "../lib/seasons/rounds.ts";
import { recordEntrant } from "../lib/seasons/entrants.ts";

const DAY = 86_400_000;

/** The stores of the fixture: owner, shop, name, and what each sells in rounds 1 and 2. */
export const SEASON_STORES = [
  { userId: "owner_0", shop: "store-0.myshopify.com", name: "Juniper Goods", sales: [12_000, 8_000] },
  { userId: "owner_1", shop: "store-1.myshopify.com", name: "Harbor Supply", sales: [9_500, 14_000] },
  { userId: "owner_2", shop: "store-2.myshopify.com", name: "Maple & Co", sales: [4_000, 6_500] },
];

/** A DRAFT season by `creatorId` whose round 1 starts at `startMs` (the clock is moved before it). */
export async function draftSeason(t: TestApp, creatorId: string, startMs: number, title = "Winter League") {
  t.clock.ms = startMs - DAY;
  const input = parseSeasonInput({ now: t.clock.ms, minDurationS: 3600 }, {
    title,
    description: "Three daily rounds; points for every place, the season prize to the top two.",
    rounds: 3,
    every: "day",
    startDate: new Date(startMs).toISOString(),
    template: { currency: "USD", prize: "40.00", prizeSplit: [75, 25] },
    seasonPrize: "60.00",
    seasonPrizeSplit: [60, 40],
  });
  return await saveSeasonDraft(t.kv, creatorId, input, t.clock.ms);
}

async function enter(t: TestApp, season: Season, roundId: string): Promise<Participant[]> {
  const entered: Participant[] = [];
  for (const store of SEASON_STORES) {
    const joining = { userId: store.userId, shop: store.shop, displayName: store.name, currency: "USD" };
    const participant = await createParticipant(t.kv, roundId, joining, t.clock.ms);
    await recordEntrant(t.kv, season.id, participant, t.clock.ms);
    // No Shopify in the page tests: the final sync skips a disconnected store and counts what it recorded.
    entered.push(
      await updateParticipant(t.kv, participant.id, t.clock.ms, "sync", (p) => ({
        ...p,
        connection: "disconnected",
      })),
    );
  }
  return entered;
}

async function sell(t: TestApp, participants: Participant[], round: number, startMs: number): Promise<void> {
  for (const [i, participant] of participants.entries()) {
    const at = new Date(startMs + (i + 1) * 3_600_000).toISOString();
    await recordOrder(t.kv, participant.id, {
      orderId: `${participant.id}.${round}`,
      createdAt: at,
      updatedAt: at,
      amount: SEASON_STORES[i].sales[round - 1],
      currency: "USD",
      test: false,
      cancelled: false,
    }, t.clock.ms);
  }
}

/**
 * The season half-way through (see the module comment): round 2 started six
 * hours before `now`, where the clock ends.
 */
export async function seasonMidway(
  t: TestApp,
  creatorId: string,
  now = t.clock.ms,
): Promise<{ season: Season; entrants: Participant[] }> {
  const start = now - DAY - 6 * 3_600_000;
  let season = await draftSeason(t, creatorId, start);
  ({ season } = await updateSeason(
    t.kv,
    season.id,
    t.clock.ms,
    (s) => ({ ...s, status: "UPCOMING", fundsTxId: "pay_fixture" }),
  ));
  season = await makeDueRounds(t.kv, t.clock.ms, season);
  const round1 = await enter(t, season, season.roundIds[0]);
  t.clock.ms = start + 60_000;
  await runStatusJob(t.deps.lifecycle);
  await runSeasonJob(t.deps.lifecycle);
  await sell(t, round1, 1, start);
  season = await getSeason(t.kv, season.id);
  const round2 = await enter(t, season, season.roundIds[1]);
  t.clock.ms = start + DAY + 60_000;
  await runStatusJob(t.deps.lifecycle);
  await runSeasonJob(t.deps.lifecycle);
  await sell(t, round2, 2, start + DAY);
  t.clock.ms = now;
  return { season: await getSeason(t.kv, season.id), entrants: round2 };
}
