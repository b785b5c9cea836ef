/**
 * The creator's dashboard's model (`GET /dashboard`): their competitions
 * (newest first), their seasons, and for the payouts tab each completed
 * competition with its places' payouts.
 */
import { listPayouts, type Payout } from "../../whop/payouts.ts";
import { type Competition, listCompetitionsByCreator, type Winner } from "../competitions.ts";
import { paidPlaces } from "../settlement.ts";
import { listSeasonsByCreator, type Season } from "../../seasons/seasons.ts";

/** One completed competition on the payouts tab. */
export interface CompletedWithPayouts {
  competition: Competition;
  payouts: Payout[];
  places: Winner[];
}

/** The dashboard's tabs, in order; the first is the default. */
export const DASHBOARD_TABS = ["competitions", "seasons", "create", "payouts"] as const;

/** One of {@link DASHBOARD_TABS}. */
export type DashboardTab = typeof DASHBOARD_TABS[number];

/** What the tab shows: the competitions, nothing to read (the create form), or the payouts. */
export type DashboardView =
  | { tab: "competitions"; competitions: Competition[] }
  | { tab: "seasons"; seasons: Season[] }
  | { tab: "create" }
  | { tab: "payouts"; completed: CompletedWithPayouts[] };

/** The dashboard's `tab` for creator `userId`. */
export async function dashboardView(kv: Deno.Kv, userId: string, tab: DashboardTab): Promise<DashboardView> {
  if (tab === "create") return { tab };
  if (tab === "seasons") return { tab, seasons: await listSeasonsByCreator(kv, userId) };
  const competitions = await listCompetitionsByCreator(kv, userId);
  if (tab === "competitions") return { tab, competitions };
  const completed = competitions.filter((competition) => competition.status === "COMPLETED");
  const payouts = await Promise.all(completed.map((competition) => listPayouts(kv, competition.id)));
  return {
    tab,
    completed: completed.map((competition, i) => ({
      competition,
      payouts: payouts[i],
      places: paidPlaces(competition),
    })),
  };
}
