/**
 * The `divisions` field of a competition's input: its shape and its rules,
 * apart from `input.ts` so that the create form's island, which checks the
 * other fields as the visitor types, carries none of it (the form's division
 * rows are plain server-rendered inputs, checked by the server). The schema
 * is built inside a function, so a bundle that does not call it leaves it out.
 */
import * as z from "zod/mini";
import { type Minor, toDecimalString } from "../core/money.ts";

/** The most divisions a competition can have: past that, boards get too thin to race on. */
export const MAX_DIVISIONS = 8;

/** The longest division name. */
export const DIVISION_NAME_MAX = 40;

/** A division as stored: its stores, its own places and its own prize (money in minor units). */
export interface Division {
  name: string;
  /**
   * Stores whose net revenue over the 30 days before the start is below this
   * (and not below the previous division's) are in it; absent on the last
   * division, which takes every store above.
   */
  upTo?: Minor;
  prize: Minor;
  /** Whole percentages of this division's prize for its 1st, 2nd, … place. */
  prizeSplit: number[];
}

/** One division as the input sends it (decimal strings). */
export interface DivisionInput {
  name: string;
  upTo?: string | null;
  prize?: string;
  prizeSplit?: number[];
}

/** An issue of the input: where, and the sentence. */
export interface InputIssue {
  path: (string | number)[];
  message: string;
}

/**
 * The zod (mini) schema of the `divisions` field: absent, `null` or `[]` (no
 * divisions), or a list of `{name, upTo?, prize, prizeSplit?}`. Only the
 * shapes; the rules are {@link divisionIssues}.
 */
export function divisionsField() {
  const text = (message: string) => z.string({ error: message }).check(z.trim());
  const division = z.object({
    name: z._default(text("Give each division a name."), ""),
    upTo: z.optional(z.nullable(text("Enter a division's upTo as an amount such as 1000.00."))),
    prize: z.optional(text("Enter a division's prize as an amount such as 200.00.")),
    prizeSplit: z.optional(
      z.array(z.number({ error: "Enter each place's share as a whole percentage, e.g. 60, 30, 10." }), {
        error: "Enter a division's prizeSplit as a list of whole percentages, e.g. [60, 30, 10].",
      }),
    ),
  }, { error: "Enter each division as {name, upTo?, prize, prizeSplit?}." });
  return z.optional(z.nullable(
    z.array(division, { error: "Enter divisions as a list of {name, upTo?, prize, prizeSplit?}." }),
  ));
}

/** What the rules of the divisions need from the rest of the input's rules. */
export interface DivisionRuleHelpers {
  /** Parses an amount in the competition's currency, reporting at `path` why it is not one. */
  amount(path: (string | number)[], value: string, noun: string, example: string): Minor | undefined;
  /** The issues of a prize split, paths relative to the split. */
  splitIssues(split: number[]): InputIssue[];
}

/** What the divisions' rules found: the issues, and the total of the prizes when every one could be read. */
export interface DivisionCheck {
  issues: InputIssue[];
  total?: Minor;
}

/**
 * The rules of a competition's divisions, in order: two to
 * {@link MAX_DIVISIONS}; each named (names differ, case aside) and with a
 * prize above zero and a valid split; every division but the last with an
 * `upTo` above the one before, the last without one. Empty: no divisions.
 *
 * @example divisionIssues([{ name: "Small", upTo: "1000" }, { name: "Open", prize: "300" }], helpers).issues
 */
export function divisionIssues(divisions: readonly DivisionInput[], helpers: DivisionRuleHelpers): DivisionCheck {
  if (divisions.length === 0) return { issues: [] };
  if (divisions.length === 1) {
    return {
      issues: [{
        path: ["divisions"],
        message: "Give at least two divisions, or leave divisions out for a single board.",
      }],
    };
  }
  if (divisions.length > MAX_DIVISIONS) {
    return { issues: [{ path: ["divisions"], message: `A competition can have at most ${MAX_DIVISIONS} divisions.` }] };
  }
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  let previousUpTo: Minor | undefined;
  let total: Minor | undefined = 0;
  divisions.forEach((division, i) => {
    const at = (...rest: (string | number)[]) => ["divisions", i, ...rest];
    const label = division.name ? `"${division.name}"` : `division ${i + 1}`;
    if (!division.name) issues.push({ path: at("name"), message: `Give division ${i + 1} a name.` });
    else if (division.name.length > DIVISION_NAME_MAX) {
      issues.push({ path: at("name"), message: `Keep division names to ${DIVISION_NAME_MAX} characters or fewer.` });
    } else if (seen.has(division.name.toLowerCase())) {
      issues.push({ path: at("name"), message: `Division names must differ: ${label} is used twice.` });
    }
    seen.add(division.name.toLowerCase());
    const last = i === divisions.length - 1;
    const upTo = division.upTo ?? undefined;
    if (last && upTo !== undefined) {
      issues.push({
        path: at("upTo"),
        message: `Leave the last division's upTo out: ${label} takes every store above the one before.`,
      });
    } else if (!last && upTo === undefined) {
      issues.push({
        path: at("upTo"),
        message: `Give ${label} an upTo: the 30-day sales below which a store is in it.`,
      });
    } else if (upTo !== undefined) {
      const amount = helpers.amount(at("upTo"), upTo, "upTo", "1000.00");
      if (amount !== undefined && amount <= 0) {
        issues.push({ path: at("upTo"), message: `${label}'s upTo must be more than zero.` });
      } else if (amount !== undefined && previousUpTo !== undefined && amount <= previousUpTo) {
        issues.push({
          path: at("upTo"),
          message: `Each division's upTo must be above the one before: ${label}'s overlaps the division above it.`,
        });
      }
      previousUpTo = amount ?? previousUpTo;
    }
    const prize = division.prize === undefined
      ? undefined
      : helpers.amount(at("prize"), division.prize, "division's prize", "200.00");
    if (division.prize === undefined) issues.push({ path: at("prize"), message: `Give ${label} a prize.` });
    else if (prize !== undefined && prize <= 0) {
      issues.push({ path: at("prize"), message: `${label}'s prize must be more than zero.` });
    }
    total = prize === undefined || total === undefined ? undefined : total + prize;
    for (const found of helpers.splitIssues(division.prizeSplit ?? [100])) {
      issues.push({ path: at(...found.path), message: `${label}: ${found.message}` });
    }
  });
  return { issues, total };
}

/** Stored divisions as the input gives them again (decimal strings): what an edit starts from. */
export function divisionsAsInput(divisions: readonly Division[], currency: string): DivisionInput[] {
  return divisions.map((division) => ({
    name: division.name,
    ...(division.upTo === undefined ? {} : { upTo: toDecimalString(division.upTo, currency) }),
    prize: toDecimalString(division.prize, currency),
    prizeSplit: division.prizeSplit,
  }));
}
