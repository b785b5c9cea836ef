/**
 * A competition's divisions as tabs: one link per division (`?division=<n>`,
 * so they work without JavaScript), the viewer's own store's division first
 * and marked, then which stores the shown division takes and what it pays,
 * and the stores not placed in a division yet. The competition page and the
 * manage page show it above the board.
 */
import { endSentence } from "./page_text.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import { divisionRange, divisionsInTabOrder } from "../lib/competitions/divisions.ts";
import { describeSplit, prizeSplitOf } from "../lib/competitions/prize_split.ts";
import { formatMoney } from "../lib/core/money.ts";

/** Props of {@link DivisionTabs}. */
export interface DivisionTabsProps {
  competition: Pick<Competition, "divisions" | "currency" | "startDate">;
  /** The division whose board is shown. */
  shown: number;
  /** The viewer's own store's division, when placed. */
  own?: number | null;
  /** The page the tabs link to, e.g. `/competitions/<id>`. */
  path: string;
  /** The stores not placed in a division yet (names only). */
  unplaced: { participantId: string; displayName: string }[];
  now: number;
}

/** `<DivisionTabs competition={c} shown={1} own={2} path={`/competitions/${c.id}`} unplaced={[]} now={now} />` */
export function DivisionTabs(props: DivisionTabsProps) {
  const { competition, shown } = props;
  const divisions = competition.divisions ?? [];
  const division = divisions[shown - 1];
  if (!division) return null;
  const started = props.now >= Date.parse(competition.startDate);
  return (
    <div class="divisions">
      <nav class="tabs division-tabs" aria-label="Divisions">
        {divisionsInTabOrder(competition, props.own).map(({ number, division }) => (
          <a
            key={number}
            href={`${props.path}?division=${number}`}
            aria-current={number === shown ? "page" : undefined}
          >
            {division.name}
            {number === props.own && <span class="tag tag-ok">Yours</span>}
          </a>
        ))}
      </nav>
      <p class="division-facts">
        <strong>{division.name}</strong>: {divisionRange(divisions, shown, competition.currency)} before the start.{" "}
        Prize {formatMoney(division.prize, competition.currency)}
        {prizeSplitOf(division).length > 1 &&
          ` (${describeSplit(division.prize, prizeSplitOf(division), competition.currency)})`}.
      </p>
      {props.unplaced.length > 0 && (
        <p class="muted division-unplaced">
          {started
            ? "Placing… (each store's division is set from its last 30 days of sales at its first sync): "
            : "Placed in their divisions at the start, from their sales over the 30 days before it: "}
          {endSentence(props.unplaced.map((store) => store.displayName).join(", "))}
        </p>
      )}
    </div>
  );
}
