/** The "create a competition" card: the new-competition page and the dashboard's create tab show it. */
import type { CompetitionFormValues, FieldErrors } from "./competition_form_values.ts";
import { CreateFormIsland } from "./island_wrappers.ts";
import { COMPETITION_FORM_ID } from "./competition_form.tsx";
import { type DivisionErrors, DivisionFields, type DivisionRow, divisionRowsFromView } from "./division_fields.tsx";

/** The create form section, also shown on the dashboard's "create" tab. */
export function CreateCompetitionSection(
  props: {
    values: CompetitionFormValues;
    errors: FieldErrors;
    minDurationS: number;
    /** The division rows as posted (empty ones by default) and their messages. */
    divisions?: { rows: DivisionRow[]; errors: DivisionErrors };
    /** Where the form posts; default `/competitions/new` (a community's view posts to its own route). */
    action?: string;
  },
) {
  return (
    <section class="card form-card" aria-labelledby="create-heading">
      <h2 id="create-heading">Create a competition</h2>
      <p class="muted">
        It starts as a draft. Fund the prize through Whop before the start, or it is cancelled when the start passes.
      </p>
      <CreateFormIsland
        action={props.action ?? "/competitions/new"}
        values={props.values}
        errors={props.errors}
        minDurationS={props.minDurationS}
      />
      <DivisionFields
        rows={props.divisions?.rows ?? divisionRowsFromView({})}
        errors={props.divisions?.errors ?? {}}
      />
      <button type="submit" form={COMPETITION_FORM_ID}>Create draft</button>
    </section>
  );
}
