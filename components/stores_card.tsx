/**
 * The manage page's stores card: each store with its connection and order
 * sync, and, while the ranking can still change, the forms that disqualify a
 * store (with a public reason) or reinstate it; then who notifications reach.
 */
import type { Participant } from "../lib/competitions/participants.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import { LocalTimeIsland } from "./island_wrappers.ts";
import { DivisionPlacement } from "./division_placement.tsx";

/** What the stores card shows of the competition: its divisions, for each store's. */
type DivisionFacts = Pick<Competition, "divisions" | "currency" | "startDate">;

function DisqualifyForm(props: { competitionId: string; participant: Participant }) {
  const { competitionId, participant } = props;
  const base = `/competitions/${competitionId}/manage/participants/${participant.id}`;
  if (participant.disqualified) {
    return (
      <form method="post" action={`${base}/reinstate`} class="inline-form">
        <span class="tag tag-warning">disqualified</span> {participant.disqualified.reason}{" "}
        <input
          name="reason"
          aria-label={`Why ${participant.displayName} is reinstated`}
          placeholder="Note (optional)"
        />
        <button type="submit" class="button-secondary">Reinstate</button>
      </form>
    );
  }
  return (
    <form method="post" action={`${base}/disqualify`} class="inline-form">
      <input
        name="reason"
        required
        minLength={3}
        maxLength={500}
        aria-label={`Why ${participant.displayName} is disqualified (shown publicly)`}
        placeholder="Reason, shown publicly"
      />
      <button type="submit" class="button-danger">Disqualify</button>
    </form>
  );
}

function ParticipantsTable(
  props: {
    participants: Participant[];
    competitionId: string;
    rankingActions: boolean;
    competition: DivisionFacts;
    now: number;
  },
) {
  if (props.participants.length === 0) return <p class="muted">No stores have joined yet.</p>;
  const actions = props.rankingActions;
  const divided = (props.competition.divisions?.length ?? 0) > 0;
  return (
    <div class="table-scroll">
      <table class="data-table">
        <caption class="visually-hidden">Stores and their order sync</caption>
        <thead>
          <tr>
            <th scope="col">Store</th>
            {divided && <th scope="col">Division</th>}
            <th scope="col">Connection</th>
            <th scope="col">Sync</th>
            <th scope="col" class="num">Orders counted</th>
            <th scope="col">Last synced</th>
            {actions && <th scope="col">Ranking</th>}
          </tr>
        </thead>
        <tbody>
          {props.participants.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                {p.displayName} {p.shop && <span class="muted">{p.shop}</span>}
              </th>
              {divided && (
                <td data-label="Division">
                  <DivisionPlacement competition={props.competition} participant={p} now={props.now} />
                </td>
              )}
              <td data-label="Connection">
                {p.connection === "connected"
                  ? <span class="tag tag-ok">connected</span>
                  : <span class="tag tag-warning">store disconnected</span>}
              </td>
              <td data-label="Sync">
                <span class={`tag tag-${p.sync.state === "failed" ? "warning" : "neutral"}`}>{p.sync.state}</span>{" "}
                <span class="muted">{p.sync.ordersFetched} fetched</span>
                {p.sync.error && <span class="field-error">{p.sync.error}</span>}
              </td>
              <td class="num" data-label="Orders counted">{p.orders}</td>
              <td data-label="Last synced">
                {p.sync.lastSyncedAt ? <LocalTimeIsland iso={p.sync.lastSyncedAt} /> : "never"}
              </td>
              {actions && (
                <td class="row-action">
                  <DisqualifyForm competitionId={props.competitionId} participant={p} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * `<StoresCard competitionId={id} participants={…} rankingActions inCommunity={false} />`:
 * `rankingActions` adds the disqualify / reinstate forms; `inCommunity` says
 * notifications also go through the Whop community.
 */
export function StoresCard(
  props: {
    competitionId: string;
    participants: Participant[];
    rankingActions: boolean;
    inCommunity: boolean;
    /** The competition's divisions: each store's is shown (with the sales that placed it, for the creator). */
    competition: DivisionFacts;
    now: number;
  },
) {
  return (
    <section class="card" aria-labelledby="stores-heading">
      <h2 id="stores-heading">Stores ({props.participants.length})</h2>
      <ParticipantsTable
        participants={props.participants}
        competitionId={props.competitionId}
        rankingActions={props.rankingActions}
        competition={props.competition}
        now={props.now}
      />
      <p class="muted notification-reach">
        {props.inCommunity
          ? "Stores and the winner are notified in the app and through your Whop community."
          : "Notifications stay in the app: this competition is not part of a Whop community, and Whop " +
            "notifications outside one reach only the company's own team."}
      </p>
    </section>
  );
}
