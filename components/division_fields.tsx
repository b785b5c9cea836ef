/**
 * The competition form's divisions: a fixed number of rows (name, up to,
 * prize, split), rendered by the server outside the create form's island and
 * tied to its form by the `form` attribute, so they work without JavaScript
 * and the island's bundle carries none of them (the server checks them;
 * `lib/competitions/division_input.ts`). Rows left empty are no division;
 * all empty, one board. How the rows are read from a post, filled from a
 * stored competition and given their messages is here too.
 */
import * as z from "zod/mini";
import { type FieldIssue, ValidationError } from "../lib/core/errors.ts";
import type { DivisionInput } from "../lib/competitions/division_input.ts";
import {
  competitionFormSchema,
  type CompetitionFormValues,
  type FieldErrors,
  formErrorsOf,
  formValuesToInput,
  splitFromText,
  splitToText,
} from "./competition_form_values.ts";
import { FormField } from "./form_field.tsx";

/** How many division rows the form offers (a competition may have up to 8 through the API). */
export const DIVISION_ROWS = 4;

/** One row as its inputs hold it. */
export interface DivisionRow {
  name: string;
  upTo: string;
  prize: string;
  prizeSplit: string;
}

const ROW_FIELDS = ["name", "upTo", "prize", "prizeSplit"] as const;

/** The posted name of a row's field, e.g. `divisions.0.prize`: the path the server's issues name. */
function fieldName(row: number, field: keyof DivisionRow): string {
  return `divisions.${row}.${field}`;
}

/** Every row's fields in a posted form's schema, each as text, `""` when missing: it never refuses. */
export function divisionRowsShape(): Record<string, z.ZodMiniCatch<z.ZodMiniString>> {
  const shape: Record<string, z.ZodMiniCatch<z.ZodMiniString>> = {};
  for (let row = 0; row < DIVISION_ROWS; row++) {
    for (const field of ROW_FIELDS) shape[fieldName(row, field)] = z.catch(z.string(), "");
  }
  return shape;
}

/** The schema of a posted competition form with its division rows (`competitionFormSchema`, {@link divisionRowsShape}). */
export function competitionFormWithDivisionsSchema() {
  return z.extend(competitionFormSchema(), divisionRowsShape());
}

/** The rows of a posted form (parsed with {@link competitionFormWithDivisionsSchema}). */
export function divisionRowsOf(form: Record<string, unknown>): DivisionRow[] {
  return Array.from({ length: DIVISION_ROWS }, (_, row) => {
    const value = (field: keyof DivisionRow) => {
      const text = form[fieldName(row, field)];
      return typeof text === "string" ? text : "";
    };
    return { name: value("name"), upTo: value("upTo"), prize: value("prize"), prizeSplit: value("prizeSplit") };
  });
}

/**
 * The rows as the competition input's `divisions`: the rows with anything in
 * them, in order (an empty list: no divisions); an empty split is the whole
 * prize to 1st, an empty up-to none (the last division's).
 */
export function divisionsFromRows(rows: readonly DivisionRow[]): DivisionInput[] {
  return rows
    .filter((row) => ROW_FIELDS.some((field) => row[field].trim() !== ""))
    .map((row) => ({
      name: row.name,
      ...(row.upTo.trim() ? { upTo: row.upTo } : {}),
      ...(row.prize.trim() ? { prize: row.prize } : {}),
      ...(row.prizeSplit.trim() ? { prizeSplit: splitFromText(row.prizeSplit) } : {}),
    }));
}

/** A stored competition's divisions (as the JSON view has them) as rows, padded with empty ones. */
export function divisionRowsFromView(
  view: { divisions?: { name: string; upTo?: string; prize: string; prizeSplit: number[] }[] },
): DivisionRow[] {
  const rows = (view.divisions ?? []).map((division) => ({
    name: division.name,
    upTo: division.upTo ?? "",
    prize: division.prize,
    prizeSplit: splitToText(division.prizeSplit),
  }));
  while (rows.length < DIVISION_ROWS) rows.push({ name: "", upTo: "", prize: "", prizeSplit: "" });
  return rows;
}

/** The messages of a refused submission about the divisions, by posted field name (`divisions` for the group). */
export type DivisionErrors = Record<string, string>;

/** The first message per division field from a refusal's issues (`divisions.0.prizeSplit.1` counts as the row's split). */
export function divisionErrorsOf(issues: readonly FieldIssue[]): DivisionErrors {
  const errors: DivisionErrors = {};
  for (const issue of issues) {
    const path = issue.path.split(".");
    if (path[0] !== "divisions") continue;
    errors[path.slice(0, 3).join(".")] ??= issue.message;
  }
  return errors;
}

