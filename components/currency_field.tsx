/**
 * The competition form's currency: a `<select>` of the currencies a
 * competition may use (Whop's, the common ones first), never a typed code.
 *
 * The list stays out of the create form island's JavaScript: the server's
 * pages provide the choices through {@link CurrencyChoices}
 * (`currency_choices.tsx`), and in the browser, where no page provides
 * them, the island reads them once from the `<select>` the server rendered,
 * while it hydrates over it.
 */
import { createContext } from "preact";
import { useContext, useMemo } from "preact/hooks";
import type { CurrencyChoiceGroup } from "../lib/whop/currencies.ts";
import { FormField, type FormFieldProps } from "./form_field.tsx";

/** The currencies to offer, provided by the server's pages; null in the browser. */
export const CurrencyChoices = createContext<readonly CurrencyChoiceGroup[] | null>(null);

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
  const provided = useContext(CurrencyChoices);
  const groups = useMemo(() => provided ?? choicesInDocument(`field-${props.name}`), [provided]);
  return <FormField {...props} optionGroups={withValue(groups, props.value)} />;
}
