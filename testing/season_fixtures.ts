/**
 * A season of three daily rounds of $40 (a $60 season prize split 60/40)
 * for the page and crash tests: half-way through (round 1 settled with
 * points, round 2 racing now, round 3 made and waiting), or played out (every
 * round settled, the season not yet finished by its job); its stores entered
 * in each round made so far. With `divisions`, each round races in two
 * divisions (Rising: $10 to 1st; Established: $30 split 75/25), Maple in
 * Rising and the other two in Established, placed as their first sync would. Built through the domain functions and the real jobs (the
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

/**
 * The stores of the fixture: owner, shop, name, and what each sells in each
 * round. Places: round 1 Juniper, Harbor, Maple; rounds 2 and 3 Harbor,
 * Juniper, Maple; so the standings end Harbor 68, Juniper 61, Maple 45.
 */
export const SEASON_STORES = [
  {
    userId: "user_OwnerCaraT8w3n",
    shop: "store-0.myshopify.com",
    name: "Juniper Goods",
    sales: [12_000, 8_000, 10_000],
    division: 2,
  },
  {
    userId: "user_OwnerDevS2j6v",
    shop: "store-1.myshopify.com",
    name: "Harbor Supply",
    sales: [9_500, 14_000, 11_000],
    division: 2,
  },
  {
    userId: "user_OwnerEliP5h1z",
    shop: "store-2.myshopify.com",
    name: "Maple & Co",
    sales: [4_000, 6_500, 3_000],
    division: 1,
  },
];

/** The template's two divisions, with `divisions`. */
export const SEASON_DIVISIONS = [
  { name: "Rising", upTo: "100.00", prize: "10.00" },
  { name: "Established", prize: "30.00", prizeSplit: [75, 25] },
];

/** How a fixture season races: in divisions or on one board. */
export interface SeasonFixtureOptions {
  divisions?: boolean;
}

/** A DRAFT season by `creatorId` whose round 1 starts at `startMs` (the clock is moved before it). */
export async function draftSeason(
  t: TestApp,
  creatorId: string,
  startMs: number,
  title = "Winter League",
  options: SeasonFixtureOptions = {},
) {
  t.clock.ms = startMs - DAY;
  const input = parseSeasonInput({ now: t.clock.ms, minDurationS: 3600 }, {
    title,
    description: "Three daily rounds; points for every place, the season prize to the top two.",
    rounds: 3,
    every: "day",
    startDate: new Date(startMs).toISOString(),
    template: options.divisions
      ? { currency: "USD", divisions: SEASON_DIVISIONS }
      : { currency: "USD", prize: "40.00", prizeSplit: [75, 25] },
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
    if (season.template.divisions?.length) {
      await updateParticipant(t.kv, participant.id, t.clock.ms, "leaderboard", (p) => ({
        ...p,
        division: store.division,
      }));
    }
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
 * Funds a season whose round 1 starts at `start` and plays its first
 * `rounds` rounds: each round's stores entered, the clock a minute past its
 * start, the jobs run (the round before settles, the round after is made),
 * its sales recorded.
 */
async function playRounds(
  t: TestApp,
  creatorId: string,
  start: number,
  rounds: number,
  options: SeasonFixtureOptions,
): Promise<{ season: Season; entrants: Participant[] }> {
  let season = await draftSeason(t, creatorId, start, options.divisions ? "Division League" : undefined, options);
  ({ season } = await updateSeason(
    t.kv,
    season.id,
    t.clock.ms,
    (s) => ({ ...s, status: "UPCOMING", fundsTxId: "pay_fixture" }),
  ));
  season = await makeDueRounds(t.kv, t.clock.ms, season);
  let entrants: Participant[] = [];
  for (let round = 1; round <= rounds; round++) {
    season = await getSeason(t.kv, season.id);
    entrants = await enter(t, season, season.roundIds[round - 1]);
    const roundStart = start + (round - 1) * DAY;
    t.clock.ms = roundStart + 60_000;
    await runStatusJob(t.deps.lifecycle);
    await runSeasonJob(t.deps.lifecycle);
    await sell(t, entrants, round, roundStart);
  }
  return { season: await getSeason(t.kv, season.id), entrants };
}

/**
 * The season half-way through (see the module comment): round 2 started six
 * hours before `now`, where the clock ends.
 */
export async function seasonMidway(
  t: TestApp,
  creatorId: string,
  now = t.clock.ms,
  options: SeasonFixtureOptions = {},
): Promise<{ season: Season; entrants: Participant[] }> {
  const played = await playRounds(t, creatorId, now - DAY - 6 * 3_600_000, 2, options);
  t.clock.ms = now;
  return played;
}

/**
 * The season played out (see the module comment): round 3 ended two hours
 * before `now` and is settled; the season job has not run since, so the
 * season is still ACTIVE with its prize undecided. The clock ends at `now`.
 */
export async function seasonPlayedOut(
  t: TestApp,
  creatorId: string,
  now = t.clock.ms,
  options: SeasonFixtureOptions = {},
): Promise<Season> {
  const start = now - 3 * DAY - 2 * 3_600_000;
  const { season } = await playRounds(t, creatorId, start, 3, options);
  t.clock.ms = start + 3 * DAY + 60_000;
  await runStatusJob(t.deps.lifecycle);
  await runStatusJob(t.deps.lifecycle);
  t.clock.ms = now;
  return await getSeason(t.kv, season.id);
}
