/**
 * The join form of a competition's page (or a season's): a signed-in
 * visitor enters a Shopify store (read-only access to orders); a signed-out
 * one is sent to sign in.
 * A refusal that sent the browser back is shown next to the field. Stores
 * the visitor connected already (and that sell in the competition's
 * currency) each get a one-click button: they join without Shopify's pages.
 */
import { SubmitButtonIsland } from "./island_wrappers.ts";

/** The refusal that sent the browser back here (`?joinError=`), announced to screen readers. */
export function JoinError(props: { message: string }) {
  return <p class="notice notice-error join-error" id="join-error" role="alert">{props.message}</p>;
}

/** A store the visitor connected, to join with one click. */
export interface ConnectedStore {
  shop: string;
  name?: string;
}

/** Where a join posts, and the page it comes back to (a competition's, or a season's). */
export interface JoinPaths {
  join: string;
  page: string;
}

/** The join paths of a competition. */
export function competitionJoinPaths(competitionId: string): JoinPaths {
  return { join: `/api/competitions/${competitionId}/join`, page: `/competitions/${competitionId}` };
}

/** One button per connected store: each posts the join with that store. */
function ConnectedStores(props: { paths: JoinPaths; stores: ConnectedStore[] }) {
  return (
    <section class="card" aria-labelledby="join-connected-heading">
      <h2 id="join-connected-heading">Join with your store</h2>
      <div class="join-connected">
        {props.stores.map((store) => (
          <form key={store.shop} method="post" action={props.paths.join}>
            <input type="hidden" name="shop" value={store.shop} />
            <SubmitButtonIsland label={`Join with ${store.name ?? store.shop}`} pendingLabel="Joining…" />
          </form>
        ))}
      </div>
      <p class="muted">Connected to your account already: it joins at once.</p>
    </section>
  );
}

/** `<JoinForm paths={competitionJoinPaths(id)} signedIn joinError={sentence} connectedStores={[…]} />` */
export function JoinForm(
  props: { paths: JoinPaths; signedIn: boolean; joinError?: string; connectedStores?: ConnectedStore[] },
) {
  const { paths, joinError } = props;
  if (!props.signedIn) {
    return (
      <div class="card">
        {joinError && <JoinError message={joinError} />}
        <p>
          <a href={`/signin?${new URLSearchParams({ returnTo: paths.page })}`}>Sign in</a> to enter your Shopify store.
        </p>
      </div>
    );
  }
  const connected = props.connectedStores ?? [];
  return (
    <>
      {connected.length > 0 && <ConnectedStores paths={paths} stores={connected} />}
      <form method="post" action={paths.join} class="card join-form">
        <h2>{connected.length > 0 ? "Enter another store" : "Enter your store"}</h2>
        <div class="field">
          <label for="join-shop">Your Shopify store</label>
          <span class="hint" id="join-shop-hint">
            e.g. my-store.myshopify.com. CartBrawl asks Shopify for read-only access to orders.
          </span>
          <input
            id="join-shop"
            name="shop"
            autoComplete="off"
            aria-describedby={joinError ? "join-shop-hint join-error" : "join-shop-hint"}
            aria-invalid={joinError ? "true" : undefined}
          />
          {joinError && <JoinError message={joinError} />}
        </div>
        <SubmitButtonIsland label="Connect store and join" pendingLabel="Connecting…" />
      </form>
    </>
  );
}
