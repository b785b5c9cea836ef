/**
 * The competition form's markup (create and edit), posting
 * `application/x-www-form-urlencoded`: its fields with hints and messages.
 * What the values are and how they convert is `competition_form_values.ts`;
 * the create-form island renders this same form with its handlers.
 */
import { type Metric, METRICS } from "../lib/competitions/input.ts";
import {
  type CompetitionField,
  type CompetitionFormValues,
  DURATIONS,
  endPreview,
  type FieldErrors,
  splitPreview,
} from "./competition_form_values.ts";
import { FormField } from "./form_field.tsx";
import { knownTimeZone } from "./local_date_time.ts";
import { METRIC_LABELS, METRIC_SENTENCES } from "./page_text.ts";

/** Props of {@link CompetitionForm}. */
export interface CompetitionFormProps {
  /** The form's id, for controls rendered outside it (the `form` attribute: the create form's token and button). */
  id?: string;
  action: string;
  /** The submit button's label; without it the form has no button of its own (the create form's is outside it). */
  submitLabel?: string;
  values: CompetitionFormValues;
  errors: FieldErrors;
  /** Rules shown but not editable (a funded competition's, or a priced draft's prize), by field name. */
  locked?: readonly string[];
  /** Why they are locked, shown under the form. */
  lockNote?: string;
  onFieldInput?: (field: CompetitionField, value: string) => void;
  onFieldBlur?: (field: CompetitionField) => void;
  /** A form-only control changed: the length (`duration`) or who sees the figures (`privacy`). */
  onFormInput?: (name: "duration" | "privacy", value: string) => void;
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
    <form
      id={props.id}
      method="post"
      action={props.action}
      class="competition-form"
      noValidate
      onSubmit={props.onSubmit}
    >
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
          disabled={locked.includes("privacy") || undefined}
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
            disabled={locked.includes("endDate") || undefined}
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
      {locked.length > 0 && props.lockNote && <p class="hint">{props.lockNote}</p>}
      {props.submitLabel && <button type="submit">{props.submitLabel}</button>}
    </form>
  );
}

/** The metric a select value names; revenue for anything else. */
function metricOf(value: string): Metric {
  return (METRICS as readonly string[]).includes(value) ? value as Metric : "revenue";
}
