/**
 * The competition page's card for the signed-in owner's own entry: which
 * store, its connection (and the button that reconnects it), how far its
 * order sync got, and — when the creator took it out of the ranking — that
 * it is disqualified and why. Pure: the owner's island renders it again on
 * each change of the store.
 */
import type { SyncProgress } from "../lib/competitions/participants.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import type { OwnStoreView } from "../lib/competitions/own_store.ts";
import SubmitButton from "../islands/submit.tsx";
import { ReaderTime } from "./reader_time.tsx";
import type { ViewerClock } from "../lib/web/viewer_clock.ts";
import { DivisionPlacement } from "./division_placement.tsx";

const SYNC_LABEL: Record<SyncProgress["state"], string> = {
  pending: "Waiting to fetch your orders",
  running: "Fetching your orders",
  done: "Up to date",
  failed: "Sync failed",
};

/**
 * The signed-in store owner's own entry, with its division in a competition
 * with divisions:
 * `<YourStore store={ownStore} canReconnect competition={competition} clock={clock} />`.
 */
export function YourStore(
  props: {
    store: OwnStoreView;
    canReconnect: boolean;
    competition: Pick<Competition, "divisions" | "currency" | "startDate">;
    clock: ViewerClock;
  },
) {
  const { store, clock } = props;
  const { sync } = store;
  const disconnected = store.connection === "disconnected";
  const shop = store.shop && (
    <>
      {" "}
      <span class="your-shop">({store.shop})</span>
    </>
  );
  return (
    <section class="card your-store" aria-labelledby="your-store-heading">
      <h2 id="your-store-heading">Your store</h2>
      {store.disqualified
        ? (
          <div class="notice notice-error your-store-out" role="status">
            <p>
              <strong>{store.displayName}</strong>
              {shop} was <strong>disqualified</strong>{" "}
              by the creator (<ReaderTime iso={store.disqualified.at} clock={clock} />).
            </p>
            <p>Reason given: {store.disqualified.reason}</p>
            <p>Its orders do not count while it is out of the ranking.</p>
          </div>
        )
        : (
          <p class="notice">
            You're in with <strong>{store.displayName}</strong>
            {shop}.
          </p>
        )}
      {disconnected && (
        <p class="notice notice-error">
          <span class="tag tag-warning">store disconnected</span> CartBrawl no longer has access to this store's orders
          {store.disconnectedAt && (
            <>
              {" "}(since <ReaderTime iso={store.disconnectedAt} clock={clock} />)
            </>
          )}, so new orders do not count until it is connected again.
        </p>
      )}
      {disconnected && props.canReconnect && store.shop && (
        <form method="post" action={`/api/competitions/${store.competitionId}/join`}>
          <input type="hidden" name="shop" value={store.shop} />
          {/* Inside the owner's island: the waiting button as a component, not an island of its own. */}
          <SubmitButton label={`Reconnect ${store.displayName}`} pendingLabel="Connecting…" />
        </form>
      )}
      <dl class="facts sync-progress">
        {store.division !== undefined && (
          <div>
            <dt>Division</dt>
            <dd>
              <DivisionPlacement competition={props.competition} participant={store} now={clock.now} />
            </dd>
          </div>
        )}
        <div>
          <dt>Order sync</dt>
          <dd class={`sync-state sync-${sync.state}`}>{SYNC_LABEL[sync.state]}</dd>
        </div>
        <div>
          <dt>Orders counted</dt>
          <dd>
            <span class="your-orders">{store.figures.orders}</span>{" "}
            <span class="muted">
              (<span class="sync-orders">{sync.ordersFetched}</span> fetched when you joined)
            </span>
          </dd>
        </div>
        <div>
          <dt>Last synced</dt>
          <dd class="sync-last">
            {sync.lastSyncedAt ? <ReaderTime iso={sync.lastSyncedAt} clock={clock} /> : "not yet"}
          </dd>
        </div>
      </dl>
      {sync.state === "failed" && sync.error && <p class="field-error">{sync.error}</p>}
    </section>
  );
}
