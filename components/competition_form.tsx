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
  suggestedCustomerCap,
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

const PRIVACY_CHOICES = [
  { value: "open", label: "Everyone sees every figure" },
  { value: "ranks", label: "Ranks only (privacy mode)" },
];

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
  const formInput = (name: "duration" | "privacy") =>
    props.onFormInput && ((event: Event) => props.onFormInput!(name, (event.currentTarget as HTMLSelectElement).value));
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
        <FormField
          {...control("metric")}
          label="Ranked by"
          hint={METRIC_SENTENCES[metricOf(values.metric)]}
          options={METRICS.map((metric) => ({ value: metric, label: METRIC_LABELS[metric] }))}
        />
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
      <FormField
        name="privacy"
        label="Who sees each store's figures"
        hint="With ranks only, everyone sees the ranking and each store's share of the leader; each owner sees its own figures and you see all."
        value={values.privacy ?? "open"}
        options={PRIVACY_CHOICES}
        disabled={locked.includes("privacy") || undefined}
        onInput={formInput("privacy")}
      />
      <fieldset class="field-group">
        <legend>What counts</legend>
        <div class="field">
          <label class="checkbox" for="field-countManualOrders">
            <input
              type="checkbox"
              id="field-countManualOrders"
              name="countManualOrders"
              value="on"
              checked={values.countManualOrders === "on"}
              disabled={locked.includes("countManualOrders") || undefined}
              aria-describedby="field-countManualOrders-hint"
              onInput={props.onFieldInput &&
                ((event: Event) =>
                  props.onFieldInput!(
                    "countManualOrders",
                    (event.currentTarget as HTMLInputElement).checked ? "on" : "",
                  ))}
            />
            Count orders entered by hand
          </label>
          <span class="hint" id="field-countManualOrders-hint">
            Draft orders and orders paid through a manual gateway (cash, bank transfer, "mark as paid") are made by the
            store itself, not bought at the checkout. Unticked, each is held until you count or exclude it.
          </span>
        </div>
        <FormField
          {...control("customerCap")}
          label="Customer cap (optional)"
          hint={values.metric === "orders"
            ? "Any amount turns it on: ranked by orders, one order per customer per day counts. Empty: no cap."
            : capHint(values)}
          inputMode="decimal"
          autoComplete="off"
        />
      </fieldset>
      <input type="hidden" name="timeZone" value={knownTimeZone(values.timeZone)} />
      <div class="field-row">
        <FormField
          {...control("startDate")}
          label="Starts"
          hint={`In your time zone: ${knownTimeZone(values.timeZone)}`}
          type="datetime-local"
        />
        <FormField
          name="duration"
          label="Lasts"
          hint={endPreview(values)}
          value={values.duration ?? "custom"}
          options={DURATIONS}
          disabled={locked.includes("endDate") || undefined}
          onInput={formInput("duration")}
        />
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

/** What the cap is, with the value the form suggests and why. */
function capHint(values: CompetitionFormValues): string {
  const suggested = suggestedCustomerCap(values);
  return "The most one customer's orders add to one store; empty: no cap. " +
    (suggested
      ? `Suggested: ${suggested} ${values.currency.trim().toUpperCase()}, a quarter of the prize:`
      : "A quarter of the prize is a good start:") +
    " no single buyer, the owner's own card included, can then add more, so buying the win takes many customers.";
}

/** The metric a select value names; revenue for anything else. */
function metricOf(value: string): Metric {
  return (METRICS as readonly string[]).includes(value) ? value as Metric : "revenue";
}
