/** A competition's status as a small coloured label. */
import type { CompetitionStatus } from "../lib/competitions/competitions.ts";

const LABELS: Record<CompetitionStatus, string> = {
  DRAFT: "Draft",
  UPCOMING: "Upcoming",
  ACTIVE: "Live",
  SETTLING: "Settling",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
};

/** The status label, e.g. `<StatusBadge status="ACTIVE" />` renders "Live". */
export function StatusBadge(props: { status: CompetitionStatus }) {
  return <span class={`badge badge-${props.status.toLowerCase()}`}>{LABELS[props.status]}</span>;
}
