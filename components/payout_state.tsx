/** A competition's payout as the Whop integration records it, shown for people. */

/** The record at KV `["payouts", competitionId]`. */
export interface PayoutRecord {
  state: "pending" | "sent" | "failed";
  transferId?: string;
  error?: string;
  attempts: number;
}

const LABELS: Record<PayoutRecord["state"], string> = {
  pending: "Payout pending",
  sent: "Paid out",
  failed: "Payout failed",
};

/** `<PayoutState payout={record} />`; "Not started" when there is no record yet. */
export function PayoutState(props: { payout: PayoutRecord | null }) {
  const { payout } = props;
  if (!payout) return <span class="muted">Not started</span>;
  return (
    <span class={`payout payout-${payout.state}`}>
      <span class={`tag tag-${payout.state === "failed" ? "warning" : payout.state === "sent" ? "ok" : "neutral"}`}>
        {LABELS[payout.state]}
      </span>
      {payout.transferId && <span class="muted">transfer {payout.transferId}</span>}
      {payout.error && <span class="field-error">{payout.error}</span>}
      {payout.attempts > 1 && <span class="muted">{payout.attempts} attempts</span>}
    </span>
  );
}
