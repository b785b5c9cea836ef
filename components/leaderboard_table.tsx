/**
 * The leaderboard table, pure: the server renders it for finished
 * competitions and the live island renders it for running ones.
 */
import type { LeaderboardEntry } from "../lib/competitions/leaderboard.ts";
import { formatMoney, parseMoney } from "../lib/core/money.ts";
import { formatDecimalMoney, ordinal } from "./format.ts";

/** How a row's rank just moved, for the highlight animation. */
export type RankMove = "up" | "down";

/** Props of {@link LeaderboardTable}. */
export interface LeaderboardTableProps {
  entries: LeaderboardEntry[];
  /** Rows whose rank just changed, by participant id. */
  moves?: Record<string, RankMove>;
  caption?: string;
  /** The signed-in owner's store: its row is marked "You", with the gap to the place above. */
  youParticipantId?: string;
}

/**
 * How far `entries[index]` is behind the entry above it, formatted, or
 * undefined for the leader.
 * @example gapToPlaceAbove(entries, 1) // "$12.50"
 */
export function gapToPlaceAbove(entries: LeaderboardEntry[], index: number): string | undefined {
  if (index <= 0 || index >= entries.length) return undefined;
  const { currency } = entries[index];
  const gap = parseMoney(entries[index - 1].revenue, currency) - parseMoney(entries[index].revenue, currency);
  return formatMoney(gap, currency);
}

/** Rows keyed by participant id, each with `data-participant-id` for animations and tests. */
export function LeaderboardTable(props: LeaderboardTableProps) {
  const { entries, moves = {} } = props;
  // Before the first counted order everyone is on zero: no ranks to show yet.
  const anyOrder = entries.some((entry) => entry.orders > 0);
  return (
    <table class={anyOrder ? "leaderboard leaderboard-ranked" : "leaderboard"}>
      <caption>{props.caption ?? "Leaderboard"}</caption>
      <thead>
        <tr>
          <th scope="col" class="rank">#</th>
          <th scope="col">Store</th>
          <th scope="col" class="num">Revenue</th>
          <th scope="col" class="num hide-narrow">Orders</th>
        </tr>
      </thead>
      <tbody>
        {entries.length === 0 && (
          <tr>
            <td colSpan={4} class="muted">No stores have joined yet.</td>
          </tr>
        )}
        {entries.map((entry, index) => {
          const you = entry.participantId === props.youParticipantId;
          const gap = you ? gapToPlaceAbove(entries, index) : undefined;
          const classes = [moves[entry.participantId] && `row-${moves[entry.participantId]}`, you && "row-you"]
            .filter(Boolean).join(" ");
          return (
            <tr
              key={entry.participantId}
              data-participant-id={entry.participantId}
              class={classes || undefined}
            >
              <td class="rank">{anyOrder ? entry.rank : "–"}</td>
              <th scope="row" class="store">
                <span class="store-name">{entry.displayName}</span>
                {you && <strong class="you-tag">You</strong>}
                {gap && <span class="gap">{gap} behind {ordinal(entries[index - 1].rank)} place</span>}
                <span class="store-shop muted">{entry.shop}</span>
                {!entry.connected && <span class="tag tag-warning">store disconnected</span>}
              </th>
              <td class="num revenue">{formatDecimalMoney(entry.revenue, entry.currency)}</td>
              <td class="num hide-narrow">{entry.orders}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
