/**
 * A labelled form field — a text input, a textarea or a select — with its
 * hint and its error message (`.field-error`), wired for assistive
 * technology (`aria-invalid`, `aria-describedby`).
 */
import type { JSX } from "preact";

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
  options?: readonly { value: string; label: string }[];
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
  const { name, label, hint, error, multiline, options, ...control } = props;
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
      {options
        ? (
          <select {...shared}>
            {options.map((option) => (
              <option key={option.value} value={option.value} selected={option.value === control.value}>
                {option.label}
              </option>
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
