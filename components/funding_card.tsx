/**
 * The creator's prize money before the race: the card that funds a draft's
 * prize through Whop (with Whop's fee shown), and the notice that a funded
 * prize is held until the end (refunds have their own card).
 */
import type { Competition } from "../lib/competitions/competitions.ts";
import { formatMoney, type Minor } from "../lib/core/money.ts";
import { LocalTimeIsland, SubmitButtonIsland } from "./island_wrappers.ts";

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

/** `<FundCard competition={draft} funding={{ amount, fee }} />`: the checkout's price and the button to it. */
export function FundCard(props: { competition: Competition; funding: { amount: Minor; fee: Minor } }) {
  const { competition, funding } = props;
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
      <dl class="fund-breakdown">
        <dt>Prize</dt>
        <dd>{prize}</dd>
        <dt>Whop fee</dt>
        <dd>{formatMoney(funding.fee, competition.currency)}</dd>
        <dt>You pay</dt>
        <dd>
          <strong>{formatMoney(funding.amount, competition.currency)}</strong>
        </dd>
      </dl>
      <p class="muted">
        Whop keeps its fee from each payment, so the checkout adds it: the whole prize reaches escrow. The prize is paid
        to the winner once Whop has cleared the funds.
      </p>
      <form method="post" action={`/api/competitions/${competition.id}/fund`}>
        <SubmitButtonIsland label={`Fund ${prize} with Whop`} pendingLabel="Opening Whop's checkout…" />
      </form>
    </section>
  );
}
