/**
 * A competition's input: its fields, their rules and the checks the server
 * and the create-form island share (`competitionInputChecks`), so both give
 * the same messages. The whole input the server takes, divisions and the
 * conversion included, is `input_schema.ts`.
 */
import * as z from "zod/mini";
import { currencyExponent, isCurrency, type Minor, MoneyError, parseMoney } from "../core/money.ts";
import type { Division, InputIssue } from "./division_input.ts";

/** The largest prize, in whole units of the competition's currency. */
export const MAX_PRIZE_UNITS = 1_000_000;
/** How far back Shopify's `read_orders` scope reads: orders created in the last 60 days. */
export const SHOPIFY_ORDER_WINDOW_S = 60 * 24 * 3600;
/**
 * What the longest competition keeps free of that window after its end:
 * the settlement delay (3 days by default), during which the final sync
 * reads every order of the competition again, and a day for a final sync
 * that runs late.
 */
export const FINAL_SYNC_ALLOWANCE_S = 4 * 24 * 3600;
/** The longest competition (56 days): every order it counts is still readable from Shopify at its final sync. */
export const MAX_DURATION_S = SHOPIFY_ORDER_WINDOW_S - FINAL_SYNC_ALLOWANCE_S;
/**
 * The longest competition ranked by growth. Its baseline is the equal window
 * before the start, read when a store joins (up to the end); Shopify's
 * `read_orders` scope reads the last 60 days, so start − duration must lie
 * within 60 days of the end: at most 30 days.
 */
export const GROWTH_MAX_DURATION_S = SHOPIFY_ORDER_WINDOW_S / 2;
/** The most places a prize can be split between. */
export const MAX_PLACES = 10;
/** The default minimum baseline of a growth competition, in whole units of its currency. */
export const DEFAULT_GROWTH_MIN_BASELINE_UNITS = 100;

/** What a competition ranks by. */
export type Metric = "revenue" | "orders" | "growth";

/** Every metric, the default first. */
export const METRICS: readonly Metric[] = ["revenue", "orders", "growth"];

/** What the rules depend on besides the input: the clock and the settings. */
export interface InputRules {
  now: number;
  minDurationS: number;
  /**
   * The currencies a prize may be in beyond being ISO 4217: on the server,
   * those Whop can charge and pay out in (`lib/whop/currencies.ts`). The
   * create form's island leaves it out, so it does not carry the list.
   */
  acceptsCurrency?: (code: string) => boolean;
}

/** A valid competition input, money in minor units and dates normalized. */
export interface CompetitionInput {
  title: string;
  description: string;
  prize: Minor;
  currency: string;
  startDate: string;
  endDate: string;
  /** `"ranks"`: others see ranks and shares of the leader, never a store's figure (default `"open"`). */
  privacy?: Privacy;
  /** The Whop experience (community) the competition belongs to; only its members see and join it. */
  experienceId?: string;
  /** Whole percentages of the prize for 1st, 2nd, …; 1 to 10 places summing to 100. */
  prizeSplit: number[];
  metric: Metric;
  /** Growth only: stores whose baseline is below this rank after the others, by revenue. */
  growthMinBaseline: Minor;
  /** Count orders from draft orders and manual payment gateways without holding them (default: held). */
  countManualOrders?: boolean;
  /**
   * The most one customer's orders add to one store (revenue, growth); under
   * the orders metric, one order per customer per day counts. Absent: no cap.
   */
  customerCap?: Minor;
  /**
   * The competition's boards by store size (`divisions.ts`), in order; the
   * prize is then their total. Absent: one board.
   */
  divisions?: Division[];
}

/** A Whop experience id, e.g. `exp_XXXXXXXX`. */
export const EXPERIENCE_ID = /^exp_[A-Za-z0-9]{1,60}$/;

/** Who sees each store's exact figure: everyone (`open`), or only the store's owner and the creator (`ranks`). */
export type Privacy = "open" | "ranks";

function describeDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? "" : "s"}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? "" : "s"}`;
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

const text = (message: string) => z.string({ error: message }).check(z.trim());

/** The community field: a Whop experience id, trimmed. */
const experienceIdField = z.optional(
  text("The experience id must be text.").check(
    z.refine((value) => EXPERIENCE_ID.test(value), "The experience id must look like exp_XXXX (a Whop experience id)."),
  ),
);

/**
 * The experience id an input names, normalised exactly as the schema stores
 * it (trimmed), or undefined when it names none or an invalid one: what the
 * create use-case authorises when the rest of the input is refused.
 * @example experienceIdOf({ experienceId: " exp_Club01" }) // "exp_Club01"
 */
export function experienceIdOf(input: unknown): string | undefined {
  const value = typeof input === "object" && input !== null
    ? (input as { experienceId?: unknown }).experienceId
    : undefined;
  const result = experienceIdField.safeParse(value);
  return result.success ? result.data : undefined;
}

/** The fields of a competition's input, each as text or its shape (checked by {@link checkFields}). */
export const competitionFields = {
  title: text("Give the competition a title.").check(
    z.minLength(3, "Give the competition a title of at least 3 characters."),
    z.maxLength(100, "Keep the title to 100 characters or fewer."),
  ),
  description: z._default(
    text("The description must be text.").check(
      z.maxLength(2000, "Keep the description to 2,000 characters or fewer."),
    ),
    "",
  ),
  prize: text("Enter the prize as an amount such as 500.00."),
  currency: text("Choose a currency such as USD.").check(
    z.toUpperCase(),
    z.refine(isCurrency, "Choose a currency such as USD (a three-letter ISO 4217 code)."),
  ),
  startDate: text("Enter when the competition starts.").check(
    z.refine((value) => !Number.isNaN(Date.parse(value)), "Enter the start as a date and time."),
  ),
  endDate: text("Enter when the competition ends.").check(
    z.refine((value) => !Number.isNaN(Date.parse(value)), "Enter the end as a date and time."),
  ),
  privacy: z.optional(z.enum(["open", "ranks"], { error: "Privacy must be open or ranks." })),
  experienceId: experienceIdField,
  prizeSplit: z._default(
    z.array(z.number({ error: "Enter each place's share as a whole percentage, e.g. 60, 30, 10." }), {
      error: "Enter the split as a list of whole percentages, e.g. [60, 30, 10].",
    }),
    [100],
  ),
  metric: z._default(
    z.enum(METRICS, { error: "Choose what the competition ranks by: revenue, orders or growth." }),
    "revenue",
  ),
  growthMinBaseline: z.optional(text("Enter the minimum baseline as an amount such as 100.00.")),
  countManualOrders: z.optional(z.boolean({ error: "countManualOrders must be true or false." })),
  customerCap: z.optional(text("Enter the customer cap as an amount such as 250.00.")),
};

const ORDINALS = ["1st", "2nd", "3rd"];

/** `1` → "1st", `4` → "4th" (places go up to 10). */
export function ordinal(place: number): string {
  return ORDINALS[place - 1] ?? `${place}th`;
}

/** The issues of a prize split, each with its path and sentence. */
export function splitIssues(split: number[]): InputIssue[] {
  if (split.length === 0) return [{ path: ["prizeSplit"], message: "Give 1st place a share of the prize." }];
  if (split.length > MAX_PLACES) {
    return [{ path: ["prizeSplit"], message: `A prize can be split between at most ${MAX_PLACES} places.` }];
  }
  const issues = split.flatMap((share, i) => {
    const place = ordinal(i + 1);
    if (!Number.isInteger(share)) {
      return [{ path: ["prizeSplit", i], message: `The ${place} place share must be a whole percentage.` }];
    }
    if (share <= 0) return [{ path: ["prizeSplit", i], message: `The ${place} place share must be more than 0%.` }];
    return [];
  });
  const sum = split.reduce((total, share) => total + share, 0);
  if (issues.length === 0 && sum !== 100) {
    issues.push({ path: ["prizeSplit"], message: `The shares add up to ${sum}%; they must add up to 100%.` });
  }
  return issues;
}

/**
 * Parses an amount field in the currency, or reports why it is not one:
 * too many decimals for the currency, or not a plain decimal (a sign, an
 * exponent, text), worded with the field's `noun` and an `example`.
 */
export function readAmount(
  value: string,
  currency: string,
  report: (message: string) => void,
  noun: string,
  example: string,
) {
  try {
    return parseMoney(value, currency);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    report(
      error.message.includes("decimal place") ? error.message : `Enter the ${noun} as an amount such as ${example}.`,
    );
  }
}

/** What the rules of the fields the create form's island checks read (the prize may be absent with divisions). */
export type CheckedFields = Omit<z.output<z.ZodMiniObject<typeof competitionFields>>, "prize"> & { prize?: string };

/** Reports an issue at a path of the input. */
export type Report = (path: (string | number)[], message: string) => void;

/**
 * Checks every field but the divisions, reporting each broken rule: the rules
 * the create form's island checks as the visitor types and the server checks
 * again. An absent prize is left to the caller (it is derived from divisions).
 */
export function checkFields(input: CheckedFields, rules: InputRules, report: Report): void {
  const issue = (path: string, message: string) => report([path], message);
  for (const found of splitIssues(input.prizeSplit)) report(found.path, found.message);
  if (isCurrency(input.currency) && rules.acceptsCurrency && !rules.acceptsCurrency(input.currency)) {
    issue(
      "currency",
      `Whop cannot take or pay out prizes in ${input.currency}; choose a currency Whop supports, such as USD, EUR, GBP or JPY.`,
    );
  } else if (isCurrency(input.currency)) {
    const amount = (path: string, value: string, noun: string, example: string) =>
      readAmount(value, input.currency, (message) => issue(path, message), noun, example);
    const prize = input.prize === undefined ? undefined : amount("prize", input.prize, "prize", "500.00");
    if (prize !== undefined && prize <= 0) issue("prize", "The prize must be more than zero.");
    else if (prize !== undefined && prize > maxPrize(input.currency)) issue("prize", maxPrizeSentence(input.currency));
    if (input.growthMinBaseline !== undefined) {
      amount("growthMinBaseline", input.growthMinBaseline, "minimum baseline", "100.00");
    }
    if (
      input.customerCap !== undefined && amount("customerCap", input.customerCap, "customer cap", "250.00") === 0
    ) {
      issue("customerCap", "The customer cap must be more than zero.");
    }
  }
  const start = Date.parse(input.startDate);
  const end = Date.parse(input.endDate);
  if (Number.isNaN(start) || Number.isNaN(end)) return;
  if (start <= rules.now) issue("startDate", "The start must be in the future.");
  const seconds = (end - start) / 1000;
  if (end <= start) issue("endDate", "The end must be after the start.");
  else if (seconds < rules.minDurationS) {
    issue("endDate", `The competition must last at least ${describeDuration(rules.minDurationS)}.`);
  } else if (seconds > MAX_DURATION_S) {
    issue(
      "endDate",
      `The competition can last at most ${
        describeDuration(MAX_DURATION_S)
      }: Shopify shows the app only the last 60 days of a store's orders, and every order must still be readable when the results are settled.`,
    );
  } else if (input.metric === "growth" && seconds > GROWTH_MAX_DURATION_S) {
    issue(
      "metric",
      "A competition ranked by growth can last at most 30 days: each store's baseline is its revenue in the equal period before the start, and Shopify lets the app read only the last 60 days of orders.",
    );
  }
}

/** The largest prize in minor units of `currency`. */
export function maxPrize(currency: string): Minor {
  return MAX_PRIZE_UNITS * 10 ** currencyExponent(currency);
}

/** The sentence of a prize above {@link maxPrize}. */
export function maxPrizeSentence(currency: string): string {
  return `The prize can be at most ${MAX_PRIZE_UNITS.toLocaleString("en-US")} ${currency}.`;
}

/**
 * The rules of the fields the create form's island checks (every field but
 * the divisions), without converting them: the same messages as the server
 * (`input_schema.ts` runs them too), and a bundle that carries neither the
 * divisions' rules nor the conversion.
 *
 * @example
 * competitionInputChecks({ now: Date.now(), minDurationS: 3600 }).safeParse(input).success
 */
export function competitionInputChecks(rules: InputRules) {
  return z.object(competitionFields).check(z.superRefine((input, ctx) => {
    checkFields(input, rules, (path, message) => ctx.issues.push({ code: "custom", path, message, input }));
  }));
}
