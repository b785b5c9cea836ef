/**
 * The manage page's model (`/competitions/:id/manage`, creator only): what
 * the creator can still do (fund, edit, cancel, disqualify), what the race
 * and its stores look like, the audit log, and where the money is (the
 * funding price, each place's payout, the refunds). Computed here so the
 * page only lays it out.
 */
import type { Minor } from "../../core/money.ts";
import { getUser } from "../../core/users.ts";
import type { WhopSettings } from "../../whop/client.ts";
import { fundingPrice } from "../../whop/funding.ts";
import { competitionExperienceId } from "../../whop/notification_sender.ts";
import { listPayouts, type Payout } from "../../whop/payouts.ts";
import { listCompetitionRefunds, type Refund } from "../../whop/refunds.ts";
import { type Competition, type Winner } from "../competitions.ts";
import { isEditable, type LockedField, lockedFields, lockExplanation } from "../editing.ts";
import { type AuditEntry, canChangeRanking, listAuditLog } from "../disqualification.ts";
import { decisionsOpen } from "../flags.ts";
import { type FlagEntry, type FlagView, flagViewsOf, listFlagEntries } from "../flag_list.ts";
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
  /** The stores still ranked whose store is disconnected or whose order sync failed: they need the creator's eye. */
  storesNeedingAttention: number;
  /** The held and flagged orders, grouped for the creator's review. */
  review: ReviewQueue;
  /** The creator's logged actions, each with the name of who acted where the app knows it. */
  audit: AuditLine[];
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

/** The held and flagged orders as the review queue shows them. */
export interface ReviewQueue {
  /** Waiting for a decision: held orders first (out of the total), then flagged ones (counting), each oldest first. */
  open: FlagView[];
  /** Decided, most recent first. */
  decided: FlagView[];
  /** Nothing to decide: the reason went away by itself (paid, room under the cap), or the payment was voided. */
  closed: FlagView[];
  /** How many each list holds in all; unless all are asked for, a list shows its first {@link REVIEW_SHOWN}. */
  totals: { open: number; decided: number; closed: number };
  /** The creator can still decide (until the results are final). */
  canDecide: boolean;
}

/**
 * How many orders each list of the review queue shows unless all are asked
 * for: stores paid later (cash on delivery, bank transfer) send thousands of
 * held orders, and a page with every one is megabytes (`bench/review_bench.ts`).
 */
export const REVIEW_SHOWN = 50;

/** An audit entry with the name of who acted (their Whop id when the app has not seen their name). */
export type AuditLine = AuditEntry & { byName: string };

/** The entries of each of the review queue's lists (see {@link ReviewQueue}) and their totals. */
interface ReviewLists {
  open: FlagEntry[];
  decided: FlagEntry[];
  closed: FlagEntry[];
  totals: ReviewQueue["totals"];
}

/**
 * Sorts a competition's flags into the review queue's lists by their index
 * entries alone: each list whole with `all`, else its first
 * {@link REVIEW_SHOWN} (only those orders are then read).
 */
function reviewLists(entries: readonly FlagEntry[], all = false): ReviewLists {
  const waiting = entries.filter(({ state }) => state.status === "open" && state.reason !== "voided");
  const oldestFirst = (a: FlagEntry, b: FlagEntry) => a.state.raisedAt.localeCompare(b.state.raisedAt);
  const open = [
    ...waiting.filter(({ state }) => state.held).sort(oldestFirst),
    ...waiting.filter(({ state }) => !state.held).sort(oldestFirst),
  ];
  const decided = entries.filter(({ state }) => state.status === "decided")
    .sort((a, b) => (b.state.decidedAt ?? "").localeCompare(a.state.decidedAt ?? ""));
  const closed = entries
    .filter(({ state }) => state.status === "cleared" || (state.status === "open" && state.reason === "voided"))
    .sort((a, b) => oldestFirst(b, a));
  const shown = (list: FlagEntry[]) => all ? list : list.slice(0, REVIEW_SHOWN);
  return {
    open: shown(open),
    decided: shown(decided),
    closed: shown(closed),
    totals: { open: open.length, decided: decided.length, closed: closed.length },
  };
}

/**
 * The review queue of `competition` (see {@link reviewLists}; empty before the
 * race is followed), the orders of the entries shown read.
 */
async function reviewQueue(
  kv: Deno.Kv,
  competition: Competition,
  { following, all }: { following: boolean; all: boolean },
): Promise<ReviewQueue> {
  const lists = reviewLists(following ? await listFlagEntries(kv, competition.id) : [], all);
  const shown = [...lists.open, ...lists.decided, ...lists.closed];
  const views = new Map((await flagViewsOf(kv, competition, shown)).map((view) => [view.id, view]));
  const viewsOf = (list: FlagEntry[]) => list.flatMap((entry) => views.get(entry.id) ?? []);
  return {
    open: viewsOf(lists.open),
    decided: viewsOf(lists.decided),
    closed: viewsOf(lists.closed),
    totals: lists.totals,
    canDecide: decisionsOpen(competition),
  };
}

/** The audit log with the names of who acted. */
async function auditLines(kv: Deno.Kv, entries: AuditEntry[]): Promise<AuditLine[]> {
  const ids = [...new Set(entries.map((entry) => entry.by))];
  const names = new Map(await Promise.all(ids.map(async (id) => [id, (await getUser(kv, id)).name] as const)));
  return entries.map((entry) => ({ ...entry, byName: names.get(entry.by) ?? entry.by }));
}

/**
 * The manage page of `competition` (the caller is its creator); with
 * divisions the board shown is `division`'s (`?division=`, else the first);
 * `wholeReview` shows every flag of the review queue (`?review=all`).
 */
export async function managePageView(
  deps: { kv: Deno.Kv; now: () => number; config: WhopSettings },
  competition: Competition,
  division?: string,
  wholeReview = false,
): Promise<ManagePageView> {
  const now = deps.now();
  const shown = shownDivision(competition, division, undefined);
  const following = competition.status !== "DRAFT" && competition.status !== "CANCELLED";
  const [participants, payouts, audit, refunds, leaderboard, review] = await Promise.all([
    listParticipants(deps.kv, competition.id),
    listPayouts(deps.kv, competition.id),
    listAuditLog(deps.kv, competition.id).then((entries) => auditLines(deps.kv, entries)),
    listCompetitionRefunds(deps.kv, competition.id),
    following ? leaderboardView(deps.kv, competition, 10, undefined, shown) : null,
    reviewQueue(deps.kv, competition, { following, all: wholeReview }),
  ]);
  return {
    competition,
    rules: competitionView(competition),
    now,
    following,
    leaderboard,
    division: shown,
    participants,
    storesNeedingAttention:
      participants.filter((p) => !p.disqualified && (p.connection !== "connected" || p.sync.state === "failed")).length,
    review,
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
