/**
 * The leaderboard table, pure: the server renders it for finished
 * competitions and the live island renders it for running ones.
 */
import type { BoardEntry } from "../lib/competitions/privacy.ts";
import { formatDecimalMoney } from "./format.ts";

/** How a row's rank just moved, for the highlight animation. */
export type RankMove = "up" | "down";

/** Props of {@link LeaderboardTable}. */
export interface LeaderboardTableProps {
  entries: BoardEntry[];
  /** Rows whose rank just changed, by participant id. */
  moves?: Record<string, RankMove>;
  caption?: string;
}

/** A store's part of the leader's figure (privacy mode): a bar and its percentage, never the figure. */
export function ShareOfLeader(props: { share: number }) {
  const percent = Math.round(props.share * 100);
  return (
    <span class="share">
      <meter class="share-bar" min={0} max={1} value={props.share} aria-label={`${percent}% of the leader`} />
      <span class="share-percent">{percent}%</span>
    </span>
  );
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
            <td class="num revenue">
              {entry.revenue !== undefined && formatDecimalMoney(entry.revenue, entry.currency)}
              {entry.share !== undefined && <ShareOfLeader share={entry.share} />}
            </td>
            <td class="num hide-narrow">{entry.orders ?? "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
