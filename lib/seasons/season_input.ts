/**
 * A season's input and its calendar. A season is `rounds` competitions of
 * one template, one every `every` (day, week or calendar month, in UTC) from
 * `startDate`; each round lasts `roundHours`, by default until the next one
 * starts. The template is checked by the competition's own rules, round by
 * round on each round's real window (so a growth template refuses month-long
 * rounds exactly as a competition refuses them), and the season prize by
 * the prize's rules: no rule of a competition is written twice here.
 */
import * as z from "zod/mini";
import { type FieldIssue, ValidationError } from "../core/errors.ts";
import type { Minor } from "../core/money.ts";
import { parseInput } from "../core/parse.ts";
import type { CompetitionInput, InputRules } from "../competitions/input.ts";
import { parseCompetitionInput } from "../competitions/written_input.ts";

/** The fewest rounds a season has. */
export const MIN_ROUNDS = 2;
/** The most rounds a season has (a year of weeks). */
export const MAX_ROUNDS = 52;
/** The points of 1st, 2nd, … place in a round when the season names none. */
export const DEFAULT_POINTS: readonly number[] = [25, 18, 15, 12, 10, 8, 6, 4, 2, 1];
/** The most places a points list may name. */
export const MAX_POINTS_PLACES = 50;
/** The longest season title: room is left for " · Round 52" within a competition title's 100 characters. */
export const SEASON_TITLE_MAX = 80;

/** How often a round starts. */
export type Interval = "day" | "week" | "month";

/** Every interval. */
export const INTERVALS: readonly Interval[] = ["day", "week", "month"];

/** The competition fields every round shares: everything but its title, description and window. */
export type SeasonTemplate = Omit<CompetitionInput, "title" | "description" | "startDate" | "endDate">;

/** A valid season input, money in minor units of the template's currency. */
export interface SeasonInput {
  title: string;
  description: string;
  rounds: number;
  every: Interval;
  /** How long each round lasts; absent: until the next round starts. */
  roundHours?: number;
  /** When round 1 starts (ISO 8601, normalised). */
  startDate: string;
  template: SeasonTemplate;
  /** Points for 1st, 2nd, … place of a round (non-increasing whole numbers). */
  points: number[];
  /** Paid to the season's standings at the end (per standings table); 0: none. */
  seasonPrize: Minor;
  seasonPrizeSplit: number[];
}

/** One round's place in the calendar (`round` from 1). */
export interface RoundWindow {
  round: number;
  startDate: string;
  endDate: string;
}

const DAY_MS = 86_400_000;

