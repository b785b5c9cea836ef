/**
 * The competition form (create and edit): its fields, the conversion between
 * form values and the shared input schema, and validation with the schema's
 * own messages, so the island and the server say the same thing.
 */
import { competitionInputSchema, type InputRules } from "../lib/competitions/input.ts";
import type { FieldIssue } from "../lib/core/errors.ts";
import { FormField } from "./form_field.tsx";

/** The form's fields, in order. */
export const COMPETITION_FIELDS = ["title", "description", "prize", "currency", "startDate", "endDate"] as const;

/** One of {@link COMPETITION_FIELDS}. */
export type CompetitionField = typeof COMPETITION_FIELDS[number];

/** What the form's controls hold; dates as `datetime-local` values in UTC. */
export type CompetitionFormValues = Record<CompetitionField, string>;

/** The message to show next to each field; `""` for the form as a whole. */
export type FieldErrors = Partial<Record<CompetitionField | "", string>>;

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

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
 * An ISO date-time as a `datetime-local` value in UTC.
 * @example isoToUtcInput("2026-12-02T09:30:00.000Z") // "2026-12-02T09:30"
 */
export function isoToUtcInput(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(0, 16);
}

/** Empty form values (currency preset to USD). */
export function emptyFormValues(): CompetitionFormValues {
  return { title: "", description: "", prize: "", currency: "USD", startDate: "", endDate: "" };
}

/** Reads the form's fields from a posted body; missing fields are `""`. */
export function readFormValues(body: Record<string, unknown>): CompetitionFormValues {
  const values = emptyFormValues();
  for (const field of COMPETITION_FIELDS) {
    const value = body[field];
    values[field] = typeof value === "string" ? value : "";
  }
  return values;
}

/** The form values as the JSON input the schema and `createCompetition` take. */
export function formValuesToInput(values: Partial<CompetitionFormValues>): Record<string, string> {
  const input: Record<string, string> = {};
  for (const field of COMPETITION_FIELDS) {
    const value = values[field];
    if (value === undefined) continue;
    input[field] = field === "startDate" || field === "endDate" ? utcInputToIso(value) : value;
  }
  return input;
}

/** The first message per field from a list of issues. */
export function issuesToErrors(issues: FieldIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = (COMPETITION_FIELDS as readonly string[]).includes(issue.path) ? issue.path as CompetitionField : "";
    errors[field] ??= issue.message;
  }
  return errors;
}

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
  onSubmit?: (event: SubmitEvent) => void;
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
      <div class="field-row">
        <FormField {...control("startDate")} label="Starts (UTC)" type="datetime-local" />
        <FormField {...control("endDate")} label="Ends (UTC)" type="datetime-local" />
      </div>
      {locked.length > 0 && <p class="hint">The prize is funded, so the prize and currency are fixed.</p>}
      <button type="submit">{props.submitLabel}</button>
    </form>
  );
}

/** A competition's rules (prize as a decimal string, dates ISO) as form values. */
export function competitionFormValues(competition: CompetitionFormValues): CompetitionFormValues {
  return {
    title: competition.title,
    description: competition.description,
    prize: competition.prize,
    currency: competition.currency,
    startDate: isoToUtcInput(competition.startDate),
    endDate: isoToUtcInput(competition.endDate),
  };
}
