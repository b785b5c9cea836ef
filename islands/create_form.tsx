/**
 * Island: the competition form with client-side validation by the shared
 * schema. A field is checked once it has been changed and left (or on
 * submit), so tabbing through an empty form shows no errors; a server
 * message stays until its field changes; an invalid submit is stopped and
 * focus moves to the first field in error. What the visitor typed before the
 * island woke (its scripts arriving late) is taken as typed, never checked
 * against the server's empty values.
 */
import { useEffect, useReducer, useRef } from "preact/hooks";
import { CompetitionForm } from "../components/competition_form.tsx";
import {
  COMPETITION_FIELDS,
  type CompetitionField,
  type CompetitionFormValues,
  type FieldErrors,
  validateCompetitionForm,
} from "../components/competition_form_values.ts";
import { isoToZonedInput, zonedInputToIso } from "../components/local_date_time.ts";

/** Props: where to post, the values and server errors to start from, and the rules' settings. */
export interface CreateFormProps {
  /** The form's id (the create form's token and button sit outside the island, `form`-attributed to it). */
  id?: string;
  action: string;
  submitLabel?: string;
  values: CompetitionFormValues;
  errors: FieldErrors;
  /** The shortest allowed competition (the server's `COMPETITION_MIN_DURATION_S`). */
  minDurationS: number;
  /** Rules shown but not editable, and why. */
  locked?: readonly string[];
  lockNote?: string;
}

/** The fields (`#field-<name>`, not the checkbox) whose value differs from `values`: typed before hydration. */
function typedBeforeWaking(values: CompetitionFormValues): Partial<CompetitionFormValues> {
  const typed: Record<string, string> = {};
  for (const name of [...COMPETITION_FIELDS, "duration"] as const) {
    const control = document.getElementById(`field-${name}`) as HTMLInputElement | null;
    if (control && control.type !== "checkbox" && control.value !== (values[name] ?? "")) typed[name] = control.value;
  }
  return typed;
}

/** `<CreateForm action="/competitions/new" submitLabel="Create" values={…} errors={…} minDurationS={3600} />` */
export default function CreateForm(props: CreateFormProps) {
  // Plain hooks, no signals: the form page then loads no signals runtime (it has no other island).
  const form = useRef({
    values: props.values,
    serverErrors: props.errors,
    clientErrors: {} as FieldErrors,
    checked: new Set<CompetitionField>(),
    edited: new Set<CompetitionField>(),
  }).current;
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    // What the visitor typed before the island woke (its scripts came late) is theirs, in their own wall clock.
    const typed = typedBeforeWaking(form.values);
    for (const field of Object.keys(typed)) form.edited.add(field as CompetitionField);
    // The server writes the dates in UTC; in the browser they are the visitor's wall-clock times.
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const from = form.values.timeZone ?? "UTC";
    const convert = (value: string) => value && isoToZonedInput(zonedInputToIso(value, from), timeZone);
    form.values = {
      ...form.values,
      startDate: convert(form.values.startDate),
      endDate: convert(form.values.endDate),
      ...typed,
      timeZone,
    };
    if (typed.startDate !== undefined || typed.duration !== undefined) followLength();
    rerender(0);
  }, []);

  const validate = () => {
    const all = validateCompetitionForm(form.values, { now: Date.now(), minDurationS: props.minDurationS });
    const locked = props.locked ?? [];
    const shown: FieldErrors = {};
    for (const field of form.checked) if (!locked.includes(field) && all[field]) shown[field] = all[field];
    form.clientErrors = shown;
    return shown;
  };
  /** With a length from the list, the end follows the start (shown in the end field). */
  const followLength = () => {
    const seconds = Number(form.values.duration);
    const zone = form.values.timeZone ?? "UTC";
    const start = Date.parse(zonedInputToIso(form.values.startDate, zone));
    if (!(seconds > 0) || Number.isNaN(start)) return;
    form.values = { ...form.values, endDate: isoToZonedInput(new Date(start + seconds * 1000).toISOString(), zone) };
  };
  const onFieldInput = (field: CompetitionField, value: string) => {
    form.values = { ...form.values, [field]: value };
    // Typing an end is choosing a custom one; a new start moves a listed length's end.
    if (field === "endDate") form.values = { ...form.values, duration: "custom" };
    if (field === "startDate") followLength();
    form.edited.add(field);
    if (form.serverErrors[field]) form.serverErrors = { ...form.serverErrors, [field]: undefined };
    if (form.checked.has(field)) validate();
    rerender(0);
  };
  const onFormInput = (name: "duration" | "privacy", value: string) => {
    form.values = { ...form.values, [name]: value };
    followLength();
    if (form.checked.has("endDate")) validate();
    rerender(0);
  };
  const onFieldBlur = (field: CompetitionField) => {
    if (!form.edited.has(field)) return;
    form.checked.add(field);
    validate();
    rerender(0);
  };
  const onSubmit = (event: SubmitEvent) => {
    form.checked = new Set(COMPETITION_FIELDS);
    const errors = validate();
    rerender(0);
    const first = COMPETITION_FIELDS.find((field) => errors[field]);
    if (!first) return;
    event.preventDefault();
    document.getElementById(`field-${first}`)?.focus();
  };

  return (
    <CompetitionForm
      id={props.id}
      action={props.action}
      submitLabel={props.submitLabel}
      values={form.values}
      errors={{ ...form.serverErrors, ...form.clientErrors }}
      locked={props.locked}
      lockNote={props.lockNote}
      onFieldInput={onFieldInput}
      onFieldBlur={onFieldBlur}
      onFormInput={onFormInput}
      onSubmit={onSubmit}
    />
  );
}
