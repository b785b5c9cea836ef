/**
 * Island: the signed-in owner's own panels, "Your store" (`part: "store"`)
 * and "Your orders" (`part: "orders"`), one island module for both places on
 * the page. While the race is live they follow the owner's own stream: each
 * change of the store (an order new, edited, refunded, cancelled, held or
 * decided; a sync; a disqualification) arrives with the board's frame of the
 * same change, so the panels and the board never disagree.
 */
import { useEffect, useState } from "preact/hooks";
import { YourStore } from "../components/your_store.tsx";
import { YourOrders } from "../components/your_orders.tsx";
import type { OwnStoreView } from "../lib/competitions/own_store.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import type { ViewerClock } from "../lib/web/viewer_clock.ts";
import { browserTimeZone } from "../lib/web/time_text.ts";
import { competitionFeed } from "./competition_feed.ts";

/** Props: which panel, the store as the server rendered it, and how the page shows it. */
export interface OwnStoreProps {
  part: "store" | "orders";
  store: OwnStoreView;
  /** What the panels need of the competition: its currency, and its divisions for "Your store". */
  competition: Pick<Competition, "divisions" | "currency" | "startDate">;
  /** With divisions: the board the page shows (the page's islands share one stream). */
  division?: number;
  /** Stores may still join: a disconnected store may reconnect. */
  canReconnect: boolean;
  /** How many orders the panel lists at most. */
  shown: number;
  /** The race is running: follow the owner's own stream. */
  live: boolean;
  clock?: ViewerClock;
}

/** `<OwnStore part="orders" store={ownStore} competition={competition} canReconnect shown={100} live />` */
export default function OwnStore(props: OwnStoreProps) {
  // Plain hooks, no signals: a live page ships no state library.
  const [store, setStore] = useState(props.store);
  const [clock, setClock] = useState(props.clock ?? { now: Date.now() });
  // The server wrote the times in the zone the reader's browser said before (or relative); now it is known.
  useEffect(() => setClock((known) => ({ ...known, timeZone: browserTimeZone() })), []);
  useEffect(() => {
    if (!props.live) return;
    return competitionFeed(props.store.competitionId, props.division, true).own
      .subscribe((next) => next && setStore(next));
  }, [props.store.competitionId, props.live]);
  return props.part === "store"
    ? <YourStore store={store} canReconnect={props.canReconnect} competition={props.competition} clock={clock} />
    : (
      <YourOrders
        orders={store.orders}
        currency={props.competition.currency}
        shown={props.shown}
        clock={clock}
        disqualified={store.disqualified !== undefined}
      />
    );
}
