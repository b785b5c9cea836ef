/**
 * The creator's review of held and flagged orders: the decision on one order
 * and the reminder before the settlement window closes (the list is
 * `flag_list.ts`).
 *
 * A decision is taken once. It is one atomic commit, through the same group
 * commit and the same `StoreBook.place` as the order's deliveries: the
 * decision stored on the order, what the order adds, the store's sums, its
 * leaderboard row, the customer's ledger, the change key (the board moves
 * live) and the audit entry beside disqualifications. A repeat of the same
 * decision answers the same state; a different one is refused, as is any
 * decision once the results are final. Undecided held orders simply stay
 * out: settlement waits for nothing.
 */
import { keys } from "../core/db.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../core/errors.ts";
import { groupCommitterOf } from "../core/group_commit.ts";
import type { Competition } from "./competitions.ts";
import { type AuditEntry, MAX_REASON_LENGTH } from "./disqualification.ts";
import { appText, fact, type NotificationSender, notify, quoted, TIME_MARK } from "./notifications.ts";
import { managePath } from "./creator_notices.ts";
import { textProblem } from "../core/text.ts";
import { StoreBook } from "./order_book.ts";
import type { Decision } from "./order_rules.ts";
import type { Participant } from "./participants.ts";
import type { StoredOrder } from "./stored_order.ts";
import { type FlagView, flagView, listFlagEntries } from "./flag_list.ts";

/** Whether the creator may still decide on held and flagged orders: until the results are final. */
export function decisionsOpen(competition: Pick<Competition, "status" | "resultsFrozenAt">): boolean {
  return competition.status !== "COMPLETED" && !competition.resultsFrozenAt;
}

/** A decision request as the API receives it. */
export interface DecisionRequest {
  competitionId: string;
  flagId: string;
  /** The caller (undefined: signed out); only the creator decides, anyone else gets the 404 of an unknown flag. */
  userId: string | undefined;
  /** Operators may read the flags but not decide (told so rather than 404). */
  isOperator: boolean;
  body: unknown;
  now: number;
  sendNotification?: NotificationSender;
}

/** What a decision did: taken now, or the same one already taken (the answer is the same state). */
export type DecisionOutcome = { result: "decided" | "unchanged"; flag: FlagView };

type TaskOutcome =
  | { result: "decided" | "unchanged"; competition: Competition; participant: Participant; order: StoredOrder }
  | { result: "not_found" | "forbidden" | "final" | "decided_otherwise" | "voided"; detail?: string };

/** `{decision, note?}`, checked: the decision is `count` or `exclude`, the note text of at most 500 characters. */
function readDecision(body: unknown): { decision: Decision; note?: string } {
  const input = typeof body === "object" && body !== null && !Array.isArray(body)
    ? body as Record<string, unknown>
    : {};
  if (input.decision !== "count" && input.decision !== "exclude") {
    throw new ValidationError([{ path: "decision", message: "Decide count or exclude." }]);
  }
  if (input.note !== undefined && typeof input.note !== "string") {
    throw new ValidationError([{ path: "note", message: "The note must be text." }]);
  }
  const note = input.note?.trim();
  if (note && textProblem(note, { multiline: true })) {
    throw new ValidationError([{
      path: "note",
      message: "The note cannot hold control characters or characters that reverse the text.",
    }]);
  }
  if (note && note.length > MAX_REASON_LENGTH) {
    throw new ValidationError([{
      path: "note",
      message: `Keep the note to ${MAX_REASON_LENGTH} characters or fewer.`,
    }]);
  }
  return { decision: input.decision, ...(note ? { note } : {}) };
}

/** `participantId.orderId` → its parts, or undefined when it cannot be a flag id. */
function parseFlagId(flagId: string): { participantId: string; orderId: string } | undefined {
  const match = /^([0-9a-z]{1,40})\.([0-9A-Za-z_-]{1,64})$/.exec(flagId);
  return match ? { participantId: match[1], orderId: match[2] } : undefined;
}

/**
 * Applies the creator's decision on one flagged order (see the module
 * comment). Throws `ValidationError`, `NotFoundError`, `ForbiddenError` or
 * `ConflictError` with the sentence to show.
 */
