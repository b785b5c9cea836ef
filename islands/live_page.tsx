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
 * (`lib/web/shared_renders.ts`); fetches are spread over a second, so viewers
 * do not all ask at the same instant.
 */
import { render } from "preact";
import { useEffect } from "preact/hooks";
import { competitionFeed } from "./competition_feed.ts";
import { LIVE_REGIONS_HEADER, liveRegionsVersion } from "../lib/web/live_regions.ts";

/** Props: the competition, what the page was rendered for, and how to wake the islands of swapped HTML. */
export interface LivePageProps {
  competitionId: string;
  status: string;
  /** The disqualified stores the page shows, by participant id. */
  disqualified: string[];
  /** With divisions: the board the page shows (the page's islands share one stream). */
  division?: number;
  /** The reader follows its own stream (a store owner). */
  own: boolean;
  /** The event the island boot hydrates new islands on (`HYDRATE_ISLANDS`). */
  hydrateEvent: string;
}

/** How long the page waits, at most, before fetching itself again (spreading the viewers' requests). */
const SPREAD_MS = 1000;

/** Whether the reader is typing in `region` (its swap waits until they leave the field). */
function typingIn(region: Element): boolean {
  const active = document.activeElement;
  return active !== null && region.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
}

/** Fetches this page's regions at `version` and swaps each one the reader is not typing in. */
async function refreshRegions(version: string, hydrateEvent: string): Promise<void> {
  const response = await fetch(location.href, {
    credentials: "same-origin",
    cache: "no-store",
    headers: { [LIVE_REGIONS_HEADER]: version },
  }).catch(() => null);
  if (!response?.ok) return;
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
}

/** `<LivePage competitionId={id} status="ACTIVE" disqualified={[]} own={false} hydrateEvent={HYDRATE_ISLANDS} />` */
export default function LivePage(props: LivePageProps) {
  useEffect(() => {
    let shown = liveRegionsVersion(props.status, props.disqualified);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = competitionFeed(props.competitionId, props.division, props.own).leaderboard.subscribe((board) => {
      if (!board) return;
      const now = liveRegionsVersion(
        board.competition.status,
        board.disqualified?.map((store) => store.participantId) ?? [],
      );
      if (now === shown) return;
      shown = now;
      clearTimeout(timer);
      timer = setTimeout(() => refreshRegions(now, props.hydrateEvent), Math.random() * SPREAD_MS);
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [props.competitionId]);
  return null;
}
