/**
 * Sentences more than one page says, written once: what each metric means
 * and how it is named (what a winner won with is `winner_figure.ts`, apart
 * so that only the live board's bundle carries it). Pure, so islands may
 * import it.
 */
import type { Metric } from "../lib/competitions/input.ts";

/** One sentence per metric, for the form and the competition page. */
export const METRIC_SENTENCES: Record<Metric, string> = {
  revenue: "Ranked by revenue: the sum of each store's counted orders in the window, net of refunds.",
  orders: "Ranked by orders: the number of counted orders each store received in the window.",
  growth:
    "Ranked by growth: each store's revenue in the window over its own revenue in the equal period just before the start; stores below the minimum baseline rank after, by revenue.",
};

/** How each metric is named where one is chosen. */
export const METRIC_LABELS: Record<Metric, string> = {
  revenue: "Revenue",
  orders: "Number of orders",
  growth: "Growth over the period before",
};

/** `text` closed with a full stop, unless it already ends with one (a name such as "Tidewater Surf Co."). */
export function endSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
