/**
 * The competition page's card for the signed-in owner's own entry: which
 * store, its connection (and the button that reconnects it) and how far its
 * order sync got.
 */
import type { Participant, SyncProgress } from "../lib/competitions/participants.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import { LocalTimeIsland, SubmitButtonIsland } from "./island_wrappers.ts";
import { DivisionPlacement } from "./division_tabs.tsx";

const SYNC_LABEL: Record<SyncProgress["state"], string> = {
  pending: "Waiting to fetch your orders",
  running: "Fetching your orders",
  done: "Up to date",
  failed: "Sync failed",
};

/** The signed-in store owner's own entry: which store, its division, its connection and how far its order sync got. */
export function YourStore(
  props: {
    participant: Participant;
    canReconnect: boolean;
    competition: Pick<Competition, "divisions" | "currency" | "startDate">;
    now: number;
  },
) {
  const { participant } = props;
  const { sync } = participant;
  const disconnected = participant.connection === "disconnected";
  return (
    <section class="card your-store" aria-labelledby="your-store-heading">
      <h2 id="your-store-heading">Your store</h2>
      <p class="notice">
        You're in with <strong>{participant.displayName}</strong>
        {participant.shop && (
          <>
            {" "}
            <span class="your-shop">({participant.shop})</span>
          </>
        )}.
      </p>
      {disconnected && (
        <p class="notice notice-error">
          <span class="tag tag-warning">store disconnected</span> CartBrawl no longer has access to this store's orders
          {participant.disconnectedAt && (
            <>
              {" "}(since <LocalTimeIsland iso={participant.disconnectedAt} />)
            </>
          )}, so new orders do not count until it is connected again.
        </p>
      )}
      {disconnected && props.canReconnect && participant.shop && (
        <form method="post" action={`/api/competitions/${participant.competitionId}/join`}>
          <input type="hidden" name="shop" value={participant.shop} />
          <SubmitButtonIsland label={`Reconnect ${participant.displayName}`} pendingLabel="Connecting…" />
        </form>
      )}
      <dl class="facts sync-progress">
        {participant.division !== undefined && (
          <div>
            <dt>Division</dt>
            <dd>
              <DivisionPlacement competition={props.competition} participant={participant} now={props.now} />
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
            <span class="your-orders">{participant.orders}</span>{" "}
            <span class="muted">
              (<span class="sync-orders">{sync.ordersFetched}</span> fetched when you joined)
            </span>
          </dd>
        </div>
        <div>
          <dt>Last synced</dt>
          <dd class="sync-last">
            {sync.lastSyncedAt ? <LocalTimeIsland iso={sync.lastSyncedAt} /> : "not yet"}
          </dd>
        </div>
      </dl>
      {sync.state === "failed" && sync.error && <p class="field-error">{sync.error}</p>}
    </section>
  );
}
