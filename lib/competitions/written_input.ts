/**
 * A competition's input as the server takes it: the whole schema
 * (`input_schema.ts`: the checks the create-form island also runs, and the
 * divisions') and, on the server
 * only, the characters a title or description may not hold
 * (`lib/core/text.ts`): control characters XML does not allow (they broke
 * the share card) and direction overrides (display spoofing). The check
 * stays out of the island, whose page is at its JavaScript budget; a field
 * refused here is named like any other, next to the field on the form.
 */
import { ValidationError } from "../core/errors.ts";
import type { FieldIssue } from "../core/errors.ts";
import { parseInput } from "../core/parse.ts";
import { textProblem } from "../core/text.ts";
import type { CompetitionInput, InputRules } from "./input.ts";
import { competitionInputSchema } from "./input_schema.ts";

/** The fields people write freely, with their name in a sentence and whether they may run over several lines. */
const WRITTEN_FIELDS = [
  { field: "title", what: "The title", multiline: false },
  { field: "description", what: "The description", multiline: true },
] as const;

/** The issues of `body`'s written fields, one per field that holds a character it may not. */
export function writtenTextIssues(body: unknown): FieldIssue[] {
  const fields = typeof body === "object" && body !== null ? body as Record<string, unknown> : {};
  return WRITTEN_FIELDS.flatMap(({ field, what, multiline }) => {
    const value = fields[field];
    if (typeof value !== "string" || !textProblem(value.trim(), { multiline })) return [];
    const breaks = multiline ? "" : "line breaks, ";
    return [{
      path: field,
      message: `${what} cannot hold ${breaks}control characters or characters that reverse the text.`,
    }];
  });
}

/**
 * Parses a competition's input (a new one, or an edit merged with the
 * stored rules), or throws `ValidationError` naming every field in error,
 * the written fields' characters included.
 */
export function parseCompetitionInput(rules: InputRules, body: unknown): CompetitionInput {
  const written = writtenTextIssues(body);
  let input: CompetitionInput;
  try {
    input = parseInput(competitionInputSchema(rules), body);
  } catch (error) {
    if (!(error instanceof ValidationError) || written.length === 0) throw error;
    const named = new Set(written.map((issue) => issue.path));
    throw new ValidationError([...written, ...error.issues.filter((issue) => !named.has(issue.path))]);
  }
  if (written.length > 0) throw new ValidationError(written);
  return input;
}