/** The start of round `index + 1` (0-based index): calendar months keep the day, or the month's last day. */
export function roundStartMs(startMs: number, every: Interval, index: number): number {
  if (every === "day") return startMs + index * DAY_MS;
  if (every === "week") return startMs + index * 7 * DAY_MS;
  const start = new Date(startMs);
  const month = start.getUTCMonth() + index;
  const lastDay = new Date(Date.UTC(start.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return Date.UTC(
    start.getUTCFullYear(),
    month,
    Math.min(start.getUTCDate(), lastDay),
    start.getUTCHours(),
    start.getUTCMinutes(),
    start.getUTCSeconds(),
    start.getUTCMilliseconds(),
  );
}

/** The shortest time between two rounds' starts in a season of this calendar. */
function shortestIntervalMs(startMs: number, every: Interval, rounds: number): number {
  let shortest = Infinity;
  for (let i = 0; i < rounds; i++) {
    shortest = Math.min(shortest, roundStartMs(startMs, every, i + 1) - roundStartMs(startMs, every, i));
  }
  return shortest;
}

/**
 * Every round's window, in order.
 * @example roundWindows({ startDate: "2027-01-04T09:00:00Z", every: "week", rounds: 2 })
 * // round 1: Jan 4 → Jan 11, round 2: Jan 11 → Jan 18
 */
export function roundWindows(
  season: Pick<SeasonInput, "startDate" | "every" | "rounds" | "roundHours">,
): RoundWindow[] {
  const startMs = Date.parse(season.startDate);
  return Array.from({ length: season.rounds }, (_, i) => {
    const start = roundStartMs(startMs, season.every, i);
    const end = season.roundHours === undefined
      ? roundStartMs(startMs, season.every, i + 1)
      : start + season.roundHours * 3_600_000;
    return { round: i + 1, startDate: new Date(start).toISOString(), endDate: new Date(end).toISOString() };
  });
}

/** Round `round`'s title: the season's and the round's number. */
export function roundTitle(seasonTitle: string, round: number): string {
  return `${seasonTitle} · Round ${round}`;
}

const text = (message: string) => z.string({ error: message }).check(z.trim());
const wholeNumber = (message: string) => z.number({ error: message }).check(z.refine(Number.isInteger, message));

const SEASON_FIELDS = z.object({
  title: text("Give the season a title.").check(
    z.minLength(3, "Give the season a title of at least 3 characters."),
    z.maxLength(SEASON_TITLE_MAX, `Keep the season's title to ${SEASON_TITLE_MAX} characters or fewer.`),
  ),
  description: z._default(text("The description must be text."), ""),
  rounds: wholeNumber(`Enter the number of rounds as a whole number from ${MIN_ROUNDS} to ${MAX_ROUNDS}.`).check(
    z.minimum(MIN_ROUNDS, `A season has at least ${MIN_ROUNDS} rounds.`),
    z.maximum(MAX_ROUNDS, `A season has at most ${MAX_ROUNDS} rounds.`),
  ),
  every: z.enum(INTERVALS, { error: "Choose how often a round starts: day, week or month." }),
  roundHours: z.optional(
    wholeNumber("Enter each round's length as a whole number of hours.").check(
      z.minimum(1, "A round lasts at least an hour."),
    ),
  ),
  startDate: text("Enter when the season starts.").check(
    z.refine((value) => !Number.isNaN(Date.parse(value)), "Enter the start as a date and time."),
  ),
  template: z.record(z.string(), z.unknown(), { error: "Give the rounds' settings as an object (template)." }),
  points: z._default(
    z.array(wholeNumber("Each place's points must be a whole number."), {
      error: "Enter the points as a list of whole numbers, e.g. [25, 18, 15].",
    }),
    [...DEFAULT_POINTS],
  ),
  seasonPrize: z.optional(text("Enter the season prize as an amount such as 300.00.")),
  seasonPrizeSplit: z.optional(z.array(z.unknown(), { error: "Enter the season prize's split as a list." })),
});

/** Template fields a round takes from the season itself. */
const SEASON_OWNED = ["title", "description", "startDate", "endDate"] as const;

function pointsIssues(points: readonly number[]): FieldIssue[] {
  if (points.length === 0) return [{ path: "points", message: "Give 1st place some points." }];
  if (points.length > MAX_POINTS_PLACES) {
    return [{ path: "points", message: `Points can be given to at most ${MAX_POINTS_PLACES} places.` }];
  }
  const negative = points.findIndex((value) => value < 0);
  if (negative >= 0) return [{ path: `points.${negative}`, message: "Points cannot be negative." }];
  if (points[0] === 0) return [{ path: "points.0", message: "1st place must get more than 0 points." }];
  const rising = points.findIndex((value, i) => i > 0 && value > points[i - 1]);
  if (rising > 0) {
    return [{ path: `points.${rising}`, message: "A lower place cannot get more points than the place above it." }];
  }
  return [];
}

/** Where a competition's issue belongs in the season's input. */
function seasonPath(path: string, fields: { roundHours?: number }): string {
  const [field] = path.split(".");
  if (field === "title" || field === "description" || field === "startDate") return field;
  if (field === "endDate") return fields.roundHours === undefined ? "every" : "roundHours";
  return `template.${path}`;
}

/** Collects the issues of `parse` (a `ValidationError`), or its result. */
function attempt<T>(parse: () => T, issues: FieldIssue[], path: (issue: FieldIssue) => string | null): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const issue of error.issues) {
      const at = path(issue);
      if (at !== null && !issues.some((known) => known.path === at && known.message === issue.message)) {
        issues.push({ path: at, message: issue.message });
      }
    }
  }
}

