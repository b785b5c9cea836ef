/**
 * Island: keeps a page in step with its competition. When the stream says
 * the competition moved on (live, settling, final, cancelled) or a store was
 * disqualified or reinstated, it fetches the page again as this reader sees
 * it and swaps the page's live regions (`data-live-region`) for the fresh
 * ones — the status badge, the countdown and window, the join form, the
 * settling banner, the results and the winner's "You won" — so the open page
 * shows what a reload would, from the one place that renders it. It asks for
 * the regions alone, naming the version the stream announced, so the server
 * can answer every reader without a stake in the page with one rendering
 * (`lib/web/shared_renders.ts`); fetches are spread over the window the
 * stream's `refresh` event gives (a second, longer when the server streams to
 * thousands: `lib/live/regions.ts`), so viewers do not all ask at the same
 * instant, and one that got no answer (a server busy with everyone's
 * refresh, a network blip) is tried again, further apart each time: a page
 * is never left showing a status that has passed.
 */
import { render } from "preact";
import { useEffect } from "preact/hooks";
import { competitionFeed } from "./competition_feed.ts";
import { boardRegionsVersion, LIVE_REGIONS_HEADER, REFRESH_WITHIN_MIN_MS } from "../lib/live/regions.ts";

/** Props: the competition, what the page was rendered for, and how to wake the islands of swapped HTML. */
export interface LivePageProps {
  competitionId: string;
  /** The version of the live regions the page shows (`boardRegionsVersion` of its board). */
  version: string;
  /** With divisions: the board the page shows (the page's islands share one stream). */
  division?: number;
  /** The reader follows its own stream (a store owner). */
  own: boolean;
  /** The event the island boot hydrates new islands on (`HYDRATE_ISLANDS`). */
  hydrateEvent: string;
}

/** How many times a refresh that got no answer (network, 5xx, 429) is tried again, each after twice the wait. */
const RETRIES = 4;

/** What a refresh came to: regions swapped, worth trying again, or refused for good (another 4xx). */
type RefreshOutcome = "swapped" | "retry" | "refused";

/** Whether the reader is typing in `region` (its swap waits until they leave the field). */
function typingIn(region: Element): boolean {
  const active = document.activeElement;
  return active !== null && region.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
}

/** Fetches this page's regions at `version` and swaps each one the reader is not typing in. */
async function refreshRegions(version: string, hydrateEvent: string): Promise<RefreshOutcome> {
  const response = await fetch(location.href, {
    credentials: "same-origin",
    cache: "no-store",
    headers: { [LIVE_REGIONS_HEADER]: version },
  }).catch(() => null);
  if (!response?.ok) {
    return !response || response.status >= 500 || response.status === 429 ? "retry" : "refused";
  }
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const region of document.querySelectorAll<HTMLElement>("[data-live-region]")) {
    const next = fresh.querySelector(`[data-live-region="${region.dataset.liveRegion}"]`);
    if (!next) continue;
    if (typingIn(region)) {
      region.addEventListener("focusout", () => refreshRegions(version, hydrateEvent), { once: true });
      continue;
    }
    for (const marker of region.querySelectorAll("cartbrawl-island")) render(null, marker);
    region.innerHTML = next.innerHTML;
    region.dispatchEvent(new Event(hydrateEvent, { bubbles: true }));
  }
  return "swapped";
}

/** `<LivePage competitionId={id} version="ACTIVE:" own={false} hydrateEvent={HYDRATE_ISLANDS} />` */
export default function LivePage(props: LivePageProps) {
  useEffect(() => {
    let shown = props.version;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The first try within `withinMs`; a try that got no answer again after 2, 4, 8, 16 s (±25 %), unless the stream
    // announced another version meanwhile (its own refresh takes over).
    const refresh = (version: string, withinMs: number, tries: number) => {
      const wait = tries === 0
        ? Math.random() * withinMs
        : REFRESH_WITHIN_MIN_MS * 2 ** tries * (0.75 + Math.random() / 2);
      timer = setTimeout(async () => {
        const outcome = await refreshRegions(version, props.hydrateEvent);
        if (outcome === "retry" && version === shown && tries < RETRIES) refresh(version, withinMs, tries + 1);
      }, wait);
    };
    const moveTo = (version: string, withinMs: number) => {
      if (version === shown) return;
      shown = version;
      clearTimeout(timer);
      refresh(version, withinMs, 0);
    };
    const feed = competitionFeed(props.competitionId, props.division, props.own);
    // A `refresh` event comes before the frames of the change it announces, with its window; a board that shows
    // another version without one (the first frames after a reconnection) is refreshed within the shortest window.
    const stopRefresh = feed.refresh.subscribe((next) => next && moveTo(next.version, next.withinMs));
    const stopBoard = feed.leaderboard.subscribe((board) => {
      if (board) moveTo(boardRegionsVersion(board), REFRESH_WITHIN_MIN_MS);
    });
    return () => {
      stopRefresh();
      stopBoard();
      clearTimeout(timer);
    };
  }, [props.competitionId]);
  return null;
}
