/**
 * What a live page and the server agree on when the page swaps in its fresh
 * regions (`islands/live_page.tsx`): the version of the regions (the
 * competition's status and its disqualified stores: what the stream tells
 * a page changed), the request header that asks for the regions alone and
 * names that version, so readers who saw the same change can be answered
 * with one rendering, and the `refresh` event's window, sized by how many
 * readers the process streams to, so ten thousand pages do not ask within
 * the same second. Bundled for the browser: keep it free of server-only
 * imports.
 */

/** Request header of a live page's refresh; its value is the {@link liveRegionsVersion} the stream announced. */
export const LIVE_REGIONS_HEADER = "X-CartBrawl-Live-Regions";

/**
 * The version of a competition page's live regions: its status and the
 * disqualified stores (by participant id) its board shows. Nothing at its
 * edges is white space, which HTTP drops from a header's value.
 * @example liveRegionsVersion("SETTLING", ["p_1", "p_7"]) // "SETTLING:p_1,p_7"
 */
export function liveRegionsVersion(status: string, disqualified: readonly string[]): string {
  return `${status}:${disqualified.join(",")}`;
}

/**
 * The version of the live regions a leaderboard shows (its JSON, as the page,
 * the stream and the island carry it).
 * @example boardRegionsVersion({ competition: { status: "ACTIVE" }, disqualified: [] }) // "ACTIVE:"
 */
export function boardRegionsVersion(
  board: { competition: { status: string }; disqualified?: readonly { participantId: string }[] },
): string {
  return liveRegionsVersion(board.competition.status, board.disqualified?.map((store) => store.participantId) ?? []);
}

/** The `refresh` event: the regions are at `version` now; ask for them at a random moment within `withinMs`. */
export interface RegionsRefresh {
  version: string;
  withinMs: number;
}

/** The shortest window a refresh is spread over. */
export const REFRESH_WITHIN_MIN_MS = 1000;
/** The longest: past it a page shows a status that has passed for too long. */
export const REFRESH_WITHIN_MAX_MS = 20_000;
/** The window per reader: a thousand refreshes a second at most, ~1 CPU-s on the costliest readers (`bench/refresh_bench.ts`). */
const REFRESH_MS_PER_READER = 1;

/**
 * The window a process's `readers` spread their refreshes over: a second up
 * to a thousand readers, then a millisecond per reader, at most 20 s.
 * @example refreshWithinMs(10_000) // 10000
 */
export function refreshWithinMs(readers: number): number {
  return Math.min(REFRESH_WITHIN_MAX_MS, Math.max(REFRESH_WITHIN_MIN_MS, readers * REFRESH_MS_PER_READER));
}
