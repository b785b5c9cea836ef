/**
 * The competition page's join form: a signed-in visitor enters a Shopify
 * store (read-only access to orders); a signed-out one is sent to sign in.
 * A refusal that sent the browser back is shown next to the field.
 */
import type { Competition } from "../lib/competitions/competitions.ts";
import { SubmitButtonIsland } from "./island_wrappers.ts";

/** The refusal that sent the browser back here (`?joinError=`), announced to screen readers. */
export function JoinError(props: { message: string }) {
  return <p class="notice notice-error join-error" id="join-error" role="alert">{props.message}</p>;
}

/** `<JoinForm competition={competition} signedIn joinError={sentence} />` */
export function JoinForm(props: { competition: Competition; signedIn: boolean; joinError?: string }) {
  const { competition, joinError } = props;
  if (!props.signedIn) {
    return (
      <div class="card">
        {joinError && <JoinError message={joinError} />}
        <p>
          <a href={`/signin?${new URLSearchParams({ returnTo: `/competitions/${competition.id}` })}`}>Sign in</a>{" "}
          to enter your Shopify store.
        </p>
      </div>
    );
  }
  return (
    <form method="post" action={`/api/competitions/${competition.id}/join`} class="card join-form">
      <h2>Enter your store</h2>
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
      <SubmitButtonIsland label="Connect store and join" pendingLabel="Opening Shopify…" />
    </form>
  );
}
