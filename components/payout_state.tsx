/**
 * A competition's payout as the Whop integration records it
 * (`lib/whop/payouts.ts`), shown for people: every state of the real record,
 * with the reason of a failure and when the next try is due. A payout
 * waiting for Whop to clear the funds says so, and says when it was flagged
 * to the operators.
 */
import type { Payout } from "../lib/whop/payouts.ts";
import type { Winner } from "../lib/competitions/competitions.ts";
import { ordinal } from "../lib/competitions/input.ts";
import { LocalTimeIsland } from "./island_wrappers.ts";

/** The fields of the payout record this badge reads. */
export type PayoutStateRecord = Pick<
  Payout,
  "state" | "attempts" | "transferId" | "lastError" | "nextAttemptAt" | "gaveUp" | "waitingSince" | "flaggedAt"
>;

const LABELS: Record<Payout["state"], string> = {
  pending: "Payout pending",
  sending: "Sending payout",
  sent: "Paid out",
  failed: "Payout failed",
};

const TAGS: Record<Payout["state"], string> = {
  pending: "neutral",
  sending: "neutral",
  sent: "ok",
  failed: "warning",
};

/** `<PayoutState payout={record} />`; "Not started" when there is no record yet. */
export function PayoutState(props: { payout: PayoutStateRecord | null }) {
  const { payout } = props;
  if (!payout) return <span class="muted">Not started</span>;
  if (payout.state === "pending" && payout.waitingSince) {
    return (
      <span class="payout payout-waiting">
        <span class="tag tag-neutral">Waiting for funds to clear</span>
        {payout.nextAttemptAt && (
          <span class="muted">
            — next try <LocalTimeIsland iso={payout.nextAttemptAt} />
          </span>
        )}
        {payout.flaggedAt && (
          <span class="field-error">
            Waiting since <LocalTimeIsland iso={payout.waitingSince} />; flagged to the operators{" "}
            <LocalTimeIsland iso={payout.flaggedAt} />.
          </span>
        )}
      </span>
    );
  }
  return (
    <span class={`payout payout-${payout.state}`}>
      <span class={`tag tag-${TAGS[payout.state]}`}>{LABELS[payout.state]}</span>
      {payout.transferId && <span class="muted">transfer {payout.transferId}</span>}
      {payout.state === "failed" && payout.lastError && <span class="field-error">{payout.lastError}</span>}
      {payout.state === "failed" && (payout.gaveUp
        ? <span class="field-error">Retrying cannot fix this; the operators have been told.</span>
        : payout.nextAttemptAt && (
          <span class="muted">
            next try <LocalTimeIsland iso={payout.nextAttemptAt} />
          </span>
        ))}
      {payout.attempts > 1 && <span class="muted">{payout.attempts} attempts</span>}
    </span>
  );
}

/**
 * Whom a payout pays, for the pages: "2nd place: Store B" ("Rising, 2nd
 * place: Store B" with divisions), or "Unearned places, back to you" for the
 * creator's return.
 */
export function payoutLabel(
  payout: Pick<Payout, "place" | "division" | "divisionName">,
  places: Pick<Winner, "place" | "displayName" | "division">[],
): string {
  const place = payout.place ?? 1;
  if (place === "creator") return "Unearned places, back to you";
  const holder = places.find((p) => (p.place ?? 1) === place && p.division === payout.division);
  const division = payout.divisionName ? `${payout.divisionName}, ` : "";
  return `${division}${ordinal(place)} place${holder ? `: ${holder.displayName}` : ""}`;
}
