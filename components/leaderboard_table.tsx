/**
 * The leaderboard table, pure: the server renders it for finished
 * competitions and the live island renders it for running ones.
 */
import type { LeaderboardEntry } from "../lib/competitions/leaderboard.ts";
import { formatDecimalMoney } from "./format.ts";

/** How a row's rank just moved, for the highlight animation. */
export type RankMove = "up" | "down";

/** Props of {@link LeaderboardTable}. */
export interface LeaderboardTableProps {
  entries: LeaderboardEntry[];
  /** Rows whose rank just changed, by participant id. */
  moves?: Record<string, RankMove>;
  caption?: string;
}

/** Rows keyed by participant id, each with `data-participant-id` for animations and tests. */
export function LeaderboardTable(props: LeaderboardTableProps) {
  const { entries, moves = {} } = props;
  return (
    <table class="leaderboard">
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
        {entries.map((entry) => (
          <tr
            key={entry.participantId}
            data-participant-id={entry.participantId}
            class={moves[entry.participantId] ? `row-${moves[entry.participantId]}` : undefined}
          >
            <td class="rank">{entry.rank}</td>
            <th scope="row" class="store">
              <span class="store-name">{entry.displayName}</span>
              <span class="store-shop muted">{entry.shop}</span>
              {!entry.connected && <span class="tag tag-warning">store disconnected</span>}
            </th>
            <td class="num revenue">{formatDecimalMoney(entry.revenue, entry.currency)}</td>
            <td class="num hide-narrow">{entry.orders}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
