/** The "create a competition" card: the new-competition page and the dashboard's create tab show it. */
import type { CompetitionFormValues, FieldErrors } from "./competition_form_values.ts";
import { CreateFormIsland, SubmitButtonIsland } from "./island_wrappers.ts";
import { newFormToken } from "../lib/web/form_once.ts";
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
        id="create-competition"
        action={props.action ?? "/competitions/new"}
        values={props.values}
        errors={props.errors}
        minDurationS={props.minDurationS}
      />
      <DivisionFields
        form="create-competition"
        rows={props.divisions?.rows ?? divisionRowsFromView({})}
        errors={props.divisions?.errors ?? {}}
      />
      {/* The one-time token (lib/web/form_once.ts): new for a fresh form, the same when it is shown again with errors. */}
      <input
        type="hidden"
        form="create-competition"
        name="formToken"
        value={props.values.formToken ?? newFormToken()}
      />
      <SubmitButtonIsland form="create-competition" label="Create draft" pendingLabel="Creating the draft…" />
    </section>
  );
}
