/**
 * The leaderboard table, pure: the server renders it for finished
 * competitions and the live island renders it for running ones. Beside each
 * store's figures it shows how many of its orders count, are held and were
 * excluded (never which customers): in the Orders column on wide screens,
 * under the store's name on phones, where that column is hidden.
 */
import type { BoardEntry } from "../lib/competitions/privacy.ts";
import type { Metric } from "../lib/competitions/input.ts";
import { formatMoney, parseMoney } from "../lib/core/money.ts";
import { formatDecimalMoney, ordinal } from "./format.ts";
import { ShareOfLeader } from "./share_of_leader.tsx";
import { Fragment } from "preact";

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

/**
 * A store's held and excluded orders in a few words, led by its counted
 * orders when `counted` is asked for and known; empty when there is nothing
 * to say.
 * @example orderCountParts({ counted: 12, held: 2, excluded: 0 }, true) // ["12 orders", "2 held"]
 */
export function orderCountParts(counts: BoardEntry["orderCounts"], counted: boolean): string[] {
  if (!counts) return [];
  const parts = [
    counted && counts.counted !== undefined && (counts.counted > 0 || counts.held + counts.excluded > 0)
      ? `${counts.counted} order${counts.counted === 1 ? "" : "s"}`
      : "",
    counts.held > 0 ? `${counts.held} held` : "",
    counts.excluded > 0 ? `${counts.excluded} excluded` : "",
  ];
  return parts.filter(Boolean);
}

/** The parts, "2 orders · 1 held", each kept on one line. */
function OrderCounts(props: { parts: string[]; narrowOnly?: boolean }) {
  if (props.parts.length === 0) return null;
  return (
    <span class={props.narrowOnly ? "order-counts narrow-only" : "order-counts"}>
      {props.parts.map((part, i) => (
        <Fragment key={part}>
          {i > 0 && " · "}
          <span>{part}</span>
        </Fragment>
      ))}
    </span>
  );
}

/** Rows keyed by participant id, each with `data-participant-id` for animations and tests. */
export function LeaderboardTable(props: LeaderboardTableProps) {
  const { entries, moves = {}, metric = "revenue" } = props;
  const prizes = entries.some((entry) => entry.prize !== undefined);
  const columns = 4 + (metric === "growth" ? 1 : 0) + (prizes ? 1 : 0);
  const anyHeld = entries.some((entry) => (entry.orderCounts?.held ?? 0) + (entry.orderCounts?.excluded ?? 0) > 0);
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
          const heldOrExcluded = orderCountParts(entry.orderCounts, false);
          const narrowCounts = metric === "orders" ? [] : orderCountParts(entry.orderCounts, true);
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
                <OrderCounts parts={narrowCounts} narrowOnly />
                {!entry.connected && <span class="tag tag-warning">store disconnected</span>}
              </th>
              {metric === "growth" && <td class="num value">{entry.value ?? "–"}</td>}
              <td class="num revenue">
                {entry.revenue !== undefined && formatDecimalMoney(entry.revenue, entry.currency)}
                {entry.share !== undefined && <ShareOfLeader share={entry.share} />}
              </td>
              <td class={metric === "orders" ? "num value" : "num hide-narrow"}>
                {entry.orders ?? "–"}
                <OrderCounts parts={heldOrExcluded} />
              </td>
              {prizes && (
                <td class="num prize">
                  {entry.prize !== undefined ? formatDecimalMoney(entry.prize, entry.currency) : ""}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
      {anyHeld && (
        <tfoot>
          <tr>
            <td colSpan={columns} class="counts-legend">
              Held: waiting for payment or for the creator's decision, not in the totals. Excluded: taken out by the
              creator. Each store sees why in its own orders.
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
