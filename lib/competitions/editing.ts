/**
 * What the creator changes before the start: edits, under the locks of the
 * rules, and cancelling. The rules lock in two steps: a draft with a funding
 * checkout keeps the prize, its currency, its split and its divisions (a payment for that
 * checkout must fund exactly that prize); a funded (UPCOMING) competition
 * keeps every rule (stores joined on them). The title and the description
 * are presentation and stay editable until the start. Each check runs inside
 * the atomic commit of the edit, on the record being committed.
 */
import { ConflictError, ForbiddenError } from "../core/errors.ts";
import { type Minor, toDecimalString } from "../core/money.ts";
import { type Competition, competitionPrizeDecimal, updateCompetition } from "./competitions.ts";
import type { InputRules } from "./input.ts";
import { parseCompetitionInput } from "./written_input.ts";
import { divisionsAsInput } from "./division_input.ts";

/** Whether the rules can still change: before the start, and neither cancelled nor finished. */
export function isEditable(competition: Pick<Competition, "status" | "startDate">, now: number): boolean {
  return (competition.status === "DRAFT" || competition.status === "UPCOMING") &&
    now < Date.parse(competition.startDate);
}

/**
 * Every rule of a competition, locked once the prize is funded (UPCOMING):
 * each field of its input that decides who wins what, when. The title and
 * the description are its presentation, not its rules: they stay editable
 * until the start.
 */
const RULES = [
  "prize",
  "currency",
  "prizeSplit",
  "metric",
  "growthMinBaseline",
  "startDate",
  "endDate",
  "privacy",
  "countManualOrders",
  "customerCap",
  "divisions",
] as const;

/** One of the rules ({@link RULES}). */
export type LockedField = typeof RULES[number];

/** The rules a funding checkout is priced on, frozen while it exists. */
const PRICED: readonly LockedField[] = ["prize", "currency", "prizeSplit", "divisions"];

/**
 * The rules a competition can no longer change: every rule once funded
 * (UPCOMING: stores joined on them), the prize, its currency, its split and its divisions
 * once a draft has a funding checkout; none otherwise.
 */
export function lockedFields(competition: Pick<Competition, "status" | "checkout">): LockedField[] {
  if (competition.status === "UPCOMING") return [...RULES];
  if (competition.status === "DRAFT" && competition.checkout) return [...PRICED];
  return [];
}

/**
 * Why the rules `lockedFields` names are locked, and what can be done
 * instead, for the edit form; `undefined` when none is.
 */
export function lockExplanation(competition: Pick<Competition, "status" | "checkout">): string | undefined {
  if (competition.status === "UPCOMING") {
    return "The prize is funded, so the rules are locked (stores joined on them); the title and description can " +
      "still change.";
  }
  if (competition.status === "DRAFT" && competition.checkout) {
    return "A Whop checkout for this prize exists, so the prize, its currency, its split and its divisions are frozen (a payment " +
      "for it must fund exactly this prize). To change them, cancel this draft and create a new competition.";
  }
  return undefined;
}

/** The 409 for an edit of the locked rule `field`, naming it. */
function lockedRule(competition: Pick<Competition, "status" | "checkout">, field: LockedField): ConflictError {
  return new ConflictError(`${field} can no longer change. ${lockExplanation(competition)}`);
}

function assertCreatorBeforeStart(competition: Competition, userId: string, now: number, action: string) {
  if (competition.creatorId !== userId) throw new ForbiddenError(`Only the creator can ${action} this competition.`);
  if (isEditable(competition, now)) return;
  if (competition.status !== "DRAFT" && competition.status !== "UPCOMING") {
    throw new ConflictError(`This competition is ${competition.status.toLowerCase()}; its rules are locked.`);
  }
  throw new ConflictError(`This competition has started; its rules are locked.`);
}

/**
 * Edits a competition before its start (creator only). A patch that names a
 * locked rule (`lockedFields`) is refused with a 409 naming it; the check
 * runs on the record being committed, so an edit and the checkout or the
 * funding that locks it cannot both win.
 */
export async function editCompetition(
  kv: Deno.Kv,
  id: string,
  userId: string,
  patch: Record<string, unknown>,
  rules: InputRules,
): Promise<Competition> {
  const { competition } = await updateCompetition(kv, id, rules.now, "status", (current) => {
    assertCreatorBeforeStart(current, userId, rules.now, "edit");
    const moving = lockedFields(current).find((field) => field in patch);
    if (moving) throw lockedRule(current, moving);
    const decimal = (minor?: Minor) => minor === undefined ? undefined : toDecimalString(minor, current.currency);
    const merged = {
      ...current,
      prize: competitionPrizeDecimal(current),
      growthMinBaseline: decimal(current.growthMinBaseline),
      customerCap: decimal(current.customerCap),
      divisions: current.divisions && divisionsAsInput(current.divisions, current.currency),
      ...patch,
    };
    // With divisions the prize is their total: kept as it was only when the patch names neither.
    const divided = Array.isArray(merged.divisions) && merged.divisions.length > 0;
    const prize = "prize" in patch || !divided ? merged.prize : undefined;
    const input = parseCompetitionInput(rules, {
      title: merged.title,
      description: merged.description,
      prize,
      currency: merged.currency,
      startDate: merged.startDate,
      endDate: merged.endDate,
      privacy: merged.privacy,
      prizeSplit: merged.prizeSplit,
      metric: merged.metric,
      growthMinBaseline: merged.growthMinBaseline,
      countManualOrders: merged.countManualOrders ?? undefined,
      customerCap: merged.customerCap ?? undefined,
      divisions: merged.divisions,
    });
    // A rule the patch sets to null (or divisions to []) is removed (no cap, manual orders held, one board).
    const { countManualOrders: _, customerCap: __, divisions: ___, ...kept } = current;
    return { ...kept, ...input };
  });
  return competition;
}

/**
 * Cancels a competition before its start (creator only). A funded one is
 * then refunded by the payments module. A season's round is cancelled with
 * its season's later rounds, never on its own.
 */
export async function cancelCompetition(kv: Deno.Kv, id: string, userId: string, now: number): Promise<Competition> {
  const { competition } = await updateCompetition(kv, id, now, "status", (current) => {
    assertCreatorBeforeStart(current, userId, now, "cancel");
    if (current.seasonId) {
      // Its prize is part of its season's payment: only the season refunds it (`lib/seasons/cancelling.ts`).
      throw new ConflictError("This competition is a round of a season; cancel its rounds from the season's page.");
    }
    return { ...current, status: "CANCELLED", cancelledAt: new Date(now).toISOString(), cancelReason: "creator" };
  });
  return competition;
}
