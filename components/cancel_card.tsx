/**
 * The manage page's danger zone: cancelling before the start, confirmed by a
 * tick (a funded prize is refunded; a draft had nothing paid).
 */
import type { Competition } from "../lib/competitions/competitions.ts";
import { formatMoney } from "../lib/core/money.ts";
import { Card } from "./card.tsx";

/** `<CancelCard competition={competition} folded />` */
export function CancelCard(props: { competition: Competition; folded?: boolean }) {
  const { competition } = props;
  const prize = formatMoney(competition.prize, competition.currency);
  return (
    <Card id="cancel-heading" title="Cancel the competition" class="danger-zone" folded={props.folded}>
      <p>
        {competition.status === "UPCOMING"
          ? `Every store is told, and the ${prize} prize is refunded to you through Whop. This cannot be undone.`
          : "The draft is cancelled; nothing was paid, so nothing is refunded. This cannot be undone."}
      </p>
      <form method="post" action={`/competitions/${competition.id}/manage/cancel`}>
        <label class="checkbox">
          <input
            type="checkbox"
            name="confirm"
            value="yes"
            required
          />{" "}
          {competition.status === "UPCOMING" ? `Yes, cancel and refund the ${prize} prize` : "Yes, cancel this draft"}
        </label>
        <button type="submit" class="button-danger">Cancel competition</button>
      </form>
    </Card>
  );
}
