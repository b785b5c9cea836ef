/**
 * The browser side of islands: finds every island marker the server rendered
 * and hydrates it with its component and props. The build wraps this in a
 * generated entry that passes one lazy loader per island, so a page loads only
 * the islands it shows. It also adds the one page-wide enhancement the
 * server-rendered header needs (Escape closes an open menu), tells the server
 * the reader's time zone for the next page (a cookie), and hydrates the
 * islands of HTML a page swaps in later (`hydrateIslandsEvent`).
 */
import { type ComponentType, h, hydrate } from "preact";
import { ISLAND_MARKER } from "./islands.ts";

/** Island name → a loader for its module (whose default export is the component). */
export type IslandLoaders = Record<
  string,
  // deno-lint-ignore no-explicit-any
  () => Promise<{ default: ComponentType<any> }>
>;

/**
 * Hydrates every `<cartbrawl-island>` under `root`; one failing island does
 * not stop the others.
 * @example bootIslands({ countdown: () => import("../../islands/countdown.tsx") });
 */
export async function bootIslands(
  loaders: IslandLoaders,
  root: ParentNode = document,
): Promise<void> {
  if (root === document) {
    closeMenusOnEscape(document);
    // Inside a frame (Whop's community view) the app sets no cookie: Whop's proxy passes none, and browsers block
    // third-party ones; the islands still write every time in the reader's zone.
    if (globalThis.top === globalThis.self) rememberTimeZone(document);
    document.addEventListener(HYDRATE_ISLANDS, (event) => bootIslands(loaders, event.target as ParentNode));
  }
  const markers = root.querySelectorAll<HTMLElement>(
    `${ISLAND_MARKER}[data-island]`,
  );
  const results = await Promise.allSettled(
    [...markers].map(async (marker) => {
      const name = marker.dataset.island ?? "";
      const load = loaders[name];
      if (!load) throw new Error(`no island named "${name}" in this build`);
      const { default: Component } = await load();
      hydrate(h(Component, JSON.parse(marker.dataset.props ?? "{}")), marker);
    }),
  );
  for (const result of results) {
    if (result.status === "rejected") console.error(result.reason);
  }
}

/**
 * Escape closes any open `<details class="menu">` (the header's dropdowns,
 * which work without JavaScript) and gives focus back to its summary.
 */
export function closeMenusOnEscape(doc: Document): void {
  doc.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const menu of doc.querySelectorAll<HTMLDetailsElement>("details.menu[open]")) {
      menu.open = false;
      menu.querySelector("summary")?.focus();
    }
  });
}

/**
 * The event a page dispatches (bubbling) on HTML it swapped in, so the boot
 * script hydrates the islands under it; pages hand the name to the island
 * that swaps (a prop), so the island does not bundle the boot script.
 */
export const HYDRATE_ISLANDS = "cartbrawl:islands";

/** The cookie holding the browser's time zone (the server reads it: `lib/web/viewer_clock.ts`). */
export const TIME_ZONE_COOKIE = "tz";

/**
 * Writes the browser's time zone in a cookie (a year; sent with every
 * page request), so the server writes the next page's times in it from the
 * start instead of a neutral form. (The zone is read here rather than with
 * `browserTimeZone`, so the boot script bundles none of the time formatting.)
 */
export function rememberTimeZone(doc: Document): void {
  const cookie = `${TIME_ZONE_COOKIE}=${Intl.DateTimeFormat().resolvedOptions().timeZone}`;
  if (!doc.cookie.split("; ").includes(cookie)) doc.cookie = `${cookie}; path=/; max-age=31536000; samesite=lax`;
}
