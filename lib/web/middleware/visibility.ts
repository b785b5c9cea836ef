/**
 * The visibility check, run first on every route of a competition (`:id`)
 * for a signed-in caller, before the creator check or any rule: a
 * competition the caller may not see answers the same 404 as an unknown id,
 * whatever the route would have said (a 409 "not funded" on joining another's draft, a 403 on
 * another community's sandbox control). Who may see one: its creator; for
 * anyone else, it is funded (a draft, or one cancelled before funding, is
 * private) and, in a Whop community, they are its member
 * (`lib/whop/access.ts`). An id that names no competition is the same 404
 * for a signed-in caller, before any route looks at the request (a route
 * that checked the body first would otherwise answer an unknown id 400 and a
 * hidden one 404); `pages` are the names that are pages, not ids
 * (`/competitions/new`). Seasons are gated the same way.
 */
import type { MiddlewareHandler } from "hono";
import { keys } from "../../core/db.ts";
import { NotFoundError } from "../../core/errors.ts";
import { type Competition, isPrivateToCreator } from "../../competitions/competitions.ts";
import { isSeasonPrivate, type Season } from "../../seasons/seasons.ts";
import { type AccessDeps, assertMaySee } from "../../whop/access.ts";
import type { CallerVariables } from "./caller.ts";

/** What an `:id` names: a competition (default) or a season, each private until funded. */
const RECORDS = {
  competition: {
    key: keys.competition,
    isPrivate: (record: Competition) => isPrivateToCreator(record),
  },
  season: {
    key: keys.season,
    isPrivate: (record: Season) => isSeasonPrivate(record),
  },
} as const;

/**
 * Middleware after `caller`: 404 for a competition (or, with `of:
 * "season"`, a season) the caller may not see.
 * @example app.use("/api/competitions/:id/*", visibilityGate(deps));
 */
export function visibilityGate(
  deps: AccessDeps,
  options: { pages?: readonly string[]; of?: keyof typeof RECORDS } = {},
): MiddlewareHandler<{ Variables: CallerVariables }> {
  const noun = options.of ?? "competition";
  const { key, isPrivate } = RECORDS[noun] as {
    key: (id: string) => Deno.KvKey;
    isPrivate: (record: Competition | Season) => boolean;
  };
  return async (c, next) => {
    const id = c.req.param("id") ?? "";
    // Signed out, a route's answer never depends on a hidden record existing: routes that need a caller answer
    // 401 whatever the id, and every read of one refuses it like an unknown id (`getVisibleCompetition`).
    if (c.var.userId === undefined || options.pages?.includes(id)) return await next();
    const record = (await deps.kv.get<Competition | Season>(key(id))).value;
    if (!record || (isPrivate(record) && record.creatorId !== c.var.userId)) {
      throw new NotFoundError(`There is no ${noun} with that id.`);
    }
    await assertMaySee(deps, record, c.var.userId, noun);
    await next();
  };
}