/**
 * Parses a season's input under the clock and settings `rules`, or throws
 * `ValidationError` naming every field in error (`template.<field>` for the
 * template's). Each round's competition is checked on its own window.
 *
 * @example parseSeasonInput(rules, { title: "Summer League", rounds: 4, every: "week", startDate, template })
 */
export function parseSeasonInput(rules: InputRules, body: unknown): SeasonInput {
  const issues: FieldIssue[] = [];
  const fields = attempt(() => parseInput(SEASON_FIELDS, body), issues, (issue) => issue.path);
  if (!fields) throw new ValidationError(issues);
  issues.push(...pointsIssues(fields.points));
  for (const field of SEASON_OWNED) {
    if (field in fields.template) {
      issues.push({
        path: `template.${field}`,
        message: `Each round's ${field} comes from the season, not the template.`,
      });
    }
  }
  const startMs = Date.parse(fields.startDate);
  const interval = shortestIntervalMs(startMs, fields.every, fields.rounds);
  if (fields.roundHours !== undefined && fields.roundHours * 3_600_000 > interval) {
    const hours = Math.floor(interval / 3_600_000);
    issues.push({
      path: "roundHours",
      message:
        `A round of ${fields.roundHours} hours is longer than its interval: rounds start every ${fields.every} ` +
        `(${hours} hours at the shortest here), and a round must end before the next one starts.`,
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);

  const windows = roundWindows(fields);
  const roundOf = (window: RoundWindow, overrides: Record<string, unknown> = {}) => ({
    ...fields.template,
    title: roundTitle(fields.title, window.round),
    description: fields.description,
    startDate: window.startDate,
    endDate: window.endDate,
    ...overrides,
  });
  const inRound = (issue: FieldIssue) => seasonPath(issue.path, fields);
  const rounds = windows.map((window) => attempt(() => parseCompetitionInput(rules, roundOf(window)), issues, inRound));
  let seasonPrize: Minor = 0;
  let seasonPrizeSplit = [100];
  if (fields.seasonPrize !== undefined && fields.seasonPrize !== "") {
    // The season prize obeys the prize's rules: checked as a round's prize and split would be.
    const asPrize = { prize: fields.seasonPrize, prizeSplit: fields.seasonPrizeSplit ?? [100], divisions: undefined };
    const checked = attempt(() => parseCompetitionInput(rules, roundOf(windows[0], asPrize)), issues, (issue) => {
      const [field, ...rest] = issue.path.split(".");
      if (field === "prize") return "seasonPrize";
      if (field === "prizeSplit") return ["seasonPrizeSplit", ...rest].join(".");
      return null;
    });
    if (checked) [seasonPrize, seasonPrizeSplit] = [checked.prize, checked.prizeSplit];
  } else if (fields.seasonPrizeSplit !== undefined) {
    issues.push({ path: "seasonPrizeSplit", message: "Give a season prize to split, or leave the split out." });
  }
  if (issues.length > 0 || rounds.some((round) => round === undefined)) throw new ValidationError(issues);
  const { title: _t, description: _d, startDate, endDate: _e, ...template } = rounds[0]!;
  return {
    title: fields.title,
    description: fields.description,
    rounds: fields.rounds,
    every: fields.every,
    ...(fields.roundHours === undefined ? {} : { roundHours: fields.roundHours }),
    startDate,
    template,
    points: fields.points,
    seasonPrize,
    seasonPrizeSplit,
  };
}
