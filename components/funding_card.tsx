/**
 * The creator's prize money before the race: the card that funds a draft's
 * prize through Whop (with Whop's fee shown), the page between it and Whop's
 * checkout, what the return from the checkout says to a tab signed in
 * nowhere, and the notice that a funded prize is held until the end (refunds
 * have their own card).
 */
import type { Competition, FundingCheckoutRecord } from "../lib/competitions/competitions.ts";
import { formatMoney, type Minor } from "../lib/core/money.ts";
import type { ReturnOutcome } from "../lib/whop/escrow.ts";
import { LocalTimeIsland, SubmitButtonIsland } from "./island_wrappers.ts";

/**
 * The prize (`label` it otherwise, e.g. a season's "Prizes"), Whop's fee and
 * what the creator pays, as a definition list.
 */
export function FundingBreakdown(
  props: { currency: string; prize: Minor; fee: Minor; amount: Minor; label?: string },
) {
  const money = (minor: Minor) => formatMoney(minor, props.currency);
  return (
    <dl class="fund-breakdown">
      <dt>{props.label ?? "Prize"}</dt>
      <dd>{money(props.prize)}</dd>
      <dt>Whop fee</dt>
      <dd>{money(props.fee)}</dd>
      <dt>You pay</dt>
      <dd>
        <strong>{money(props.amount)}</strong>
      </dd>
    </dl>
  );
}

/** `<FundedNotice competition={competition} />`: only while a funded prize is held (upcoming or running). */
export function FundedNotice(props: { competition: Competition }) {
  const { competition } = props;
  if (!competition.fundsTxId || (competition.status !== "UPCOMING" && competition.status !== "ACTIVE")) return null;
  return (
    <p class="notice notice-ok" role="status">
      <strong>✓ Funded</strong>: the {formatMoney(competition.prize, competition.currency)}{" "}
      prize is held on Whop until the end.
    </p>
  );
}

/**
 * `<FundCard competition={draft} funding={{ amount, fee }} />`: the price and
 * the button that makes (or finds again) the draft's checkout, posting to the
 * app: its answer is the checkout page, never a redirect to Whop.
 */
export function FundCard(props: { competition: Competition; funding: { amount: Minor; fee: Minor } }) {
  const { competition } = props;
  const funding = competition.checkout ?? props.funding;
  const prize = formatMoney(competition.prize, competition.currency);
  return (
    <section class="card" aria-labelledby="fund-heading">
      <h2 id="fund-heading">Fund the prize</h2>
      <p>
        The competition opens to stores once its {prize}{" "}
        prize is paid into escrow through Whop. Unfunded drafts are cancelled when the start passes (<LocalTimeIsland
          iso={competition.startDate}
        />).
      </p>
      <FundingBreakdown
        currency={competition.currency}
        prize={competition.prize}
        fee={funding.fee}
        amount={funding.amount}
      />
      <p class="muted">
        Whop keeps its fee from each payment, so the checkout adds it: the whole prize reaches escrow. The prize is paid
        to the winner once Whop has cleared the funds.
      </p>
      {competition.checkout && (
        <p class="muted">
          Your Whop checkout is ready (made{" "}
          <LocalTimeIsland iso={competition.checkout.createdAt} />), so the prize, its currency and its split are
          frozen. To change them, cancel this draft and create a new competition.
        </p>
      )}
      <form method="post" action={`/api/competitions/${competition.id}/fund`}>
        <SubmitButtonIsland label={`Fund ${prize} with Whop`} pendingLabel="Preparing the checkout…" />
      </form>
    </section>
  );
}

/** What a checkout funds, as the checkout step shows it: a competition's prize, or a season's prizes. */
export interface CheckoutSubject {
  title: string;
  currency: string;
  /** What the payment covers after Whop's fee. */
  prize: Minor;
  /** "competition" or "season". */
  noun: string;
  /** Where the creator goes back to. */
  back: string;
}

/**
 * `<CheckoutCard subject={…} checkout={checkout} framed={false} />`:
 * the step before Whop's checkout, a link (top-level navigation, which no
 * `form-action` restricts) to wherever Whop's checkout is. Inside Whop's
 * frame (`framed`) it opens in a new tab, since Whop's checkout refuses to be
 * framed; the frame keeps a link back to the competition (or season).
 */
export function CheckoutCard(props: { subject: CheckoutSubject; checkout: FundingCheckoutRecord; framed: boolean }) {
  const { subject, checkout, framed } = props;
  const pay = formatMoney(checkout.amount, subject.currency);
  const season = subject.noun === "season";
  return (
    <section class="card" aria-labelledby="checkout-heading">
      <h1 id="checkout-heading">{season ? "Pay the season's prizes on Whop" : "Pay the prize on Whop"}</h1>
      <p>
        {subject.title}: {season ? "every round's prize and the season prize go" : "the prize goes"}{" "}
        into escrow on Whop and open{season ? "" : "s"} the {subject.noun}{" "}
        to stores. Whop's secure checkout takes the payment; you come back here once it is done.
      </p>
      <FundingBreakdown
        currency={subject.currency}
        prize={subject.prize}
        fee={checkout.fee}
        amount={checkout.amount}
        label={season ? "Prizes" : undefined}
      />
      <p>
        <a
          class="button"
          href={checkout.url}
          rel="noopener"
          target={framed ? "_blank" : undefined}
        >
          Continue to Whop to pay {pay}
        </a>
      </p>
      {framed && (
        <p class="muted">
          Whop's checkout opens in a new tab. When you have paid, come back to this tab and open the {subject.noun}.
        </p>
      )}
      <p>
        <a href={subject.back}>Back to the {subject.noun}</a>
      </p>
    </section>
  );
}

/**
 * `<FundingReturnNotice funded={true} outcome="funded" manage="/competitions/x/manage" />`: what a tab signed
 * in nowhere (the one Whop's checkout opened from Whop's frame) reads on its
 * way back. It names no competition (a draft is private, a community's
 * competitions are its own); the creator signs in to see it.
 */
export function FundingReturnNotice(
  props: { funded: boolean; outcome: ReturnOutcome; manage: string; noun?: "competition" | "season" },
) {
  const noun = props.noun ?? "competition";
  const signIn = `/login?${new URLSearchParams({ returnTo: props.manage })}`;
  return (
    <section class="card" aria-labelledby="return-heading">
      <h1 id="return-heading">{props.funded ? "✓ Prize funded" : "Payment not confirmed yet"}</h1>
      {props.funded
        ? (
          <p class="notice notice-ok" role="status">
            Whop confirmed your payment: the prize is held in escrow and the {noun} is open to stores.
          </p>
        )
        : props.outcome === "refunding"
        ? (
          <p class="notice notice-error" role="alert">
            Whop confirmed a payment, but it could not fund the prize; it is being refunded. Sign in to see why.
          </p>
        )
        : (
          <p class="notice notice-info" role="status">
            Whop has not confirmed a payment for this {noun} yet. It usually takes a few seconds:{" "}
            <a href="">check again</a>.
          </p>
        )}
      <p>
        If you paid from your Whop community, close this tab: the {noun} there shows it. Or{" "}
        <a href={signIn}>sign in to manage the {noun}</a>.
      </p>
    </section>
  );
}
