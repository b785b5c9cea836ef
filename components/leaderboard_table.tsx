/**
 * The leaderboard table, pure: the server renders it for finished
 * competitions and the live island renders it for running ones.
 */
import type { BoardEntry } from "../lib/competitions/privacy.ts";
import type { Metric } from "../lib/competitions/input.ts";
import { formatMoney, parseMoney } from "../lib/core/money.ts";
import { formatDecimalMoney, ordinal } from "./format.ts";

/** How a row's rank just moved, for the highlight animation. */
export type RankMove = "up" | "down";

/** Props of {@link LeaderboardTable}. */
export interface LeaderboardTableProps {
  entries: BoardEntry[];
  /** Rows whose rank just changed, by participant id. */
  moves?: Record<string, RankMove>;
  caption?: string;
  /** The signed-in owner's store: its row is marked "You", with the gap to the place above. */
  youParticipantId?: string;
  /** What the competition ranks by (default revenue): the value column follows it. */
  metric?: Metric;
}

/**
 * How far `entries[index]` is behind the entry above it, formatted, or
 * undefined for the leader.
 * @example gapToPlaceAbove(entries, 1) // "$12.50"
 */
export function gapToPlaceAbove(entries: BoardEntry[], index: number): string | undefined {
  if (index <= 0 || index >= entries.length) return undefined;
  const { currency, revenue } = entries[index];
  const above = entries[index - 1].revenue;
  // Under privacy mode the store above keeps its figure to itself: no gap to show.
  if (revenue === undefined || above === undefined) return undefined;
  const gap = parseMoney(above, currency) - parseMoney(revenue, currency);
  return formatMoney(gap, currency);
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
  const { entries, moves = {}, metric = "revenue" } = props;
  const prizes = entries.some((entry) => entry.prize !== undefined);
  const columns = 3 + (metric === "revenue" ? 0 : 1) + (prizes ? 1 : 0);
  // Before the first counted order everyone is on zero: no ranks to show yet.
  const anyOrder = entries.some((entry) => (entry.orders ?? 0) > 0 || (entry.share ?? 0) > 0);
  return (
    <table class={anyOrder ? "leaderboard leaderboard-ranked" : "leaderboard"}>
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
                {entry.shop && <span class="store-shop muted">{entry.shop}</span>}
                {!entry.connected && <span class="tag tag-warning">store disconnected</span>}
              </th>
              {metric === "growth" && <td class="num value">{entry.value ?? "–"}</td>}
              <td class="num revenue">
                {entry.revenue !== undefined && formatDecimalMoney(entry.revenue, entry.currency)}
                {entry.share !== undefined && <ShareOfLeader share={entry.share} />}
              </td>
              <td class={metric === "orders" ? "num value" : "num hide-narrow"}>{entry.orders ?? "–"}</td>
              {prizes && (
                <td class="num prize">
                  {entry.prize !== undefined ? formatDecimalMoney(entry.prize, entry.currency) : ""}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
