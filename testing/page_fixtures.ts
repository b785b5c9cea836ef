/**
 * Test fixtures for the page tests: competitions in a given status with
 * stores, and signed form posts. Used by tests only.
 */
import { createCompetition, getCompetition } from "../lib/competitions/competitions.ts";
import { updateParticipant } from "../lib/competitions/participants.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { activeCompetition } from "./fixtures.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import type { TestApp } from "./test_app.ts";

/** One hour in milliseconds. */
export const HOUR = 3_600_000;

/**
 * A DRAFT competition by `creatorId` starting in an hour and lasting a week,
 * for `prize` US dollars (default 500.00).
 * @example const competition = await draftCompetition(t, "creator_1");
 */
export function draftCompetition(t: TestApp, creatorId: string, title = "Holiday Cup", prize = "500.00") {
  const start = t.clock.ms + HOUR;
  return createCompetition(t.kv, creatorId, {
    title,
    description: "Most revenue wins.",
    prize,
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 7 * 24 * HOUR).toISOString(),
  }, { now: t.clock.ms, minDurationS: 3600 });
}

/**
 * A funded competition that has started (the clock is moved an hour past its
 * start) with `stores` participants named "Store 0", "Store 1", ….
 */
export function competitionStartedAnHourAgo(t: TestApp, creatorId: string, stores = 2, title?: string) {
  const start = t.clock.ms + HOUR;
  t.clock.ms = start + HOUR;
  return activeCompetition(t.kv, { start, stores, creatorId, title });
}

/** The page tests' divisions: Rising (30-day sales below $1,000.00) and Established. */
export const LEAGUE_DIVISIONS = [
  { name: "Rising", upTo: "1000.00", prize: "200.00", prizeSplit: [70, 30] },
  { name: "Established", prize: "300.00", prizeSplit: [60, 30, 10] },
];

/**
 * A competition in two divisions ({@link LEAGUE_DIVISIONS}) that started an
 * hour ago, with five stores ("Store 0" … "Store 4", owned by `owner_0` …),
 * each placed as its first sync after the start would place it (the even
 * ones in Established, the odd ones in Rising) and each with one order.
 */
export async function competitionInDivisions(t: TestApp, creatorId: string, title = "Store League") {
  const start = t.clock.ms + HOUR;
  t.clock.ms = start + HOUR;
  const { competition, participants } = await activeCompetition(t.kv, {
    start,
    stores: 5,
    creatorId,
    title,
    divisions: LEAGUE_DIVISIONS,
  });
  for (const [i, p] of participants.entries()) {
    const division = i % 2 === 0 ? 2 : 1;
    const divisionBaseline = division === 2 ? 250_000 + i * 10_000 : 40_000 + i * 10_000;
    await updateParticipant(t.kv, p.id, start, "leaderboard", (c) => ({ ...c, division, divisionBaseline }));
    const at = new Date(start + (10 + i) * 60_000).toISOString();
    const amount = [12_000, 4_500, 9_000, 6_000, 3_000][i];
    const order = { orderId: `league-${i}`, createdAt: at, updatedAt: at, currency: "USD", test: false };
    await recordOrder(t.kv, p.id, { ...order, amount, cancelled: false }, t.clock.ms);
  }
  return { competition: await getCompetition(t.kv, competition.id), participants };
}

/**
 * Posts an urlencoded form as a browser would: with `Origin` (the app's own
 * unless given) and, for `userId`, a session cookie.
 * @example await postForm(t, "/competitions/new", { title: "Cup" }, "creator_1");
 */
export async function postForm(
  t: TestApp,
  path: string,
  fields: Record<string, string>,
  userId?: string,
  origin = t.config.appUrl,
) {
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded", origin });
  if (userId) {
    headers.set("cookie", `${sessionCookieName(t.config.appUrl)}=${await createSession(t.kv, userId, t.clock.ms)}`);
  }
  return t.request(path, { method: "POST", headers, body: new URLSearchParams(fields).toString() });
}

/** The text of the `.field-error` that follows the field `name` in a page's HTML. */
export function fieldError(html: string, name: string): string | undefined {
  const field = html.split('<div class="field">').find((part) => part.includes(`name="${name}"`));
  return field?.match(/class="field-error"[^>]*>([^<]+)</)?.[1];
}
