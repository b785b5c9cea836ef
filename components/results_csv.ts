/**
 * The results export as CSV (`lib/web/csv.ts`), for the creator's
 * spreadsheet: the board (`…/results.csv`) and every store's orders
 * (`…/orders.csv`), in the words the manage page uses, money as decimal
 * strings beside their currency, times in UTC (ISO 8601), which every
 * spreadsheet reads.
 */
import type { Competition } from "../lib/competitions/competitions.ts";
import type { BoardLine, StoreOrders } from "../lib/competitions/results_export.ts";
import { toDecimalString } from "../lib/core/money.ts";
import { csvDocument } from "../lib/web/csv.ts";
import { FLAG_LABELS } from "./flag_reasons.ts";
import { METRIC_LABELS } from "./page_text.ts";
import { PAYOUT_LABELS } from "./payout_state.tsx";
import { countsText } from "./your_orders.tsx";

/** A download: its file name and its text. */
export interface CsvFile {
  filename: string;
  csv: string;
}

/** `holiday-cup-results-final.csv`: the title in ASCII letters and digits, what it holds, final or provisional. */
function fileName(competition: Competition, what: string): string {
  const slug = competition.title.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")
    .slice(0, 60) || "competition";
  return `${slug}-${what}-${competition.status === "COMPLETED" ? "final" : "provisional"}.csv`;
}

/** The board as CSV: one row per store, ranked, then the disqualified ones. */
export function boardCsv(competition: Competition, board: BoardLine[]): CsvFile {
  const metric = competition.metric ?? "revenue";
  const ranked = metric !== "revenue";
  const header = [
    "Rank",
    "Place",
    "Store",
    "Shop",
    ...(ranked ? [METRIC_LABELS[metric]] : []),
    "Revenue",
    "Currency",
    "Counted orders",
    "Held orders",
    "Excluded orders",
    "Reached its total at (UTC)",
    "Last order at (UTC)",
    competition.status === "COMPLETED" ? "Prize" : "Prize if it ended now",
    "Payout",
    "Whop transfer",
    "Disqualified because",
  ];
  const rows = board.map((line) => [
    line.rank,
    line.place,
    line.displayName,
    line.shop,
    ...(ranked ? [line.value] : []),
    line.revenue,
    competition.currency,
    line.counted,
    line.held,
    line.excluded,
    line.reachedAt,
    line.lastOrderAt,
    line.prize,
    line.payout && PAYOUT_LABELS[line.payout.state],
    line.payout?.transferId,
    line.disqualified,
  ]);
  return { filename: fileName(competition, "results"), csv: csvDocument(header, rows) };
}

/** Every store's orders as CSV: one row per order, stores in the board's order, each store's oldest first. */
export function ordersCsv(competition: Competition, stores: StoreOrders[]): CsvFile {
  const { currency } = competition;
  const header = [
    "Store",
    "Shop",
    "Order",
    "Placed at (UTC)",
    "Counts?",
    "Adds",
    "Order total",
    "Currency",
    "Held or flagged for",
    "Creator's decision",
    "Creator's note",
  ];
  const rows = stores.flatMap((store) =>
    store.orders.map((order) => [
      store.displayName,
      store.shop,
      `#${order.orderId}`,
      order.createdAt,
      countsText(order),
      toDecimalString(order.amount, currency),
      toDecimalString(order.total ?? order.amount, currency),
      currency,
      order.review && FLAG_LABELS[order.review.reason],
      order.review?.decision === "count" ? "counted" : order.review?.decision === "exclude" ? "excluded" : undefined,
      order.review?.note,
    ])
  );
  return { filename: fileName(competition, "orders"), csv: csvDocument(header, rows) };
}
