/**
 * Prize escrow of a competition: a Whop checkout for the prize, and the
 * verified payment that moves it from DRAFT to UPCOMING, whether Whop's
 * `payment.succeeded` webhook or the creator's return from the checkout
 * (`payments.retrieve`) brings it first. The rules (the fee's gross-up, the
 * frozen checkout, coverage checked in the funding commit, refunds of
 * payments that cannot fund) are the escrow's (`escrow.ts`); this module
 * says how a competition is read, priced and written. The checkout freezes
 * the prize, its currency and its split while it exists (`lockedFields`).
 */
import { keys } from "../core/db.ts";
import { type Competition, getVisibleCompetition, updateCompetition } from "../competitions/competitions.ts";
import { prizeSplitOf } from "../competitions/prize_split.ts";
import { formatMoney, type Minor } from "../core/money.ts";
import { appText, fact, notify, quoted } from "../competitions/notifications.ts";
import type { WhopDeps } from "./deps.ts";
import { competitionOwner } from "./refunds.ts";
import { escrowPrice, type FundingSubject } from "./escrow.ts";

/**
 * Where Whop sends the creator back after paying: the app asks Whop for the
 * payment there. Not under `/competitions/:id`, whose community gate would
 * turn away a creator who paid from Whop's frame and came back in a tab
 * signed in nowhere: the payment itself, read from Whop, is the credential.
 */
export function fundingReturnPath(competitionId: string): string {
  return `/funding/${competitionId}/return`;
}

/** A competition as the escrow reads and writes it. */
export const COMPETITION_FUNDING: FundingSubject<Competition> = {
  metadataKey: "competitionId",
  noun: "competition",
  covers: (competition) => competition.prize,
  pricing: (competition) =>
    JSON.stringify([competition.prize, competition.currency, prizeSplitOf(competition), competition.divisions ?? null]),
  load: async (kv, id) => (await kv.get<Competition>(keys.competition(id))).value,
  loadVisible: getVisibleCompetition,
  async update(kv, id, now, change, extra, read) {
    const { competition, changed } = await updateCompetition(kv, id, now, "status", change, extra, read);
    return { record: competition, changed };
  },
  returnPath: fundingReturnPath,
  checkoutTitle: (competition) => `Prize: ${competition.title}`,
  owner: competitionOwner,
  async afterFunded(deps, competition, now) {
    await notify(
      deps.kv,
      {
        dedupeKey: `funded:${competition.id}`,
        userId: competition.creatorId,
        kind: "funded",
        competitionId: competition.id,
        title: appText`${quoted(competition.title)} is funded`,
        body: appText`Your ${
          fact(formatMoney(competition.prize, competition.currency))
        } prize is held in escrow on Whop. The competition opens to stores now and starts as scheduled.`,
      },
      now,
      deps.sendNotification,
    );
  },
};

/** What funding a competition's prize costs: the prize grossed up so that what Whop credits after its fee covers it. */
export function fundingPrice(deps: Pick<WhopDeps, "config">, competition: Competition): { amount: Minor; fee: Minor } {
  return escrowPrice(deps, COMPETITION_FUNDING, competition);
}
