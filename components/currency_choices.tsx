/**
 * The server's side of the currency field (`currency_field.tsx`): provides
 * the currencies a competition may use to the forms rendered inside it.
 * Imported by pages only, so the list never reaches an island's bundle.
 */
import type { ComponentChildren } from "preact";
import { currencyChoiceGroups } from "../lib/whop/currencies.ts";
import { CurrencyChoices } from "./currency_field.tsx";

let groups: ReturnType<typeof currencyChoiceGroups> | undefined;

/** `<WithCurrencyChoices><CreateFormIsland … /></WithCurrencyChoices>` */
export function WithCurrencyChoices(props: { children: ComponentChildren }) {
  groups ??= currencyChoiceGroups();
  return <CurrencyChoices.Provider value={groups}>{props.children}</CurrencyChoices.Provider>;
}
