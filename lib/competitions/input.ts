/**
 * The competition form's schema: one zod (mini) schema shared by the server
 * and the create-form island, so both give the same messages.
 */
import * as z from "zod/mini";
import { currencyExponent, isCurrency, type Minor, MoneyError, parseMoney } from "../core/money.ts";

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

/** What the rules depend on besides the input: the clock and the settings. */
export interface InputRules {
  now: number;
  minDurationS: number;
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

const fields = {
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
  experienceId: z.optional(
    text("The experience id must be text.").check(
      z.regex(EXPERIENCE_ID, "The experience id must look like exp_XXXX (a Whop experience id)."),
    ),
  ),
};

/**
 * The schema for a new competition (or a full replacement of a draft's
 * rules) under the given clock and settings.
 *
 * @example
 * const result = competitionInputSchema({ now: Date.now(), minDurationS: 3600 }).safeParse(body);
 */
export function competitionInputSchema(rules: InputRules) {
  return z.pipe(
    z.object(fields).check(z.superRefine((input, ctx) => {
      const issue = (path: string, message: string) =>
        ctx.issues.push({ code: "custom", path: [path], message, input });
      if (isCurrency(input.currency)) {
        try {
          const prize = parseMoney(input.prize, input.currency);
          const max = MAX_PRIZE_UNITS * 10 ** currencyExponent(input.currency);
          if (prize <= 0) issue("prize", "The prize must be more than zero.");
          else if (prize > max) {
            issue("prize", `The prize can be at most ${MAX_PRIZE_UNITS.toLocaleString("en-US")} ${input.currency}.`);
          }
        } catch (error) {
          if (!(error instanceof MoneyError)) throw error;
          issue(
            "prize",
            error.message.includes("decimal place") ? error.message : "Enter the prize as an amount such as 500.00.",
          );
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
      }
    })),
    z.transform((input): CompetitionInput => ({
      ...input,
      prize: parseMoney(input.prize, input.currency),
      startDate: new Date(input.startDate).toISOString(),
      endDate: new Date(input.endDate).toISOString(),
    })),
  );
}
