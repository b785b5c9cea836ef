/**
 * A labelled form field — a text input, a textarea or a select (its choices
 * flat or in groups) — with its hint and its error message (`.field-error`),
 * wired for assistive technology (`aria-invalid`, `aria-describedby`).
 */
import type { JSX } from "preact";

/** One choice of a `<select>`. */
export interface FieldOption {
  value: string;
  label: string;
}

/** Props of {@link FormField}. */
export interface FormFieldProps {
  name: string;
  label: string;
  value: string;
  hint?: string;
  error?: string;
  /** A `<textarea>` instead of an `<input>`. */
  multiline?: boolean;
  /** A `<select>` of these choices instead of an `<input>`; `value` is the chosen one. */
  options?: readonly FieldOption[];
  /** A `<select>` of these labelled groups (`<optgroup>`) of choices. */
  optionGroups?: readonly { label: string; options: readonly FieldOption[] }[];
  type?: string;
  disabled?: boolean;
  maxLength?: number;
  inputMode?: JSX.HTMLAttributes["inputMode"];
  autoComplete?: string;
  /** The form it belongs to, when it is outside it (the `id` of that form). */
  form?: string;
  onInput?: (event: Event) => void;
  onBlur?: () => void;
}

/** One field: `<FormField name="title" label="Title" value={v} error={e} />`. */
export function FormField(props: FormFieldProps) {
  const { name, label, hint, error, multiline, options, optionGroups, ...control } = props;
  const id = `field-${name}`;
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  const shared = {
    ...control,
    id,
    name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described,
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      {options || optionGroups
        ? (
          <select {...shared}>
            {options?.map((option) => <Option key={option.value} option={option} chosen={control.value} />)}
            {optionGroups?.map((group) => (
              <optgroup key={group.label} label={group.label}>
                {group.options.map((option) => <Option key={option.value} option={option} chosen={control.value} />)}
              </optgroup>
            ))}
          </select>
        )
        : multiline
        ? <textarea {...shared} />
        : <input {...shared} />}
      {error && <span class="field-error" id={`${id}-error`}>{error}</span>}
    </div>
  );
}

function Option(props: { option: FieldOption; chosen: string }) {
  return <option value={props.option.value} selected={props.option.value === props.chosen}>{props.option.label}
  </option>;
}