/** A posted form with division rows: the values of its other fields, and the rows. */
export interface PostedForm<V> {
  values: V;
  rows: DivisionRow[];
}

/** A posted competition form: the values of the island's fields, and the division rows. */
export type PostedCompetitionForm = PostedForm<CompetitionFormValues>;

/**
 * Splits a form parsed with {@link divisionRowsShape} among its fields (a
 * competition's, a season's) into the other fields' values and the rows.
 */
export function postedFormWithDivisions<V = CompetitionFormValues>(form: Record<string, unknown>): PostedForm<V> {
  const values = Object.fromEntries(Object.entries(form).filter(([name]) => !name.startsWith("divisions.")));
  return { values: values as V, rows: divisionRowsOf(form) };
}

/**
 * A form's input (`formValuesToInput` for a new competition,
 * `formValuesToPatch` for an edit) with the divisions of its rows (`[]` when
 * every row is empty: one board). Locked divisions are left out (their
 * inputs are disabled, so not sent).
 */
export function withDivisionRows(
  input: Record<string, unknown>,
  rows: readonly DivisionRow[],
  divisionsLocked = false,
): Record<string, unknown> {
  return divisionsLocked ? input : { ...input, divisions: divisionsFromRows(rows) };
}

/** The rows and their messages to show again after a refusal. */
export function refusedDivisions(
  posted: PostedCompetitionForm,
  error: { issues: FieldIssue[] },
): { rows: DivisionRow[]; errors: DivisionErrors } {
  return { rows: posted.rows, errors: divisionErrorsOf(error.issues) };
}

/** The create form to show again after a refusal: the values as posted, each field's message, the division rows. */
export interface RefusedCompetitionForm {
  values: CompetitionFormValues;
  errors: FieldErrors;
  divisions: { rows: DivisionRow[]; errors: DivisionErrors };
}

/**
 * Creates a competition from a posted create form through `create` (the
 * create use-case, bound to its caller), or, when it refuses the input
 * (`ValidationError`), the form to show again; any other error propagates.
 * The one translation for every page that creates from a form (the site's
 * and the Whop community's).
 */
export async function createFromPostedForm<T>(
  posted: PostedCompetitionForm,
  create: (input: Record<string, unknown>, formToken: string | undefined) => Promise<T>,
): Promise<{ created: T } | { refused: RefusedCompetitionForm }> {
  try {
    const input = withDivisionRows(formValuesToInput(posted.values), posted.rows);
    return { created: await create(input, posted.values.formToken) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const refused = { values: posted.values, errors: formErrorsOf(error), divisions: refusedDivisions(posted, error) };
    return { refused };
  }
}

/** Props of {@link DivisionFields}. */
export interface DivisionFieldsProps {
  /** The `id` of the competition form the rows belong to (they are outside it). */
  form: string;
  rows: DivisionRow[];
  errors: DivisionErrors;
  /** Locked with the prize (a priced draft's, or a funded competition's). */
  locked?: boolean;
}

/**
 * `<DivisionFields form="create-competition" rows={rows} errors={errors} />`, placed after the form's
 * island and before its submit button: folded (a native `<details>`) until a
 * row has something in it or a message.
 */
export function DivisionFields(props: DivisionFieldsProps) {
  const { rows, errors } = props;
  const open = Object.keys(errors).length > 0 || divisionsFromRows(rows).length > 0;
  return (
    <details class="division-fields" open={open || undefined}>
      <summary>Divisions (optional): boards by store size</summary>
      <p class="hint" id="divisions-hint">
        Split the stores into boards by size, so small stores race stores their size. Each store is placed at the start
        by its sales over the 30 days before: in the first division whose "sales up to" is above them. Give every
        division but the last one, rising; the last takes the rest. With divisions, the prize above must be their total.
      </p>
      {errors.divisions && <p class="field-error" role="alert">{errors.divisions}</p>}
      {rows.map((row, i) => (
        <fieldset class="division-row" key={i} aria-describedby="divisions-hint">
          <legend>Division {i + 1}</legend>
          {ROW_FIELDS.map((field) => (
            <FormField
              key={field}
              form={props.form}
              name={fieldName(i, field)}
              label={LABELS[field]}
              value={row[field]}
              error={errors[fieldName(i, field)]}
              disabled={props.locked || undefined}
              inputMode={field === "name" ? undefined : field === "prizeSplit" ? "numeric" : "decimal"}
              autoComplete="off"
            />
          ))}
        </fieldset>
      ))}
    </details>
  );
}

const LABELS: Record<keyof DivisionRow, string> = {
  name: "Name",
  upTo: "Sales up to",
  prize: "Prize",
  prizeSplit: "Split (%)",
};
