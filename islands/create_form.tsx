/**
 * Island: the competition form with client-side validation by the shared
 * schema. A field is checked once it has been changed and left (or on
 * submit), so tabbing through an empty form shows no errors; a server
 * message stays until its field changes; an invalid submit is stopped and
 * focus moves to the first field in error.
 */
import { useSignal } from "@preact/signals";
import {
  COMPETITION_FIELDS,
  type CompetitionField,
  CompetitionForm,
  type CompetitionFormValues,
  type FieldErrors,
  validateCompetitionForm,
} from "../components/competition_form.tsx";

/** Props: where to post, the values and server errors to start from, and the rules' settings. */
export interface CreateFormProps {
  action: string;
  submitLabel: string;
  values: CompetitionFormValues;
  errors: FieldErrors;
  /** The shortest allowed competition (the server's `COMPETITION_MIN_DURATION_S`). */
  minDurationS: number;
  locked?: CompetitionField[];
}

/** `<CreateForm action="/competitions/new" submitLabel="Create" values={…} errors={…} minDurationS={3600} />` */
export default function CreateForm(props: CreateFormProps) {
  const values = useSignal(props.values);
  const serverErrors = useSignal(props.errors);
  const clientErrors = useSignal<FieldErrors>({});
  const checked = useSignal<Set<CompetitionField>>(new Set());
  const edited = useSignal<Set<CompetitionField>>(new Set());

  const validate = () => {
    const all = validateCompetitionForm(values.value, { now: Date.now(), minDurationS: props.minDurationS });
    const locked = props.locked ?? [];
    const shown: FieldErrors = {};
    for (const field of checked.value) if (!locked.includes(field) && all[field]) shown[field] = all[field];
    clientErrors.value = shown;
    return shown;
  };
  const onFieldInput = (field: CompetitionField, value: string) => {
    values.value = { ...values.value, [field]: value };
    edited.value = new Set(edited.value).add(field);
    if (serverErrors.value[field]) serverErrors.value = { ...serverErrors.value, [field]: undefined };
    if (checked.value.has(field)) validate();
  };
  const onFieldBlur = (field: CompetitionField) => {
    if (!edited.value.has(field)) return;
    checked.value = new Set(checked.value).add(field);
    validate();
  };
  const onSubmit = (event: SubmitEvent) => {
    checked.value = new Set(COMPETITION_FIELDS);
    const errors = validate();
    const first = COMPETITION_FIELDS.find((field) => errors[field]);
    if (!first) return;
    event.preventDefault();
    document.getElementById(`field-${first}`)?.focus();
  };

  return (
    <CompetitionForm
      action={props.action}
      submitLabel={props.submitLabel}
      values={values.value}
      errors={{ ...serverErrors.value, ...clientErrors.value }}
      locked={props.locked}
      onFieldInput={onFieldInput}
      onFieldBlur={onFieldBlur}
      onSubmit={onSubmit}
    />
  );
}
