/**
 * What a live page and the server agree on when the page swaps in its fresh
 * regions (`islands/live_page.tsx`): the request header that asks for the
 * regions alone, and the version it names. The version is what the stream
 * told the page changed (the competition's status and its disqualified
 * stores), so readers who saw the same change can be answered with one
 * rendering. Bundled for the browser: keep it free of server-only imports.
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
