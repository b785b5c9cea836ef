/**
 * The one place a zod (mini) schema's refusal becomes the app's
 * `ValidationError`, with each issue's field path and sentence: used by the
 * domain (a competition's rules) and by the edge validator
 * (`lib/web/validate.ts`) alike, so every 400 names its fields the same way.
 */
import type * as z from "zod/mini";
import { ValidationError } from "./errors.ts";

/**
 * Parses `value` with `schema`, or throws `ValidationError` naming each
 * field. When no issue names a field (the value as a whole is wrong, e.g. not
 * an object), the first issue's sentence is the error's.
 */
export function parseInput<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  throw new ValidationError(issues, issues.every((issue) => issue.path === "") ? issues[0]?.message : undefined);
}
