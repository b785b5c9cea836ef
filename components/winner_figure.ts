/**
 * What a winner won with, in words: the competition page's final result and
 * the live board's winner line say it the same way. Its own module, so only
 * the live board's bundle carries it. Pure.
 */
import { formatDecimalMoney } from "./format.ts";

/**
 * What a winner won with, in the competition's metric: money (a decimal
 * string), a number of orders, or growth.
 * @example winnerFigure({ metric: "orders", currency: "USD" }, { value: "12", revenue: "80.00" }) // "12 orders"
 */
export function winnerFigure(
  competition: { metric?: "revenue" | "orders" | "growth"; currency: string },
  winner: { value?: string; revenue: string },
): string {
  if (competition.metric === "orders" && winner.value) return `${winner.value} orders`;
  if (competition.metric === "growth" && winner.value) return `${winner.value} growth`;
  return formatDecimalMoney(winner.revenue, competition.currency);
}
