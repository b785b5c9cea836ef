/**
 * Disqualification: the creator takes a store out of the ranking (its orders
 * stay stored, its total keeps following them) with a public reason, until
 * the results freeze; undoing it puts the store back. Each action is one
 * atomic commit — the participant, its leaderboard row moved out of (or back
 * into) the ranking, an audit entry and the change key — checked against the
 * competition record, so it cannot slip in after settlement froze the
 * results. The store owner is told.
 */
import { bumpChange, commit, keys, newId } from "../core/db.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../core/errors.ts";
import { textProblem } from "../core/text.ts";
import type { Competition } from "./competitions.ts";
import { leaderboardKey, leaderboardRow, type Participant } from "./participants.ts";
import { appText, type NotificationSender, notify, quoted } from "./notifications.ts";
import type { FlagReason } from "./order_rules.ts";

/** One logged action of the creator on the manage page: on a store, or on one of its orders (`flags.ts`). */
export interface AuditEntry {
  id: string;
  at: string;
  /** The Whop user who acted. */
  by: string;
  action: "disqualified" | "reinstated" | "order_counted" | "order_excluded";
  participantId: string;
  displayName: string;
  shop: string;
  /** The public reason (disqualification), or the note (reinstatement, a decision on an order). */
  reason: string;
  /** The order decided on (order actions). */
  orderId?: string;
  /** Why that order was held or flagged (order actions). */
  flagReason?: FlagReason;
}

/** The longest reason kept. */
export const MAX_REASON_LENGTH = 500;

/** A written reason: required, trimmed, at most {@link MAX_REASON_LENGTH} characters. */
function checkReason(reason: unknown, required: boolean): string {
  const text = typeof reason === "string" ? reason.trim() : "";
  if (required && text.length < 3) {
    throw new ValidationError([{ path: "reason", message: "Give the reason, shown publicly, in a few words." }]);
  }
  if (text.length > MAX_REASON_LENGTH) {
    throw new ValidationError([{
      path: "reason",
      message: `Keep the reason to ${MAX_REASON_LENGTH} characters or fewer.`,
    }]);
  }
  const problem = textProblem(text, { multiline: true });
  if (problem) {
    throw new ValidationError([{
      path: "reason",
      message: problem === "control"
        ? "The reason cannot hold control characters."
        : "The reason cannot hold characters that reverse the text's direction.",
    }]);
  }
  return text;
}

/**
 * Whether the creator can still take stores out of the ranking or put them
 * back: the competition is funded and its results are not yet frozen.
 */
export function canChangeRanking(competition: Pick<Competition, "status" | "resultsFrozenAt">): boolean {
  return (competition.status === "UPCOMING" || competition.status === "ACTIVE" || competition.status === "SETTLING") &&
    !competition.resultsFrozenAt;
}

/** What a disqualify or reinstate call changes. */
export interface DisqualifyRequest {
  competitionId: string;
  participantId: string;
  /** The caller; only the creator may act. */
  userId: string;
  action: "disqualified" | "reinstated";
  reason?: unknown;
  now: number;
  sendNotification?: NotificationSender;
}

/**
 * Disqualifies a store (a reason is required) or reinstates it. Creator
 * only; until the results freeze. Doing what is already done changes
 * nothing. Throws `ValidationError`, `ForbiddenError`, `NotFoundError` or
 * `ConflictError` with the sentence to show.
 */
export async function setDisqualification(kv: Deno.Kv, request: DisqualifyRequest): Promise<Participant> {
  const { competitionId, participantId, userId, action, now } = request;
  const reason = checkReason(request.reason, action === "disqualified");
  for (;;) {
    const [competitionEntry, participantEntry] = await kv.getMany<[Competition, Participant]>([
      keys.competition(competitionId),
      keys.participant(participantId),
    ]);
    const competition = competitionEntry.value;
    const participant = participantEntry.value;
    if (!competition) throw new NotFoundError("There is no competition with that id.");
    if (competition.creatorId !== userId) {
      throw new ForbiddenError("Only the creator can disqualify or reinstate a store in this competition.");
    }
    if (!participant || participant.competitionId !== competitionId) {
      throw new NotFoundError("There is no such store in this competition.");
    }
    if (!canChangeRanking(competition)) {
      throw new ConflictError(
        competition.status === "COMPLETED" || competition.resultsFrozenAt
          ? "The results of this competition are final; its stores can no longer change."
          : `This competition is ${competition.status.toLowerCase()}; there is no ranking to change.`,
      );
    }
    if ((action === "disqualified") === Boolean(participant.disqualified)) return participant;
    const at = new Date(now).toISOString();
    const next: Participant = action === "disqualified"
      ? { ...participant, disqualified: { reason, by: userId, at } }
      : { ...participant, disqualified: undefined };
    const entry: AuditEntry = {
      id: newId(now),
      at,
      by: userId,
      action,
      participantId,
      displayName: participant.displayName,
      shop: participant.shop,
      reason: action === "disqualified" ? reason : (reason || participant.disqualified!.reason),
    };
    const result = await commit(() =>
      bumpChange(
        kv.atomic().check(competitionEntry, participantEntry)
          .set(keys.participant(participantId), next)
          .delete(leaderboardKey(participant))
          .set(leaderboardKey(next), leaderboardRow(next))
          .set(keys.auditEntry(competitionId, now, entry.id), entry),
        competitionId,
        "leaderboard",
        now,
      )
    );
    if (!result.ok) continue;
    await notify(
      kv,
      {
        dedupeKey: `${action}:${competitionId}:${participantId}:${entry.id}`,
        userId: participant.userId,
        kind: action,
        competitionId,
        title: action === "disqualified"
          ? appText`${quoted(participant.displayName, 40)} was disqualified from ${quoted(competition.title, 40)}`
          : appText`${quoted(participant.displayName, 40)} is back in ${quoted(competition.title, 40)}`,
        body: action === "disqualified"
          ? appText`The competition's creator gave this reason, shown on the competition page: ${quoted(reason, 500)}`
          : appText`The competition's creator reinstated your store; it is ranked again.`,
      },
      now,
      request.sendNotification,
    );
    return next;
  }
}

/** The creator's logged actions on a competition, oldest first. */
export async function listAuditLog(kv: Deno.Kv, competitionId: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for await (const entry of kv.list<AuditEntry>({ prefix: keys.auditLog(competitionId) })) entries.push(entry.value);
  return entries;
}
