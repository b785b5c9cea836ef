/**
 * A store's division as its owner and the creator read it, apart from the
 * tabs: "Your store" (inside the owner's island) shows it, so it carries
 * only the money formatting, not the divisions' rules.
 */
import type { Competition } from "../lib/competitions/competitions.ts";
import { formatMoney } from "../lib/core/money.ts";

/**
 * A store's division for its owner and the creator: its name and the 30-day
 * sales that placed it (a figure: never shown to others), or when it will be
 * placed. Nothing without divisions.
 */
export function DivisionPlacement(
  props: {
    competition: Pick<Competition, "divisions" | "currency" | "startDate">;
    participant: { division?: number | null; divisionBaseline?: number };
    now: number;
  },
) {
  const { competition, participant } = props;
  if (participant.division === undefined || !competition.divisions?.length) return null;
  if (participant.division === null) {
    return (
      <span class="muted">
        {props.now < Date.parse(competition.startDate) ? "placed at the start" : "placing…"}
      </span>
    );
  }
  return (
    <span>
      {competition.divisions[participant.division - 1]?.name}
      {participant.divisionBaseline !== undefined && (
        <span class="muted">
          {` (placed by ${formatMoney(participant.divisionBaseline, competition.currency)} of sales)`}
        </span>
      )}
    </span>
  );
}
