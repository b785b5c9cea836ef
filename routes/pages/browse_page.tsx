/**
 * `GET /`: browse public competitions and seasons, filtered by status
 * (`?status=`) and searched by title (`?q=`), as cards.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import * as z from "zod/mini";
import type { CompetitionStatus } from "../../lib/competitions/competitions.ts";
import { browseSeasons, browseView } from "../../lib/competitions/page_views/browse.ts";
import { validQuery } from "../../lib/web/validate.ts";
import { CompetitionCard } from "../../components/competition_card.tsx";
import { SeasonCard } from "../../components/season_cards.tsx";
import { renderAppPage } from "./_shell.tsx";

/** The statuses a visitor can filter by (drafts are private). */
export const BROWSE_STATUSES: { value: CompetitionStatus; label: string }[] = [
  { value: "ACTIVE", label: "Live" },
  { value: "SETTLING", label: "Settling" },
  { value: "UPCOMING", label: "Upcoming" },
  { value: "COMPLETED", label: "Completed" },
  { value: "CANCELLED", label: "Cancelled" },
];

/** `?status=` (one of the listed statuses, any case; anything else: all) and `?q=` (trimmed, at most 100 characters). */
const BROWSE_QUERY = z.object({
  status: z.catch(
    z.pipe(
      z.optional(z.string()),
      z.transform((value) => BROWSE_STATUSES.find((option) => option.value === value?.toUpperCase())?.value),
    ),
    undefined,
  ),
  q: z.catch(z.pipe(z.optional(z.string()), z.transform((value) => (value ?? "").trim().slice(0, 100))), ""),
});

function BrowseFilters(props: { status?: CompetitionStatus; query: string }) {
  return (
    <form method="get" action="/" class="filters" role="search">
      <div class="field">
        <label for="filter-q">Search titles</label>
        <input id="filter-q" type="search" name="q" value={props.query} />
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" name="status">
          <option value="">All</option>
          {BROWSE_STATUSES.map((option) => (
            <option key={option.value} value={option.value} selected={option.value === props.status}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Show</button>
    </form>
  );
}

/** What CartBrawl is, in three steps, for a first visit. */
function HowItWorks() {
  return (
    <section aria-labelledby="how-heading">
      <h2 id="how-heading" class="visually-hidden">How it works</h2>
      <ol class="how-it-works">
        <li>
          <strong>1. A creator puts up a prize</strong>
          A cash prize, paid through Whop and held until the end, for the Shopify stores that sell the most.
        </li>
        <li>
          <strong>2. Store owners join</strong>
          Connect a Shopify store with read-only access to orders. Every order in the window moves a live leaderboard.
        </li>
        <li>
          <strong>3. The top stores are paid</strong>
          At the end the results freeze and the prize is paid out to the winners' Whop accounts.
        </li>
      </ol>
    </section>
  );
}

/** Routes: `GET /`. */
export function browseRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/", validQuery(BROWSE_QUERY), async (c) => {
    const { status, q: query } = c.req.valid("query");
    const [competitions, seasons] = await Promise.all([
      browseView(deps.kv, { status, query }),
      browseSeasons(deps.kv, { status, query }),
    ]);
    return renderAppPage(c, deps, {
      title: "Competitions",
      body: (
        <>
          <div class="page-head">
            <h1>Revenue competitions</h1>
            <a class="button" href="/competitions/new">Start a competition</a>
          </div>
          {!status && !query && <HowItWorks />}
          <BrowseFilters status={status} query={query} />
          {seasons.length > 0 && (
            <section class="browse-seasons" aria-labelledby="seasons-heading">
              <h2 id="seasons-heading">Seasons</h2>
              <div class="cards">
                {seasons.map((season) => <SeasonCard key={season.id} season={season} />)}
              </div>
            </section>
          )}
          {seasons.length > 0 && <h2>Competitions</h2>}
          {competitions.length === 0
            ? <p class="card muted">No competitions match. Try another status or search.</p>
            : (
              <div class="cards">
                {competitions.map((competition) => <CompetitionCard key={competition.id} competition={competition} />)}
              </div>
            )}
        </>
      ),
    });
  });
}
