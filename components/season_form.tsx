/**
 * The season create form: plain server-rendered HTML posting
 * `application/x-www-form-urlencoded` to `/seasons/new`, checked on the
 * server (the same rules as the API), its messages next to each field; the
 * rounds' divisions are the competition form's rows. The
 * start is entered in the reader's zone (the one their browser last told the
 * server, else UTC, named beside the field), as on the competition form.
 */
import { METRICS } from "../lib/competitions/input.ts";
import { MAX_ROUNDS, MIN_ROUNDS } from "../lib/seasons/season_input.ts";
import { newFormToken } from "../lib/web/form_once.ts";
import { FormField } from "./form_field.tsx";
import { CurrencyField } from "./currency_field.tsx";
import { knownTimeZone } from "./local_date_time.ts";
import "./currency_choices.tsx";
import { METRIC_LABELS } from "./page_text.ts";
import type { SeasonField, SeasonFieldErrors, SeasonFormValues } from "./season_form_values.ts";
import { SubmitButtonIsland } from "./island_wrappers.ts";
import { type DivisionErrors, DivisionFields, type DivisionRow } from "./division_fields.tsx";

const EVERY = [
  { value: "day", label: "Every day" },
  { value: "week", label: "Every week" },
  { value: "month", label: "Every month" },
];

const PRIVACY = [
  { value: "open", label: "Everyone sees every figure" },
  { value: "ranks", label: "Ranks only (privacy mode)" },
];

/** The form's `id`: its division rows name it. */
const FORM_ID = "create-season";

/**
 * `<CreateSeasonSection values={values} errors={errors} divisions={{ rows, errors: {} }} />`: the create form in
 * its card, with the rounds' division rows (`division_fields.tsx`).
 */
export function CreateSeasonSection(
  props: {
    values: SeasonFormValues;
    errors: SeasonFieldErrors;
    divisions: { rows: DivisionRow[]; errors: DivisionErrors };
  },
) {
  const { values, errors } = props;
  const control = (name: SeasonField) => ({ name, value: values[name], error: errors[name] });
  return (
    <section class="card form-card" aria-labelledby="create-season-heading">
      <h2 id="create-season-heading">Create a season</h2>
      <p class="muted">
        A season is a series of rounds with the same rules. Each round is a competition of its own with its own prize;
        every round's places earn points, and the season prize goes to the top of the standings. One payment funds it
        all; stores join once and race every round.
      </p>
      <form id={FORM_ID} method="post" action="/seasons/new" class="competition-form" noValidate>
        {errors[""] && <p class="notice notice-error" role="alert">{errors[""]}</p>}
        <input type="hidden" name="formToken" value={values.formToken ?? newFormToken()} />
        <input type="hidden" name="timeZone" value={knownTimeZone(values.timeZone)} />
        <FormField {...control("title")} label="Title" maxLength={80} autoComplete="off" />
        <FormField {...control("description")} label="Description" hint="Optional." multiline />
        <fieldset>
          <legend>Rounds</legend>
          <div class="field-row">
            <FormField
              {...control("rounds")}
              label="Number of rounds"
              hint={`${MIN_ROUNDS} to ${MAX_ROUNDS}`}
              type="number"
              inputMode="numeric"
            />
            <FormField {...control("every")} label="A round starts" options={EVERY} />
          </div>
          <div class="field-row">
            <FormField
              {...control("startDate")}
              label="Round 1 starts"
              hint={`In your time zone: ${knownTimeZone(values.timeZone)}`}
              type="datetime-local"
            />
            <FormField
              {...control("roundHours")}
              label="Round length, hours"
              hint="Optional: each round lasts until the next one starts."
              type="number"
              inputMode="numeric"
            />
          </div>
        </fieldset>
        <fieldset>
          <legend>Each round's prize and rules</legend>
          <div class="field-row">
            <FormField {...control("prize")} label="Prize per round" hint="e.g. 100.00" inputMode="decimal" />
            <CurrencyField {...control("currency")} label="Currency" hint="Of every prize; stores must sell in it." />
          </div>
          <FormField
            {...control("prizeSplit")}
            label="Split of each round's prize"
            hint="Percentages, e.g. 60, 30, 10"
          />
          <div class="field-row">
            <FormField
              {...control("metric")}
              label="Ranked by"
              options={METRICS.map((metric) => ({ value: metric, label: METRIC_LABELS[metric] }))}
            />
            <FormField {...control("privacy")} label="Who sees the figures" options={PRIVACY} />
          </div>
        </fieldset>
        <DivisionFields form={FORM_ID} rows={props.divisions.rows} errors={props.divisions.errors} />
        <fieldset>
          <legend>Points and the season prize</legend>
          <FormField
            {...control("points")}
            label="Points for 1st, 2nd, 3rd…"
            hint="Whole numbers, highest first. Ties go to more first places, then to who got there first."
          />
          <div class="field-row">
            <FormField
              {...control("seasonPrize")}
              label="Season prize"
              hint="Optional: paid to the top of the standings after the last round; with divisions, to each division's."
              inputMode="decimal"
            />
            <FormField {...control("seasonPrizeSplit")} label="Split of the season prize" hint="e.g. 60, 40" />
          </div>
        </fieldset>
        <SubmitButtonIsland label="Create draft season" pendingLabel="Creating the season…" />
      </form>
    </section>
  );
}
