/**
 * The browser side of islands: finds every island marker the server rendered
 * and hydrates it with its component and props. The build wraps this in a
 * generated entry that passes one lazy loader per island, so a page loads only
 * the islands it shows. It also adds the one page-wide enhancement the
 * server-rendered header needs: Escape closes an open menu.
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
  closeMenusOnEscape(document);
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
