/**
 * The whole input of a competition as the server takes it (create, and a
 * draft's edit): the fields' checks shared with the create form's island
 * (`input.ts`), the divisions' (`division_input.ts`), then the conversion:
 * money in minor units, dates normalized, and with divisions the prize as
 * their total. The island never imports this module.
 */
import * as z from "zod/mini";
import { isCurrency, type Minor, parseMoney, toDecimalString } from "../core/money.ts";
import {
  type CheckedFields,
  checkFields,
  competitionFields,
  type CompetitionInput,
  DEFAULT_GROWTH_MIN_BASELINE_UNITS,
  type InputRules,
  maxPrize,
  maxPrizeSentence,
  readAmount,
  type Report,
  splitIssues,
} from "./input.ts";
import { type Division, type DivisionInput, divisionIssues, divisionsField } from "./division_input.ts";

/**
 * The divisions' rules against the rest of the input: the divisions'
 * (`division_input.ts`), and the competition's own prize, which with
 * divisions is their total (it may be left out; given, it must equal it) and
 * split, which with divisions is each division's.
 */
function checkDivisions(
  input: CheckedFields & { divisions?: DivisionInput[] | null },
  report: Report,
): void {
  const divisions = input.divisions ?? [];
  if (divisions.length === 0) {
    if (input.prize === undefined) report(["prize"], "Enter the prize as an amount such as 500.00.");
    return;
  }
  if (!isCurrency(input.currency)) return;
  const { issues, total } = divisionIssues(divisions, {
    amount: (path, value, noun, example) =>
      readAmount(value, input.currency, (message) => report(path, message), noun, example),
    splitIssues,
  });
  for (const found of issues) report(found.path, found.message);
  if (input.prizeSplit.length !== 1 || input.prizeSplit[0] !== 100) {
    report(["prizeSplit"], "With divisions each division has its own prizeSplit: leave the competition's out.");
  }
  if (total === undefined) return;
  const sum = toDecimalString(total, input.currency);
  if (total > maxPrize(input.currency)) {
    report(["divisions"], `The divisions' prizes add up to ${sum}. ${maxPrizeSentence(input.currency)}`);
  }
  let prize: Minor | undefined;
  try {
    prize = input.prize === undefined ? undefined : parseMoney(input.prize, input.currency);
  } catch {
    return; // reported by the prize's own rule
  }
  if (prize !== undefined && prize !== total) {
    report(
      ["prize"],
      `With divisions the prize is their total: the divisions' prizes add up to ${sum}. Make the prize ${sum}, or leave it out.`,
    );
  }
}

/**
 * The schema for a new competition (or a full replacement of a draft's
 * rules) under the given clock and settings: every rule, divisions
 * included, then money in minor units and dates normalized. With divisions
 * the prize is their total.
 *
 * @example
 * const result = competitionInputSchema({ now: Date.now(), minDurationS: 3600 }).safeParse(body);
 */
export function competitionInputSchema(rules: InputRules) {
  return z.pipe(
    z.object({ ...competitionFields, prize: z.optional(competitionFields.prize), divisions: divisionsField() }).check(
      z.superRefine((input, ctx) => {
        const report: Report = (path, message) => ctx.issues.push({ code: "custom", path, message, input });
        checkFields(input, rules, report);
        checkDivisions(input, report);
      }),
    ),
    z.transform(({ customerCap, divisions, ...input }): CompetitionInput => {
      const parsed = divisions?.map((division): Division => ({
        name: division.name,
        ...(division.upTo ? { upTo: parseMoney(division.upTo, input.currency) } : {}),
        prize: parseMoney(division.prize!, input.currency),
        prizeSplit: division.prizeSplit ?? [100],
      }));
      return {
        ...input,
        ...(customerCap === undefined ? {} : { customerCap: parseMoney(customerCap, input.currency) }),
        ...(parsed?.length ? { divisions: parsed } : {}),
        prize: parsed?.length
          ? parsed.reduce((sum, division) => sum + division.prize, 0)
          : parseMoney(input.prize!, input.currency),
        growthMinBaseline: parseMoney(
          input.growthMinBaseline ?? String(DEFAULT_GROWTH_MIN_BASELINE_UNITS),
          input.currency,
        ),
        startDate: new Date(input.startDate).toISOString(),
        endDate: new Date(input.endDate).toISOString(),
      };
    }),
  );
}
