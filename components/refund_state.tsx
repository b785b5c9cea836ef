/**
 * A refund as the Whop integration records it (`lib/whop/refunds.ts`), shown
 * for people: done only when Whop reported it succeeded; a failed or
 * canceled attempt shows as not done, with why and when it is tried again.
 */
import type { Refund } from "../lib/whop/refunds.ts";
import { formatMoney } from "../lib/core/money.ts";
import { LocalTimeIsland } from "./island_wrappers.ts";

/** The fields of the refund record this line reads. */
export type RefundStateRecord = Pick<
  Refund,
  | "state"
  | "amount"
  | "currency"
  | "reason"
  | "refundId"
  | "lastError"
  | "nextAttemptAt"
  | "gaveUp"
  | "waitingSince"
  | "attempts"
>;

const REASONS: Record<Refund["reason"], string> = {
  cancelled: "the competition was cancelled",
  no_winner: "no store won",
  cannot_fund: "the payment could not fund the prize",
  rounds_cancelled: "the rounds not yet started were cancelled",
};

/** What the refund's badge says and how it looks. */
function label(refund: RefundStateRecord): { text: string; tag: string } {
  if (refund.state === "sent") return { text: "Refunded", tag: "ok" };
  if (refund.state === "failed") return { text: "Refund not done", tag: "warning" };
  if (refund.waitingSince) return { text: "Refund pending at Whop", tag: "neutral" };
  return { text: "Refund requested", tag: "neutral" };
}

/** `<RefundState refund={record} />`: one line per refund. */
export function RefundState(props: { refund: RefundStateRecord }) {
  const { refund } = props;
  const { text, tag } = label(refund);
  const amount = refund.amount !== null && refund.currency ? formatMoney(refund.amount, refund.currency) : "A payment";
  return (
    <span class={`refund refund-${refund.state}`}>
      {amount} because {REASONS[refund.reason]}: <span class={`tag tag-${tag}`}>{text}</span>
      {refund.refundId && <span class="muted">refund {refund.refundId}</span>}
      {refund.state === "failed" && refund.lastError && <span class="field-error">{refund.lastError}</span>}
      {refund.state !== "sent" && (refund.gaveUp
        ? <span class="field-error">Retrying cannot fix this; the operators have been told.</span>
        : refund.nextAttemptAt && (
          <span class="muted">
            — next try <LocalTimeIsland iso={refund.nextAttemptAt} />
          </span>
        ))}
    </span>
  );
}
