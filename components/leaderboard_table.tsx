/**
 * The leaderboard table, pure: the server renders it for finished
 * competitions and the live island renders it for running ones.
 */
import type { LeaderboardEntry } from "../lib/competitions/leaderboard.ts";
import type { Metric } from "../lib/competitions/input.ts";
import { formatDecimalMoney } from "./format.ts";

/** How a row's rank just moved, for the highlight animation. */
export type RankMove = "up" | "down";

/** Props of {@link LeaderboardTable}. */
export interface LeaderboardTableProps {
  entries: LeaderboardEntry[];
  /** Rows whose rank just changed, by participant id. */
  moves?: Record<string, RankMove>;
  caption?: string;
  /** What the competition ranks by (default revenue): the value column follows it. */
  metric?: Metric;
}

/** Rows keyed by participant id, each with `data-participant-id` for animations and tests. */
export function LeaderboardTable(props: LeaderboardTableProps) {
  const { entries, moves = {}, metric = "revenue" } = props;
  const prizes = entries.some((entry) => entry.prize !== undefined);
  const columns = 3 + (metric === "revenue" ? 0 : 1) + (prizes ? 1 : 0);
  return (
    <table class="leaderboard">
      <caption>{props.caption ?? "Leaderboard"}</caption>
      <thead>
        <tr>
          <th scope="col" class="rank">#</th>
          <th scope="col">Store</th>
          {metric === "growth" && <th scope="col" class="num">Growth</th>}
          <th scope="col" class="num">Revenue</th>
          <th scope="col" class={metric === "orders" ? "num" : "num hide-narrow"}>Orders</th>
          {prizes && <th scope="col" class="num">Prize</th>}
        </tr>
      </thead>
      <tbody>
        {entries.length === 0 && (
          <tr>
            <td colSpan={columns} class="muted">No stores have joined yet.</td>
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
            {metric === "growth" && <td class="num value">{entry.value}</td>}
            <td class="num revenue">{formatDecimalMoney(entry.revenue, entry.currency)}</td>
            <td class={metric === "orders" ? "num value" : "num hide-narrow"}>{entry.orders}</td>
            {prizes && (
              <td class="num prize">
                {entry.prize !== undefined ? formatDecimalMoney(entry.prize, entry.currency) : ""}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
