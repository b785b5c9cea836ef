/**
 * The competition form's values (create and edit): what its controls hold,
 * how a posted form is read, how values become the shared schema's input
 * (and a stored competition becomes values again), and the schema's issues
 * as messages per field, so the island and the server say the same thing.
 * Pure: the create-form island imports it.
 */
import * as z from "zod/mini";
import { competitionInputChecks, type InputRules } from "../lib/competitions/input.ts";
import { describeSplit } from "../lib/competitions/prize_split.ts";
import type { FieldIssue } from "../lib/core/errors.ts";
import { isCurrency, parseMoney, toDecimalString } from "../lib/core/money.ts";
import { formatDateTime } from "../lib/web/time_text.ts";
import { isoToZonedInput, knownTimeZone, nextFullHour, zonedInputToIso } from "./local_date_time.ts";

/** The form's fields, in order. */
export const COMPETITION_FIELDS = [
  "title",
  "description",
  "prize",
  "currency",
  "prizeSplit",
  "metric",
  "growthMinBaseline",
  "countManualOrders",
  "customerCap",
  "startDate",
  "endDate",
] as const;

/** One of {@link COMPETITION_FIELDS}. */
export type CompetitionField = typeof COMPETITION_FIELDS[number];

/**
 * What the form's controls hold: the rules' fields, dates as `datetime-local`
 * values (wall-clock times) in `timeZone` (UTC when absent: the server's
 * render, or a browser without JavaScript), and how long it lasts
 * (`duration`, seconds, or `"custom"` to use `endDate`). The manual-orders
 * checkbox holds `"on"` when ticked, `""` otherwise; an empty customer cap
 * is no cap.
 */
export type CompetitionFormValues = Record<CompetitionField, string> & {
  timeZone?: string;
  duration?: string;
  /** Who sees each store's figures: `open` (everyone) or `ranks` (privacy mode). */
  privacy?: string;
  /** The Whop community the competition is created in (the experience view sets it; the API may send it). */
  experienceId?: string;
  /** A create form's one-time token (`lib/web/form_once.ts`): the same form sent twice creates once. */
  formToken?: string;
};

/** The message to show next to each field; `""` for the form as a whole. */
export type FieldErrors = Partial<Record<CompetitionField | "", string>>;

/** The lengths the form offers, in seconds, and a custom end. */
export const DURATIONS = [
  { value: "3600", label: "1 hour" },
  { value: "86400", label: "1 day" },
  { value: "604800", label: "1 week" },
  { value: "custom", label: "Custom end" },
] as const;

/**
 * Empty form values (currency preset to USD, the whole prize to 1st place,
 * ranked by revenue); given `now`, the start is the next full hour and the
 * competition lasts a week, written in `timeZone` (the reader's, when the
 * server knows it).
 */
export function emptyFormValues(now?: number, timeZone = "UTC"): CompetitionFormValues {
  const start = now === undefined ? "" : nextFullHour(now);
  return {
    title: "",
    description: "",
    prize: "",
    currency: "USD",
    prizeSplit: "100",
    metric: "revenue",
    growthMinBaseline: "100.00",
    countManualOrders: "",
    customerCap: "",
    startDate: start && isoToZonedInput(start, timeZone),
    endDate: start && isoToZonedInput(new Date(Date.parse(start) + 7 * 86_400_000).toISOString(), timeZone),
    timeZone,
    duration: start ? "604800" : "custom",
  };
}

/**
 * The split field's text as the schema's list: numbers separated by commas,
 * slashes or spaces, e.g. "60/30/10"; an unreadable one becomes `NaN`, which
 * the schema names.
 * @example splitFromText("60, 30, 10") // [60, 30, 10]
 */
export function splitFromText(text: string): number[] {
  return text.split(/[\s,/]+/).filter(Boolean).map((part) => Number(part.replace(/%$/, "")));
}

/** The split as the form shows it, e.g. "60, 30, 10". */
export function splitToText(split: readonly number[]): string {
  return split.join(", ");
}

/**
 * The schema of a posted form (urlencoded or multipart): each field as text,
 * `""` when missing or not text; the time zone UTC and the length custom
 * unless sent; privacy `open` unless `ranks`. It never refuses: the rules
 * are the competition schema's, checked by the use-case. A function, so the
 * island's bundle leaves it out.
 */
export function competitionFormSchema() {
  const text = (fallback: string) => z.catch(z.string(), fallback);
  const optional = z.catch(z.optional(z.string()), undefined);
  return z.object({
    ...Object.fromEntries(COMPETITION_FIELDS.map((field) => [field, text("")])) as Record<
      CompetitionField,
      ReturnType<typeof text>
    >,
    timeZone: text("UTC"),
    duration: text("custom"),
    privacy: z.catch(z.enum(["open", "ranks"]), "open"),
    experienceId: optional,
    formToken: optional,
  });
}

