/**
 * The competition form's currency: a `<select>` of the currencies a
 * competition may use (Whop's, the common ones first), never a typed code.
 *
 * The list stays out of the create form island's JavaScript: on the server
 * `currency_choices.tsx` provides the choices ({@link provideCurrencyChoices}),
 * and in the browser, where nothing provides them, the island reads them
 * once from the `<select>` the server rendered, while it hydrates over it.
 * No Preact context: it would weigh on every island's shared chunk.
 */
import type { CurrencyChoiceGroup } from "../lib/whop/currencies.ts";
import { FormField, type FormFieldProps } from "./form_field.tsx";

/** The currencies to offer: the server's, else (in the browser) those read from the page once. */
let choices: readonly CurrencyChoiceGroup[] | undefined;

/** Gives the field the currencies to offer (the server's pages, through `currency_choices.tsx`). */
export function provideCurrencyChoices(groups: readonly CurrencyChoiceGroup[]): void {
  choices = groups;
}

/** The groups of the `<select id>` the server rendered in this document (the browser side). */
function choicesInDocument(id: string): CurrencyChoiceGroup[] {
  return [...globalThis.document?.querySelectorAll<HTMLOptGroupElement>(`#${id} optgroup`) ?? []].map((group) => ({
    label: group.label,
    options: [...group.querySelectorAll("option")].map((option) => ({ value: option.value, label: option.text })),
  }));
}

/**
 * The chosen value kept offerable: a code the list lacks (a draft made
 * through the API, a refused value shown again) is added first, as typed,
 * so the form shows what is stored and the server's message beside it.
 */
function withValue(groups: readonly CurrencyChoiceGroup[], value: string): readonly CurrencyChoiceGroup[] {
  if (!value || groups.length === 0 || groups.some((group) => group.options.some((o) => o.value === value))) {
    return groups;
  }
  const [first, ...rest] = groups;
  return [{ ...first, options: [{ value, label: value }, ...first.options] }, ...rest];
}

/** `<CurrencyField name="currency" label="Currency" value="USD" error={e} />`, inside the form. */
export function CurrencyField(props: Omit<FormFieldProps, "options" | "optionGroups">) {
  choices ??= choicesInDocument(`field-${props.name}`);
  return <FormField {...props} optionGroups={withValue(choices, props.value)} />;
}
