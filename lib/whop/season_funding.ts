/**
 * A season's escrow: one Whop checkout for every round's prize and the
 * season prize (of every standings table) together, grossed up for Whop's
 * fee as a competition's prize is, through the same rules (`escrow.ts`): the
 * checkout recorded on the season freezes it, the payment funds it only if
 * it covers the whole escrow (checked in the funding commit), the return
 * asks Whop for the payment, and a payment that cannot fund is refunded.
 * Once funded, round 1 is made at once (the season job makes it too).
 */
import { keys } from "../core/db.ts";
import { formatMoney } from "../core/money.ts";
import { appText, fact, notify, quoted } from "../competitions/notifications.ts";
import { getVisibleSeason, type Season, seasonEscrow, updateSeason } from "../seasons/seasons.ts";
import { makeDueRounds } from "../seasons/rounds.ts";
import type { FundingSubject } from "./escrow.ts";

/** Where Whop sends the creator back after paying for a season (see `fundingReturnPath`). */
export function seasonFundingReturnPath(seasonId: string): string {
  return `/funding/seasons/${seasonId}/return`;
}

/** A season as the escrow reads and writes it. */
export const SEASON_FUNDING: FundingSubject<Season> = {
  metadataKey: "seasonId",
  noun: "season",
  covers: seasonEscrow,
  pricing: (season) =>
    JSON.stringify([
      seasonEscrow(season),
      season.currency,
      season.rounds,
      season.template,
      season.seasonPrize,
      season.seasonPrizeSplit,
    ]),
  load: async (kv, id) => (await kv.get<Season>(keys.season(id))).value,
  loadVisible: getVisibleSeason,
  async update(kv, id, now, change, extra, read) {
    const { season, changed } = await updateSeason(kv, id, now, change, extra, read);
    return { record: season, changed };
  },
  returnPath: seasonFundingReturnPath,
  checkoutTitle: (season) => `Season prizes: ${season.title}`,
  owner: (season) => ({ kind: "season", id: season.id, title: season.title, creatorId: season.creatorId }),
  async afterFunded(deps, season, now) {
    await makeDueRounds(deps.kv, now, season);
    await notify(
      deps.kv,
      {
        dedupeKey: `season_funded:${season.id}`,
        userId: season.creatorId,
        kind: "funded",
        seasonId: season.id,
        title: appText`${quoted(season.title)} is funded`,
        body: appText`${
          fact(formatMoney(seasonEscrow(season), season.currency))
        } for its rounds and season prize is held in escrow on Whop. Round 1 is open to stores now.`,
      },
      now,
      deps.sendNotification,
    );
  },
};
