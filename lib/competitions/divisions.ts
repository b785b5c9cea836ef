/**
 * Divisions: a competition split into boards by store size, so a small store
 * races stores its size. A store's division is fixed once, at its first
 * sync after the start, from its net revenue over the 30 days before the
 * start (the history the sync reads anyway, `lib/shopify/sync.ts`): the
 * first division whose `upTo` is above that baseline. Each division is a
 * board with its own ranking, places and prize (`Board`); the competition's
 * prize is their total, funded once. A competition without divisions is one
 * board, so ranking, settlement and payouts go through boards either way.
 *
 * A division is named in URLs and records by its number, 1 for the first:
 * the divisions are locked once funded, so a number never changes meaning.
 */
import { ValidationError } from "../core/errors.ts";
import { formatMoney, type Minor } from "../core/money.ts";
import type { Competition, Winner } from "./competitions.ts";
import type { Division } from "./division_input.ts";
import { prizeSplitOf } from "./prize_split.ts";

export type { Division } from "./division_input.ts";

/** The days of sales before the start that place a store. */
export const PLACEMENT_DAYS = 30;

/** One board of a competition: a division's, or the whole competition's when it has none. */
export interface Board {
  /** The division's number (1 for the first); absent on a competition without divisions. */
  division?: number;
  /** The division's name; absent without divisions. */
  name?: string;
  prize: Minor;
  prizeSplit: number[];
}

/** Whether a competition races in divisions. */
export function hasDivisions(competition: { divisions?: readonly Division[] }): boolean {
  return (competition.divisions?.length ?? 0) > 0;
}

/**
 * The boards of a competition, in order: one per division, or the whole
 * competition as one board.
 */
export function boardsOf(competition: Pick<Competition, "prize" | "prizeSplit" | "divisions">): Board[] {
  if (!competition.divisions?.length) return [{ prize: competition.prize, prizeSplit: prizeSplitOf(competition) }];
  return competition.divisions.map((division, i) => ({
    division: i + 1,
    name: division.name,
    prize: division.prize,
    prizeSplit: prizeSplitOf(division),
  }));
}

/** The board of division `division` (the competition's only board without divisions); undefined when there is none. */
export function boardOf(
  competition: Pick<Competition, "prize" | "prizeSplit" | "divisions">,
  division: number | undefined,
): Board | undefined {
  return boardsOf(competition).find((board) => board.division === division);
}

/**
 * The division a store belongs in by its baseline (net revenue over the 30
 * days before the start): the number of the first division whose `upTo` is
 * above it, so a baseline equal to an `upTo` goes to the next division; the
 * last division takes the rest.
 *
 * @example divisionFor([{ upTo: 100_000, … }, { … }], 100_000) // 2
 */
export function divisionFor(divisions: readonly Pick<Division, "upTo">[], baseline: Minor): number {
  const index = divisions.findIndex((division) => division.upTo !== undefined && baseline < division.upTo);
  return index === -1 ? divisions.length : index + 1;
}

/**
 * A store's placement baseline from its history: the counted revenue of the
 * 30 days before the start. When Shopify's 60-day window of readable orders
 * cut the history short (a store joining late in a long competition), the
 * part read is scaled to 30 days, so a late store is not placed below its size.
 *
 * @example placementBaseline({ revenue: 50_000, hours: 360 }) // 100_000
 */
export function placementBaseline(history: { revenue: Minor; hours: number }): Minor {
  const hours = PLACEMENT_DAYS * 24;
  if (history.hours <= 0 || history.hours >= hours) return history.revenue;
  return Math.floor((history.revenue * hours) / history.hours);
}

/**
 * What placing a store changes on its record, once its history is known: its
 * division and the baseline that placed it. Nothing for a store already
 * placed (a placement never changes) or in a competition without divisions.
 */
export function placement(
  participant: { division?: number | null },
  competition: Pick<Competition, "divisions">,
  history: { revenue: Minor; hours: number },
): { division: number; divisionBaseline: Minor } | Record<never, never> {
  if (participant.division !== null || !competition.divisions?.length) return {};
  const baseline = placementBaseline(history);
  return { division: divisionFor(competition.divisions, baseline), divisionBaseline: baseline };
}

/**
 * The division a request asks for (`?division=<number>`), checked against the
 * competition: undefined for a competition without divisions when none is
 * asked for; its first division when none is asked for. A division it does
 * not have is a 400 naming the field.
 */
export function requestedDivision(
  competition: Pick<Competition, "divisions">,
  requested: string | undefined,
): number | undefined {
  const count = competition.divisions?.length ?? 0;
  if (requested === undefined || requested === "") return count > 0 ? 1 : undefined;
  const number = Number(requested);
  if (count === 0) {
    throw new ValidationError(
      [{ path: "division", message: "This competition has no divisions." }],
      "This competition has no divisions.",
    );
  }
  if (!Number.isInteger(number) || number < 1 || number > count) {
    const message = `division must be a division's number, 1 to ${count}.`;
    throw new ValidationError([{ path: "division", message }], message);
  }
  return number;
}

/**
 * The division a page shows for `?division=` (a page never refuses): the one
 * asked for when the competition has it, else the viewer's own store's when
 * placed, else the first; undefined without divisions.
 */
export function shownDivision(
  competition: Pick<Competition, "divisions">,
  requested: string | undefined,
  own: number | null | undefined,
): number | undefined {
  const count = competition.divisions?.length ?? 0;
  if (count === 0) return undefined;
  const number = Number(requested);
  if (Number.isInteger(number) && number >= 1 && number <= count) return number;
  return own ?? 1;
}

/**
 * The divisions in the order a viewer sees their tabs: the viewer's own
 * store's division first, then the others in order.
 */
export function divisionsInTabOrder(
  competition: Pick<Competition, "divisions">,
  own: number | null | undefined,
): { number: number; division: Division }[] {
  const all = (competition.divisions ?? []).map((division, i) => ({ number: i + 1, division }));
  return own ? [...all.filter((tab) => tab.number === own), ...all.filter((tab) => tab.number !== own)] : all;
}

/**
 * Which stores a division takes, for people: "30-day sales below $1,000.00",
 * "$1,000.00 to $5,000.00", "$5,000.00 and above".
 */
export function divisionRange(divisions: readonly Pick<Division, "upTo">[], number: number, currency: string): string {
  const from = divisions[number - 2]?.upTo;
  const upTo = divisions[number - 1]?.upTo;
  const money = (minor: Minor) => formatMoney(minor, currency);
  if (from === undefined) return `30-day sales below ${money(upTo ?? 0)}`;
  if (upTo === undefined) return `30-day sales of ${money(from)} and above`;
  return `30-day sales from ${money(from)} to below ${money(upTo)}`;
}

/** The decided places of one board (a division's, or all of them without divisions). */
export function placesOfBoard(places: readonly Winner[], division: number | undefined): Winner[] {
  return places.filter((place) => place.division === division);
}
