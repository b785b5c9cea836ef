/**
 * Refuses a competition id that cannot exist (ids are short, lower-case
 * letters and digits) with 404 before any route reads KV with it: a KV key
 * has a size limit, and an oversized id would otherwise fail the read.
 */
import type { MiddlewareHandler } from "hono";
import { ID_PATTERN } from "../../core/db.ts";
import { NotFoundError } from "../../core/errors.ts";

/** Options of the competition id check. */
export interface CompetitionIdOptions {
  /** The route parameter holding the id. */
  param?: string;
  /** What the id names, for the 404's sentence (default "competition"). */
  noun?: string;
}

/** 404s a request whose `:id` is not a well-formed competition (or season) id. */
export function competitionId(options: CompetitionIdOptions = {}): MiddlewareHandler {
  const param = options.param ?? "id";
  return async (c, next) => {
    if (!ID_PATTERN.test(c.req.param(param) ?? "")) {
      throw new NotFoundError(`There is no ${options.noun ?? "competition"} with that id.`);
    }
    await next();
  };
}
