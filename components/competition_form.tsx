/**
 * The competition form (create and edit): its fields, the conversion between
 * form values and the shared input schema, and validation with the schema's
 * own messages, so the island and the server say the same thing.
 */
import { competitionInputSchema, type InputRules, METRICS } from "../lib/competitions/input.ts";
import { describeSplit } from "../lib/competitions/prize_split.ts";
import type { FieldIssue } from "../lib/core/errors.ts";
import { isCurrency, parseMoney } from "../lib/core/money.ts";
import { FormField } from "./form_field.tsx";
import { formatDateTime } from "./format.ts";

/** The form's fields, in order. */
export const COMPETITION_FIELDS = [
  "title",
  "description",
  "prize",
  "currency",
  "prizeSplit",
  "metric",
  "growthMinBaseline",
  "startDate",
  "endDate",
] as const;

/** One of {@link COMPETITION_FIELDS}. */
export type CompetitionField = typeof COMPETITION_FIELDS[number];

/**
 * What the form's controls hold: the rules' fields, dates as `datetime-local`
 * values (wall-clock times) in `timeZone` (UTC when absent: the server's
 * render, or a browser without JavaScript), and how long it lasts
 * (`duration`, seconds, or `"custom"` to use `endDate`).
 */
export type CompetitionFormValues = Record<CompetitionField, string> & {
  timeZone?: string;
  duration?: string;
  /** Who sees each store's figures: `open` (everyone) or `ranks` (privacy mode). */
  privacy?: string;
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

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `timeZone` when the runtime knows it as an IANA zone, else UTC. */
export function knownTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`, in ms. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * A `datetime-local` value read as a wall-clock time in `timeZone`, as ISO
 * 8601 in UTC; other text unchanged (the schema then says what is wrong).
 * @example zonedInputToIso("2026-12-02T09:30", "America/Los_Angeles") // "2026-12-02T17:30:00.000Z"
 */
export function zonedInputToIso(value: string, timeZone = "UTC"): string {
  const trimmed = value.trim();
  const m = LOCAL_DATE_TIME.exec(trimmed);
  if (!m) return trimmed;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  // The offset at the guess, then at the result: right on both sides of a daylight-saving change.
  let ms = wall - zoneOffsetMs(wall, timeZone);
  ms = wall - zoneOffsetMs(ms, timeZone);
  return new Date(ms).toISOString();
}

/**
 * A `datetime-local` value read as UTC, as ISO 8601; other text unchanged.
 * @example utcInputToIso("2026-12-02T09:30") // "2026-12-02T09:30:00Z"
 */
export function utcInputToIso(value: string): string {
  const trimmed = value.trim();
  if (!LOCAL_DATE_TIME.test(trimmed)) return trimmed;
  return trimmed.length === 16 ? `${trimmed}:00Z` : `${trimmed}Z`;
}

/**
 * An ISO date-time as a `datetime-local` value in `timeZone` (UTC by default).
 * @example isoToZonedInput("2026-12-02T17:30:00.000Z", "America/Los_Angeles") // "2026-12-02T09:30"
 */
export function isoToZonedInput(iso: string, timeZone = "UTC"): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms + zoneOffsetMs(ms, timeZone)).toISOString().slice(0, 16);
}

/**
 * An ISO date-time as a `datetime-local` value in UTC.
 * @example isoToUtcInput("2026-12-02T09:30:00.000Z") // "2026-12-02T09:30"
 */
export function isoToUtcInput(iso: string): string {
  return isoToZonedInput(iso, "UTC");
}

/** The next full hour after `now`, as ISO 8601. */
export function nextFullHour(now: number): string {
  return new Date(Math.floor(now / 3_600_000) * 3_600_000 + 3_600_000).toISOString();
}

/**
 * Empty form values (currency preset to USD, the whole prize to 1st place,
 * ranked by revenue); given `now`, the start is the next full hour and the
 * competition lasts a week.
 */
export function emptyFormValues(now?: number): CompetitionFormValues {
  const start = now === undefined ? "" : nextFullHour(now);
  return {
    title: "",
    description: "",
    prize: "",
    currency: "USD",
    prizeSplit: "100",
    metric: "revenue",
    growthMinBaseline: "100.00",
    startDate: start && isoToUtcInput(start),
    endDate: start && isoToUtcInput(new Date(Date.parse(start) + 7 * 86_400_000).toISOString()),
    timeZone: "UTC",
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

/** Reads the form's fields from a posted body; missing fields are `""`. */
export function readFormValues(body: Record<string, unknown>): CompetitionFormValues {
  const values = emptyFormValues();
  for (const field of COMPETITION_FIELDS) {
    const value = body[field];
    values[field] = typeof value === "string" ? value : "";
  }
  values.timeZone = typeof body.timeZone === "string" ? body.timeZone : "UTC";
  values.duration = typeof body.duration === "string" ? body.duration : "custom";
  values.privacy = body.privacy === "ranks" ? "ranks" : "open";
  return values;
}

/** The form values as the JSON input the schema and `createCompetition` take. */
export function formValuesToInput(values: Partial<CompetitionFormValues>): Record<string, string | number[]> {
  const input: Record<string, string | number[]> = {};
  const timeZone = knownTimeZone(values.timeZone);
  for (const field of COMPETITION_FIELDS) {
    const value = values[field];
    if (value === undefined) continue;
    // The rules added later (split, metric, baseline) left empty keep their default (or, editing, their value).
    if ((field === "prizeSplit" || field === "metric" || field === "growthMinBaseline") && value.trim() === "") {
      continue;
    }
    if (field === "prizeSplit") input[field] = splitFromText(value);
    else input[field] = field === "startDate" || field === "endDate" ? zonedInputToIso(value, timeZone) : value;
  }
  if (values.privacy === "open" || values.privacy === "ranks") input.privacy = values.privacy;
  // A length chosen from the list sets the end from the start.
  const seconds = Number(values.duration);
  const start = typeof input.startDate === "string" ? Date.parse(input.startDate) : NaN;
  if (values.duration !== "custom" && seconds > 0 && !Number.isNaN(start)) {
    input.endDate = new Date(start + seconds * 1000).toISOString();
  }
  return input;
}

/** The first message per field from a list of issues (`prizeSplit.2` counts as `prizeSplit`). */
export function issuesToErrors(issues: FieldIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.split(".")[0];
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

/** One sentence per metric, for the form and the competition page. */
export const METRIC_SENTENCES: Record<typeof METRICS[number], string> = {
  revenue: "Ranked by revenue: the sum of each store's counted orders in the window, net of refunds.",
  orders: "Ranked by orders: the number of counted orders each store received in the window.",
  growth:
    "Ranked by growth: each store's revenue in the window over its own revenue in the equal period just before the start; stores below the minimum baseline rank after, by revenue.",
};

/**
 * Validates form values with the shared schema; `{}` when they are valid.
 * @example validateCompetitionForm(values, { now: Date.now(), minDurationS: 3600 }).title
 */
export function validateCompetitionForm(values: CompetitionFormValues, rules: InputRules): FieldErrors {
  const result = competitionInputSchema(rules).safeParse(formValuesToInput(values));
  if (result.success) return {};
  return issuesToErrors(result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })));
}

/** Props of {@link CompetitionForm}. */
export interface CompetitionFormProps {
  action: string;
  submitLabel: string;
  values: CompetitionFormValues;
  errors: FieldErrors;
  /** Fields shown but not editable (a funded competition's prize and currency). */
  locked?: CompetitionField[];
  onFieldInput?: (field: CompetitionField, value: string) => void;
  onFieldBlur?: (field: CompetitionField) => void;
  /** A form-only control changed: the length (`duration`) or who sees the figures (`privacy`). */
  onFormInput?: (name: "duration" | "privacy", value: string) => void;
  onSubmit?: (event: SubmitEvent) => void;
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

/** The form, posting `application/x-www-form-urlencoded` to `action`. */
export function CompetitionForm(props: CompetitionFormProps) {
  const { values, errors, locked = [] } = props;
  const control = (field: CompetitionField) => ({
    name: field,
    value: values[field],
    error: errors[field],
    disabled: locked.includes(field) || undefined,
    onInput: props.onFieldInput &&
      ((event: Event) => props.onFieldInput!(field, (event.currentTarget as HTMLInputElement).value)),
    onBlur: props.onFieldBlur && (() => props.onFieldBlur!(field)),
  });
  return (
    <form method="post" action={props.action} class="competition-form" noValidate onSubmit={props.onSubmit}>
      {errors[""] && <p class="notice notice-error" role="alert">{errors[""]}</p>}
      <FormField {...control("title")} label="Title" maxLength={100} autoComplete="off" />
      <FormField
        {...control("description")}
        label="Description"
        hint="Optional: rules, theme, anything stores should know."
        multiline
      />
      <div class="field-row">
        <FormField {...control("prize")} label="Prize" hint="e.g. 500.00" inputMode="decimal" autoComplete="off" />
        <FormField
          {...control("currency")}
          label="Currency"
          hint="Three letters, e.g. USD"
          maxLength={3}
          autoComplete="off"
        />
      </div>
      <FormField
        {...control("prizeSplit")}
        label="Prize split (%)"
        hint={splitPreview(values) ??
          "Whole percentages for 1st, 2nd, … (up to 10 places) adding up to 100, e.g. 60, 30, 10."}
        inputMode="numeric"
        autoComplete="off"
      />
      <div class="field-row">
        <div class="field">
          <label for="field-metric">Ranked by</label>
          <span class="hint" id="field-metric-hint">{METRIC_SENTENCES[metricOf(values.metric)]}</span>
          <select
            id="field-metric"
            name="metric"
            aria-describedby={errors.metric ? "field-metric-hint field-metric-error" : "field-metric-hint"}
            aria-invalid={errors.metric ? true : undefined}
            disabled={locked.includes("metric") || undefined}
            onInput={props.onFieldInput &&
              ((event: Event) => props.onFieldInput!("metric", (event.currentTarget as HTMLSelectElement).value))}
            onBlur={props.onFieldBlur && (() => props.onFieldBlur!("metric"))}
          >
            {METRICS.map((metric) => (
              <option key={metric} value={metric} selected={values.metric === metric}>{METRIC_LABELS[metric]}</option>
            ))}
          </select>
          {errors.metric && <span class="field-error" id="field-metric-error">{errors.metric}</span>}
        </div>
        {values.metric === "growth" && (
          <FormField
            {...control("growthMinBaseline")}
            label="Minimum baseline"
            hint="Stores whose revenue before the start is below this rank after the others."
            inputMode="decimal"
            autoComplete="off"
          />
        )}
      </div>
      <div class="field">
        <label for="field-privacy">Who sees each store's figures</label>
        <span class="hint" id="field-privacy-hint">
          With ranks only, everyone sees the ranking and each store's share of the leader; each owner sees its own
          figures and you see all.
        </span>
        <select
          id="field-privacy"
          name="privacy"
          aria-describedby="field-privacy-hint"
          onInput={props.onFormInput &&
            ((event: Event) => props.onFormInput!("privacy", (event.currentTarget as HTMLSelectElement).value))}
        >
          <option value="open" selected={(values.privacy ?? "open") === "open"}>Everyone sees every figure</option>
          <option value="ranks" selected={values.privacy === "ranks"}>Ranks only (privacy mode)</option>
        </select>
      </div>
      <input type="hidden" name="timeZone" value={knownTimeZone(values.timeZone)} />
      <div class="field-row">
        <FormField
          {...control("startDate")}
          label="Starts"
          hint={`In your time zone: ${knownTimeZone(values.timeZone)}`}
          type="datetime-local"
        />
        <div class="field">
          <label for="field-duration">Lasts</label>
          <span class="hint" id="field-duration-hint">{endPreview(values)}</span>
          <select
            id="field-duration"
            name="duration"
            aria-describedby="field-duration-hint"
            onInput={props.onFormInput &&
              ((event: Event) => props.onFormInput!("duration", (event.currentTarget as HTMLSelectElement).value))}
          >
            {DURATIONS.map((duration) => (
              <option
                key={duration.value}
                value={duration.value}
                selected={(values.duration ?? "custom") === duration.value}
              >
                {duration.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <FormField
        {...control("endDate")}
        label="Ends"
        hint={(values.duration ?? "custom") === "custom"
          ? `In your time zone: ${knownTimeZone(values.timeZone)}`
          : "Set by the length above; choose Custom end to pick another."}
        type="datetime-local"
      />
      {locked.length > 0 && (
        <p class="hint">The prize is funded, so the prize, its split, the metric and the currency are fixed.</p>
      )}
      <button type="submit">{props.submitLabel}</button>
    </form>
  );
}

/** How each metric is named in the form. */
const METRIC_LABELS: Record<typeof METRICS[number], string> = {
  revenue: "Revenue",
  orders: "Number of orders",
  growth: "Growth over the period before",
};

function metricOf(value: string): typeof METRICS[number] {
  return (METRICS as readonly string[]).includes(value) ? value as typeof METRICS[number] : "revenue";
}

/** A competition's rules (money as decimal strings, dates ISO, the split as a list) as form values. */
export function competitionFormValues(
  competition: Omit<CompetitionFormValues, "prizeSplit"> & { prizeSplit: readonly number[] },
): CompetitionFormValues {
  return {
    title: competition.title,
    description: competition.description,
    prize: competition.prize,
    currency: competition.currency,
    prizeSplit: splitToText(competition.prizeSplit),
    metric: competition.metric,
    growthMinBaseline: competition.growthMinBaseline,
    startDate: isoToUtcInput(competition.startDate),
    endDate: isoToUtcInput(competition.endDate),
    timeZone: "UTC",
    duration: "custom",
    privacy: competition.privacy ?? "open",
  };
}
