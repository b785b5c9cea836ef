/**
 * The server's side of the currency field (`currency_field.tsx`): on import,
 * gives the field the currencies a competition may use. Only server modules
 * import it (the pages that render the form, for this effect), so the list
 * never reaches an island's bundle; in the browser the field reads the
 * choices from the `<select>` the server rendered.
 */
import { currencyChoiceGroups } from "../lib/whop/currencies.ts";
import { provideCurrencyChoices } from "./currency_field.tsx";

provideCurrencyChoices(currencyChoiceGroups());
