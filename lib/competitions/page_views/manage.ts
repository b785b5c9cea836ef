/**
 * The manage page's model (`/competitions/:id/manage`, creator only): what
 * the creator can still do (fund, edit, cancel, disqualify), what the race
 * and its stores look like, the audit log, and where the money is (the
 * funding price, each place's payout, the refunds). Computed here so the
 * page only lays it out.
 */
import type { Minor } from "../../core/money.ts";
import type { WhopSettings } from "../../whop/client.ts";
import { fundingPrice } from "../../whop/funding.ts";
import { competitionExperienceId } from "../../whop/notification_sender.ts";
import { listPayouts, type Payout } from "../../whop/payouts.ts";
import { listCompetitionRefunds, type Refund } from "../../whop/refunds.ts";
import { type Competition, type Winner } from "../competitions.ts";
import { isEditable, type LockedField, lockedFields, lockExplanation } from "../editing.ts";
import { type AuditEntry, canChangeRanking, listAuditLog } from "../disqualification.ts";
import { listParticipants, type Participant } from "../participants.ts";
import { isPubliclyVisible } from "../privacy.ts";
import { paidPlaces } from "../settlement.ts";
import { shownDivision } from "../divisions.ts";
import { type CompetitionView, competitionView, type LeaderboardView, leaderboardView } from "../views.ts";

/** What the manage page shows. */
export interface ManagePageView {
  competition: Competition;
  /** The stored rules as the JSON view has them (money as decimal strings): the edit form's values. */
  rules: CompetitionView;
  /** The clock the view was computed at. */
  now: number;
  /** Funded (not a draft, not cancelled unfunded): the race, the share link and the board follow it. */
  following: boolean;
  /** The top of the board while following (the creator's view), else null; with divisions, `division`'s board. */
  leaderboard: LeaderboardView | null;
  /** With divisions: the division whose board is shown (its tab). */
  division?: number;
  participants: Participant[];
  audit: AuditEntry[];
  payouts: Payout[];
  refunds: Refund[];
  /** The paid places, once decided. */
  places: Winner[];
  /** The public page's address. */
  publicUrl: string;
  /** The rules can still change (and the competition be cancelled). */
  editable: boolean;
  /** The rules that can no longer change (funded, or priced by a checkout), and why. */
  locked: LockedField[];
  lockNote?: string;
  /** What the checkout asks: the prize grossed up by Whop's fee. */
  funding: { amount: Minor; fee: Minor };
  /** The creator can still disqualify and reinstate stores. */
  canChangeRanking: boolean;
  /** Notifications also reach the stores through the Whop community. */
  inCommunity: boolean;
  /** Anyone may see it, so it may be embedded on other sites. */
  embeddable: boolean;
}

/**
 * The manage page of `competition` (the caller is its creator); with
 * divisions the board shown is `division`'s (`?division=`, else the first).
 */
export async function managePageView(
  deps: { kv: Deno.Kv; now: () => number; config: WhopSettings },
  competition: Competition,
  division?: string,
): Promise<ManagePageView> {
  const now = deps.now();
  const shown = shownDivision(competition, division, undefined);
  const following = competition.status !== "DRAFT" && competition.status !== "CANCELLED";
  const [participants, payouts, audit, refunds, leaderboard] = await Promise.all([
    listParticipants(deps.kv, competition.id),
    listPayouts(deps.kv, competition.id),
    listAuditLog(deps.kv, competition.id),
    listCompetitionRefunds(deps.kv, competition.id),
    following ? leaderboardView(deps.kv, competition, 10, undefined, shown) : null,
  ]);
  return {
    competition,
    rules: competitionView(competition),
    now,
    following,
    leaderboard,
    division: shown,
    participants,
    audit,
    payouts,
    refunds,
    places: paidPlaces(competition),
    publicUrl: `${deps.config.appUrl}/competitions/${competition.id}`,
    editable: isEditable(competition, now),
    locked: lockedFields(competition),
    lockNote: lockExplanation(competition),
    funding: fundingPrice(deps, competition),
    canChangeRanking: canChangeRanking(competition),
    inCommunity: competitionExperienceId(competition) !== undefined,
    embeddable: isPubliclyVisible(competition),
  };
}
