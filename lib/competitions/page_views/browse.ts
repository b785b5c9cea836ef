/**
 * The browse page's model (`GET /`): the competitions anyone may see (never
 * a private or community-only one), narrowed to a status and to titles
 * containing every word searched for, and the seasons beside them (a
 * season's rounds are listed on its page, not among the competitions).
 */
import { type Competition, type CompetitionStatus, listPublicCompetitions } from "../competitions.ts";
import { isListedPublicly } from "../privacy.ts";
import { listPublicSeasons, type Season } from "../../seasons/seasons.ts";

/**
 * Competitions whose title contains every word of `query`, case-insensitively.
 * @example matchesQuery(competition, "holiday cup")
 */
export function matchesQuery(competition: Pick<Competition, "title">, query: string): boolean {
  const title = competition.title.toLocaleLowerCase();
  return query.toLocaleLowerCase().split(/\s+/).filter(Boolean).every((word) => title.includes(word));
}

/** The listed competitions in `status` (any when absent) whose title matches `query`. */
export async function browseView(
  kv: Deno.Kv,
  filter: { status?: CompetitionStatus; query: string },
): Promise<Competition[]> {
  const all = await listPublicCompetitions(kv, 200, filter.status);
  return all.filter((competition) =>
    isListedPublicly(competition) && !competition.seasonId && matchesQuery(competition, filter.query)
  );
}

/** The listed seasons in `status` (any when absent) whose title matches `query`. */
export async function browseSeasons(
  kv: Deno.Kv,
  filter: { status?: CompetitionStatus; query: string },
): Promise<Season[]> {
  const seasons = await listPublicSeasons(kv);
  return seasons.filter((season) =>
    (!filter.status || season.status === filter.status) && matchesQuery(season, filter.query)
  );
}