/** The form values as the JSON input the schema and the create use-case take (an empty cap: none). */
export function formValuesToInput(
  values: Partial<CompetitionFormValues>,
): Record<string, string | number[] | boolean> {
  const input: Record<string, string | number[] | boolean> = {};
  const timeZone = knownTimeZone(values.timeZone);
  for (const field of COMPETITION_FIELDS) {
    const value = values[field];
    if (value === undefined) continue;
    // The rules added later (split, metric, baseline) left empty keep their default (or, editing, their value).
    if ((field === "prizeSplit" || field === "metric" || field === "growthMinBaseline") && value.trim() === "") {
      continue;
    }
    if (field === "customerCap" && value.trim() === "") continue;
    if (field === "prizeSplit") input[field] = splitFromText(value);
    else if (field === "countManualOrders") input[field] = value === "on";
    else input[field] = field === "startDate" || field === "endDate" ? zonedInputToIso(value, timeZone) : value;
  }
  if (values.privacy === "open" || values.privacy === "ranks") input.privacy = values.privacy;
  if (values.experienceId !== undefined) input.experienceId = values.experienceId;
  // A length chosen from the list sets the end from the start.
  const seconds = Number(values.duration);
  const start = typeof input.startDate === "string" ? Date.parse(input.startDate) : NaN;
  if (values.duration !== "custom" && seconds > 0 && !Number.isNaN(start)) {
    input.endDate = new Date(start + seconds * 1000).toISOString();
  }
  return input;
}

/**
 * The form values as an edit's patch: the input, where an empty customer cap
 * removes the cap (`null`) rather than keeping the stored one.
 */
export function formValuesToPatch(values: Partial<CompetitionFormValues>): Record<string, unknown> {
  const patch: Record<string, unknown> = formValuesToInput(values);
  if (values.customerCap !== undefined && values.customerCap.trim() === "") patch.customerCap = null;
  return patch;
}

/**
 * The customer cap the form suggests: a quarter of the prize, in the
 * competition's currency (e.g. "125.00" for a prize of 500.00), or `null`
 * while the prize cannot be read.
 */
export function suggestedCustomerCap(values: Pick<CompetitionFormValues, "prize" | "currency">): string | null {
  const currency = values.currency.trim().toUpperCase();
  if (!isCurrency(currency)) return null;
  try {
    const prize = parseMoney(values.prize.trim(), currency);
    return prize > 0 ? toDecimalString(Math.round(prize / 4), currency) : null;
  } catch {
    return null;
  }
}

/** The first message per field from a list of issues (`prizeSplit.2` counts as `prizeSplit`; the divisions' are the rows'). */
export function issuesToErrors(issues: FieldIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.split(".")[0];
    if (path === "divisions") continue; // shown by the division rows (`division_fields.tsx`)
    const field = (COMPETITION_FIELDS as readonly string[]).includes(path) ? path as CompetitionField : "";
    errors[field] ??= issue.message;
  }
  return errors;
}

/**
 * The form's messages for a refused submission (a `ValidationError`): per
 * field, or the error's sentence for the form as a whole when no issue names
 * a field.
 */
export function formErrorsOf(error: { issues: FieldIssue[]; message: string }): FieldErrors {
  const errors = issuesToErrors(error.issues);
  return Object.keys(errors).length > 0 ? errors : { "": error.message };
}

/**
 * What each place would receive, in words, when the prize and split can be
 * read: "1st $300.00, 2nd $150.00, 3rd $50.00"; `null` otherwise.
 */
export function splitPreview(values: Pick<CompetitionFormValues, "prize" | "currency" | "prizeSplit">): string | null {
  const currency = values.currency.trim().toUpperCase();
  const split = splitFromText(values.prizeSplit);
  if (!isCurrency(currency) || split.length === 0 || split.some((share) => !Number.isInteger(share) || share <= 0)) {
    return null;
  }
  if (split.reduce((sum, share) => sum + share, 0) !== 100) return null;
  try {
    return describeSplit(parseMoney(values.prize.trim(), currency), split, currency);
  } catch {
    return null;
  }
}

/**
 * Validates form values with the shared schema; `{}` when they are valid.
 * @example validateCompetitionForm(values, { now: Date.now(), minDurationS: 3600 }).title
 */
export function validateCompetitionForm(values: CompetitionFormValues, rules: InputRules): FieldErrors {
  const result = competitionInputChecks(rules).safeParse(formValuesToInput(values));
  if (result.success) return {};
  return issuesToErrors(result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })));
}

/** The end the chosen length gives, for people ("Ends Dec 8, 2026, 15:00 PST"), or how to set a custom one. */
export function endPreview(values: CompetitionFormValues): string {
  const timeZone = knownTimeZone(values.timeZone);
  const input = formValuesToInput(values);
  const end = typeof input.endDate === "string" ? Date.parse(input.endDate) : NaN;
  if ((values.duration ?? "custom") === "custom") return "Pick the end below.";
  if (Number.isNaN(end)) return "Pick the start first.";
  return `Ends ${formatDateTime(new Date(end).toISOString(), timeZone)}`;
}

/**
 * A competition's rules as the JSON view has them (money as decimal strings,
 * dates ISO, the split as a list) as form values, dates in `timeZone`.
 */
export function competitionFormValues(
  competition: Omit<CompetitionFormValues, "prizeSplit" | "growthMinBaseline" | "countManualOrders" | "customerCap"> & {
    prizeSplit: readonly number[];
    growthMinBaseline?: string;
    countManualOrders?: boolean;
    customerCap?: string;
  },
  timeZone = "UTC",
): CompetitionFormValues {
  return {
    title: competition.title,
    description: competition.description,
    prize: competition.prize,
    currency: competition.currency,
    prizeSplit: splitToText(competition.prizeSplit),
    metric: competition.metric,
    growthMinBaseline: competition.growthMinBaseline ?? "",
    countManualOrders: competition.countManualOrders ? "on" : "",
    customerCap: competition.customerCap ?? "",
    startDate: isoToZonedInput(competition.startDate, timeZone),
    endDate: isoToZonedInput(competition.endDate, timeZone),
    timeZone,
    duration: "custom",
    privacy: competition.privacy ?? "open",
  };
}