export async function decideFlag(kv: Deno.Kv, request: DecisionRequest): Promise<DecisionOutcome> {
  const { competitionId, flagId, userId, now } = request;
  const wanted = readDecision(request.body);
  const ids = parseFlagId(flagId);
  if (!ids) throw new NotFoundError("There is no such flag in this competition.");
  const orderKey = keys.order(ids.participantId, ids.orderId);
  const outcome = await groupCommitterOf(kv).submit<TaskOutcome>({
    reads: [keys.competition(competitionId), keys.participant(ids.participantId), orderKey],
    run: async (tx) => {
      const competition = await tx.get<Competition>(keys.competition(competitionId));
      if (!competition) return { result: "not_found" };
      if (userId === undefined || competition.creatorId !== userId) {
        return { result: request.isOperator ? "forbidden" : "not_found" };
      }
      const participant = await tx.get<Participant>(keys.participant(ids.participantId));
      const order = await tx.get<StoredOrder>(orderKey);
      if (!participant || participant.competitionId !== competitionId || !order?.flag) return { result: "not_found" };
      if (!decisionsOpen(competition)) return { result: "final" };
      if (order.decision) {
        return order.decision.decision === wanted.decision
          ? { result: "unchanged", competition, participant, order }
          : { result: "decided_otherwise", detail: order.decision.decision };
      }
      if (wanted.decision === "count" && order.payment === "voided") return { result: "voided" };
      const at = new Date(now).toISOString();
      const decided: StoredOrder = { ...order, decision: { ...wanted, at, by: competition.creatorId } };
      const book = new StoreBook(tx, participant, competition);
      const placed = await book.place(ids.orderId, order, decided, now);
      await book.refill(ids.orderId, now);
      const after = book.finish(now, now);
      const entry: AuditEntry = {
        id: flagId,
        at,
        by: competition.creatorId,
        action: wanted.decision === "count" ? "order_counted" : "order_excluded",
        participantId: participant.id,
        displayName: participant.displayName,
        shop: participant.shop,
        reason: wanted.note ?? "",
        orderId: ids.orderId,
        flagReason: order.flag.reason,
      };
      tx.set(keys.auditEntry(competitionId, now, flagId), entry);
      return { result: "decided", competition, participant: after, order: placed };
    },
  });
  switch (outcome.result) {
    case "decided":
    case "unchanged":
      if (outcome.result === "decided") await notifyDecision(kv, outcome, request);
      return {
        result: outcome.result,
        flag: flagView(outcome.competition, outcome.participant, ids.orderId, outcome.order),
      };
    case "forbidden":
      throw new ForbiddenError("Only the creator decides on held and flagged orders.");
    case "final":
      throw new ConflictError("The results of this competition are final; its orders can no longer be decided.");
    case "decided_otherwise":
      throw new ConflictError(
        `This order was already ${outcome.detail === "count" ? "counted" : "excluded"}; a decision is taken once.`,
      );
    case "voided":
      throw new ConflictError("This order's payment was voided: no money was taken, so it cannot count.");
    default:
      throw new NotFoundError("There is no such flag in this competition.");
  }
}

/** Tells the store owner what the creator decided about one of their orders. */
async function notifyDecision(
  kv: Deno.Kv,
  decided: { competition: Competition; participant: Participant; order: StoredOrder },
  request: DecisionRequest,
): Promise<void> {
  const { competition, participant, order } = decided;
  const counted = order.decision?.decision === "count";
  await notify(
    kv,
    {
      dedupeKey: `flag_decided:${request.competitionId}:${request.flagId}`,
      userId: participant.userId,
      kind: counted ? "order_counted" : "order_excluded",
      competitionId: competition.id,
      title: appText`${quoted(competition.title, 40)}: the competition's creator ${
        fact(counted ? "counted" : "excluded")
      } order ${fact(order.name ?? `#${request.flagId.split(".")[1]}`)}`,
      body: order.decision?.note
        ? appText`The competition's creator's note: ${quoted(order.decision.note, MAX_REASON_LENGTH)}`
        : counted
        ? appText`It now counts toward your total.`
        : appText`It no longer counts toward your total.`,
    },
    request.now,
    request.sendNotification,
  );
}

/** How long before the results freeze the creator is reminded of undecided orders (or at the end, if later). */
export const REVIEW_REMINDER_MS = 24 * 3600_000;

/**
 * Reminds the creator, once, of the orders still waiting for a decision
 * while there is time to decide: from a day before the settlement window
 * closes (or from the end, when the window is shorter). Held orders nobody
 * decided stay out when it closes; flagged orders keep counting. Returns
 * whether it sent the reminder. A plain function of the clock: the status
 * job calls it for settling competitions.
 */
export async function remindUndecidedFlags(
  kv: Deno.Kv,
  competition: Competition,
  now: number,
  send?: NotificationSender,
): Promise<boolean> {
  if (competition.status !== "SETTLING" || !competition.settlesAt || competition.resultsFrozenAt) return false;
  const settlesAt = Date.parse(competition.settlesAt);
  if (now >= settlesAt || now < Math.max(Date.parse(competition.endDate), settlesAt - REVIEW_REMINDER_MS)) {
    return false;
  }
  const dedupeKey = `orders_to_review:${competition.id}`;
  if ((await kv.get(keys.notificationSent(dedupeKey))).value !== null) return false;
  // A voided order is out for good: nothing to decide that would change the result.
  const open = (await listFlagEntries(kv, competition.id)).filter(({ state }) =>
    state.status === "open" && state.reason !== "voided"
  );
  if (open.length === 0) return false;
  const held = open.filter(({ state }) => state.held).length;
  const flagged = open.length - held;
  const parts = [
    held ? `${held} held order${held === 1 ? "" : "s"} will stay out unless you count them` : "",
    flagged ? `${flagged} flagged order${flagged === 1 ? "" : "s"} will keep counting unless you exclude them` : "",
  ].filter(Boolean);
  const sent = await notify(
    kv,
    {
      dedupeKey: `orders_to_review:${competition.id}`,
      userId: competition.creatorId,
      kind: "orders_to_review",
      competitionId: competition.id,
      path: managePath(competition.id),
      title: appText`${quoted(competition.title, 40)}: ${fact(open.length)} order${
        fact(open.length === 1 ? "" : "s")
      } to review before the results freeze (${fact(TIME_MARK)})`,
      body: appText`When the results freeze (${fact(TIME_MARK)}), ${
        fact(parts.join(", and "))
      }. Decide on the manage page.`,
      at: new Date(settlesAt).toISOString(),
    },
    now,
    send,
  );
  return sent !== null;
}
