/**
 * The season form's values: what its controls hold, how a posted form is
 * read, how values become the season's JSON input (the template's fields
 * under `template`), and the input's issues as messages per field. The form
 * is server-rendered and checked by the server only (`parseSeasonInput`):
 * it ships no schema to the browser.
 */
import * as z from "zod/mini";
import type { FieldIssue } from "../lib/core/errors.ts";
import { DEFAULT_POINTS } from "../lib/seasons/season_input.ts";
import { splitFromText } from "./competition_form_values.ts";
import { isoToZonedInput, knownTimeZone, nextFullHour, zonedInputToIso } from "./local_date_time.ts";
import {
  type DivisionErrors,
  divisionErrorsOf,
  type DivisionRow,
  divisionRowsShape,
  divisionsFromRows,
} from "./division_fields.tsx";

/** The form's fields, in order. */
export const SEASON_FIELDS = [
  "title",
  "description",
  "rounds",
  "every",
  "roundHours",
  "startDate",
  "currency",
  "prize",
  "prizeSplit",
  "metric",
  "privacy",
  "points",
  "seasonPrize",
  "seasonPrizeSplit",
] as const;

/** One of {@link SEASON_FIELDS}. */
export type SeasonField = typeof SEASON_FIELDS[number];

/** What the form's controls hold (the start a `datetime-local` value in `timeZone`, UTC by default). */
export type SeasonFormValues = Record<SeasonField, string> & { timeZone?: string; formToken?: string };

/** The message to show next to each field; `""` for the form as a whole. */
export type SeasonFieldErrors = Partial<Record<SeasonField | "", string>>;

/** The template fields the form offers, as the input names them under `template`. */
const TEMPLATE_FIELDS = ["currency", "prize", "prizeSplit", "metric", "privacy"] as const;

/** Empty values: four weekly rounds from the next full hour (in `timeZone`), in US dollars, the default points. */
export function emptySeasonValues(now: number, timeZone = "UTC"): SeasonFormValues {
  return {
    title: "",
    description: "",
    rounds: "4",
    every: "week",
    roundHours: "",
    startDate: isoToZonedInput(nextFullHour(now), knownTimeZone(timeZone)),
    currency: "USD",
    prize: "",
    prizeSplit: "100",
    metric: "revenue",
    privacy: "open",
    points: DEFAULT_POINTS.join(", "),
    seasonPrize: "",
    seasonPrizeSplit: "100",
    timeZone: knownTimeZone(timeZone),
  };
}

/**
 * The schema of a posted form: each field and each division row's as text,
 * `""` when missing; it never refuses (the use-case does).
 */
export function seasonFormSchema() {
  const text = z.catch(z.string(), "");
  return z.object({
    ...Object.fromEntries(SEASON_FIELDS.map((field) => [field, text])) as Record<SeasonField, typeof text>,
    ...divisionRowsShape(),
    timeZone: z.catch(z.string(), "UTC"),
    formToken: z.catch(z.optional(z.string()), undefined),
  });
}

/** A whole number from a field, or the text itself (the schema names it) when it is not one. */
function numberOf(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The form values and division rows as the season's JSON input (rows with anything in them: the rounds' divisions). */
export function seasonValuesToInput(
  values: SeasonFormValues,
  rows: readonly DivisionRow[] = [],
): Record<string, unknown> {
  const template: Record<string, unknown> = {};
  for (const field of TEMPLATE_FIELDS) {
    const value = values[field].trim();
    if (value !== "") template[field] = field === "prizeSplit" ? splitFromText(value) : value;
  }
  const divisions = divisionsFromRows(rows);
  if (divisions.length > 0) template.divisions = divisions;
  const optional = (value: string, as: (text: string) => unknown) => value.trim() === "" ? undefined : as(value);
  return {
    title: values.title,
    description: values.description,
    rounds: numberOf(values.rounds),
    every: values.every,
    roundHours: optional(values.roundHours, numberOf),
    startDate: zonedInputToIso(values.startDate, knownTimeZone(values.timeZone)),
    template,
    points: optional(values.points, splitFromText),
    seasonPrize: optional(values.seasonPrize, (text) => text.trim()),
    seasonPrizeSplit: values.seasonPrize.trim() === "" ? undefined : optional(values.seasonPrizeSplit, splitFromText),
  };
}

/**
 * The first message per field (`template.prize` is the prize field,
 * `points.2` the points'), and per division row field
 * (`template.divisions.0.prize`: row 1's prize, shown beside it).
 */
export function seasonErrorsOf(
  error: { issues: FieldIssue[]; message: string },
): { errors: SeasonFieldErrors; divisions: DivisionErrors } {
  const errors: SeasonFieldErrors = {};
  const divisionIssues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const [head, second] = issue.path.split(".");
    if (head === "template" && second === "divisions") {
      divisionIssues.push({ ...issue, path: issue.path.slice("template.".length) });
      continue;
    }
    const name = head === "template" ? second : head;
    const field = (SEASON_FIELDS as readonly string[]).includes(name) ? name as SeasonField : "";
    errors[field] ??= issue.message;
  }
  const divisions = divisionErrorsOf(divisionIssues);
  return { errors: Object.keys(errors).length > 0 ? errors : { "": error.message }, divisions };
}
