/**
 * The currencies a competition may use: those Whop can charge and pay out
 * in. The list is `Currency` of `@whop/sdk` (`resources/shared.d.ts`), copied
 * here as data in the SDK's order and spelling; `currencies_test.ts` reads
 * the installed SDK's declaration and fails when the two differ, so the list
 * cannot drift from the SDK the app talks to Whop with.
 *
 * Whop's list also names crypto assets and its own units (`btc`, `eth`,
 * `usdt`, `ape`, `whop_usd`, `xau`): a prize is an ISO 4217 currency the
 * app's money arithmetic knows, so only the list's ISO 4217 codes are
 * accepted. It is checked on the server only, and the forms offer it as a
 * `<select>` the server renders ({@link currencyChoiceGroups}): the create
 * form's island does not carry the list (`components/currency_field.tsx`).
 */
import { isCurrency } from "../core/money.ts";

/** `Currency` of `@whop/sdk` 0.0.42, as Whop's API spells it (lower case). */
export const WHOP_CURRENCIES: readonly string[] = [
  "usd",
  "sgd",
  "inr",
  "aud",
  "brl",
  "cad",
  "dkk",
  "eur",
  "nok",
  "gbp",
  "sek",
  "chf",
  "hkd",
  "huf",
  "jpy",
  "mxn",
  "myr",
  "pln",
  "czk",
  "nzd",
  "aed",
  "eth",
  "ape",
  "cop",
  "ron",
  "thb",
  "bgn",
  "idr",
  "dop",
  "php",
  "try",
  "krw",
  "twd",
  "vnd",
  "pkr",
  "clp",
  "uyu",
  "ars",
  "zar",
  "dzd",
  "tnd",
  "mad",
  "kes",
  "kwd",
  "jod",
  "all",
  "xcd",
  "amd",
  "bsd",
  "bhd",
  "bob",
  "bam",
  "khr",
  "crc",
  "xof",
  "egp",
  "etb",
  "gmd",
  "ghs",
  "gtq",
  "gyd",
  "ils",
  "jmd",
  "mop",
  "mga",
  "mur",
  "mdl",
  "mnt",
  "nad",
  "ngn",
  "mkd",
  "omr",
  "pyg",
  "pen",
  "qar",
  "rwf",
  "sar",
  "rsd",
  "lkr",
  "tzs",
  "ttd",
  "uzs",
  "rub",
  "btc",
  "cny",
  "usdt",
  "kzt",
  "awg",
  "whop_usd",
  "xau",
];

const listed = new Set(WHOP_CURRENCIES);

/**
 * Whether a competition may use `code` (upper-case ISO 4217, e.g. `JPY`):
 * Whop lists it and it is an ISO 4217 currency this runtime knows.
 *
 * @example
 * isWhopCurrency("JPY"); // true
 * isWhopCurrency("ISK"); // false: Whop does not take Icelandic krónur
 */
export function isWhopCurrency(code: string): boolean {
  return isCurrency(code) && listed.has(code.toLowerCase());
}

/** One currency as the create form offers it: its code and `CODE · Name`. */
export interface CurrencyChoice {
  value: string;
  label: string;
}

/** A labelled group of choices (an `<optgroup>`). */
export interface CurrencyChoiceGroup {
  label: string;
  options: CurrencyChoice[];
}

/** The currencies most prizes are in, offered first (in this order). */
export const COMMON_CURRENCIES: readonly string[] = ["USD", "EUR", "GBP", "CAD", "AUD", "JPY", "INR", "BRL"];

/**
 * The currencies a competition may use, for the create and edit forms'
 * `<select>`: the common ones first, then every other one Whop takes, by
 * name, each as `CODE · English name`.
 *
 * @example currencyChoiceGroups()[0].options[0] // { value: "USD", label: "USD · US Dollar" }
 */
export function currencyChoiceGroups(): CurrencyChoiceGroup[] {
  const names = new Intl.DisplayNames(["en"], { type: "currency" });
  const choice = (code: string): CurrencyChoice => ({ value: code, label: `${code} · ${names.of(code) ?? code}` });
  const others = WHOP_CURRENCIES.map((code) => code.toUpperCase())
    .filter((code) => isWhopCurrency(code) && !COMMON_CURRENCIES.includes(code))
    .map(choice)
    .sort((a, b) => a.label.slice(6).localeCompare(b.label.slice(6), "en"));
  return [
    { label: "Common", options: COMMON_CURRENCIES.map(choice) },
    { label: "Every other currency Whop pays out in", options: others },
  ];
}
