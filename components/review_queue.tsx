/**
 * The manage page's review queue: the held and flagged orders waiting for
 * the creator (held first, then flagged), each with its store, amount,
 * reason and a plain form — an optional note and the two decisions — that
 * posts and comes back here (no JavaScript needed); then what was decided,
 * and what needed no decision. Once the results are final it is read-only.
 */
import type { FlagView } from "../lib/competitions/flag_list.ts";
import type { ReviewQueue } from "../lib/competitions/page_views/manage.ts";
import { formatDecimalMoney } from "./format.ts";
import { FLAG_LABELS, reasonForCreator } from "./flag_reasons.ts";
import { LocalTimeIsland } from "./island_wrappers.ts";
import { Card } from "./card.tsx";

/** The amount an order adds, and its total when it adds less (capped). */
function Amount(props: { flag: FlagView }) {
  const { flag } = props;
  const total = formatDecimalMoney(flag.amount, flag.currency);
  if (flag.held || flag.counted === flag.amount) return <strong class="review-amount">{total}</strong>;
  return (
    <span class="review-amount">
      <strong>{formatDecimalMoney(flag.counted, flag.currency)}</strong> counted of {total}
    </span>
  );
}

function FlagHead(props: { flag: FlagView }) {
  const { flag } = props;
  return (
    <div class="review-head">
      <span class="review-order">
        <strong>Order #{flag.orderId}</strong> · {flag.displayName}{" "}
        {flag.shop && <span class="muted">{flag.shop}</span>}
      </span>
      <span class="review-facts">
        <Amount flag={flag} /> <span class="muted">placed</span> <LocalTimeIsland iso={flag.createdAt} />
      </span>
    </div>
  );
}

/** The decision form of one open order: posts `decision` and `note`, then 303 back to the queue. */
function DecisionForm(props: { competitionId: string; flag: FlagView }) {
  const { competitionId, flag } = props;
  const order = `order #${flag.orderId} of ${flag.displayName}`;
  return (
    <form method="post" action={`/competitions/${competitionId}/manage/flags/${flag.id}`} class="review-form">
      <label class="review-note">
        <span>Note to the store (optional)</span>
        <input name="note" maxLength={500} autoComplete="off" aria-label={`Note on ${order} (optional)`} />
      </label>
      <div class="review-buttons">
        <button type="submit" name="decision" value="count" class="button-secondary" aria-label={`Count ${order}`}>
          Count
        </button>
        <button type="submit" name="decision" value="exclude" class="button-danger" aria-label={`Exclude ${order}`}>
          Exclude
        </button>
      </div>
    </form>
  );
}

function OpenItem(props: { competitionId: string; flag: FlagView; canDecide: boolean }) {
  const { flag } = props;
  return (
    <li class="review-item" id={`flag-${flag.id}`}>
      <p class="review-state">
        {flag.held ? <span class="tag tag-warning">Held · {FLAG_LABELS[flag.reason]}</span> : (
          <span class="tag">
            Counting, flagged · {flag.noSalesHistory ? "no sales history" : FLAG_LABELS[flag.reason]}
          </span>
        )}
      </p>
      <FlagHead flag={flag} />
      <p class="review-reason">{reasonForCreator(flag)}</p>
      {props.canDecide ? <DecisionForm competitionId={props.competitionId} flag={flag} /> : (
        <p class="review-outcome">
          Not decided before the results were final: {flag.held ? "it stayed out." : "it counted."}
        </p>
      )}
    </li>
  );
}

function DecidedItem(props: { flag: FlagView }) {
  const { flag } = props;
  return (
    <li class="review-item review-done" id={`flag-${flag.id}`}>
      <p class="review-state">
        {flag.decision === "count"
          ? <span class="tag tag-ok">Counted by you</span>
          : <span class="tag tag-danger">Excluded by you</span>} <span class="muted">{FLAG_LABELS[flag.reason]}</span>
        {flag.decidedAt && (
          <>
            {" "}
            <span class="muted">on</span> <LocalTimeIsland iso={flag.decidedAt} />
          </>
        )}
      </p>
      <FlagHead flag={flag} />
      {flag.note && (
        <p class="review-note-shown">
          Your note to the store: <q>{flag.note}</q>
        </p>
      )}
    </li>
  );
}

function ClosedItem(props: { flag: FlagView }) {
  const { flag } = props;
  return (
    <li class="review-item review-done" id={`flag-${flag.id}`}>
      <p class="review-state">
        <span class="tag">{flag.reason === "voided" ? "Never paid" : `Cleared · was ${FLAG_LABELS[flag.reason]}`}</span>
      </p>
      <FlagHead flag={flag} />
      <p class="review-reason">
        {flag.reason === "voided"
          ? reasonForCreator(flag)
          : "The reason went away by itself (paid, or room under the cap): it counts like any other order."}
      </p>
    </li>
  );
}

/**
 * "The first 50 of 1,234 (…); show all 1,234": under a list that shows part
 * of its orders (`REVIEW_SHOWN`), with the link to the whole queue.
 */
function MoreOrders(props: { shown: number; total: number; order: string; href: string }) {
  if (props.shown >= props.total) return null;
  const total = props.total.toLocaleString("en-US");
  return (
    <p class="review-more-orders muted">
      The first {props.shown} of {total} ({props.order}). <a href={props.href}>Show all {total}</a>
    </p>
  );
}

/**
 * `<ReviewQueueCard competitionId={id} review={view.review} wholeHref="/competitions/c_1/manage?review=all#review" />`
 * (`wholeHref`: the manage page with every order of the queue).
 */
export function ReviewQueueCard(
  props: { competitionId: string; review: ReviewQueue; wholeHref: string; folded?: boolean },
) {
  const { competitionId, review, wholeHref } = props;
  const { open, decided, closed, totals, canDecide } = review;
  const held = open.filter((flag) => flag.held).length;
  return (
    <Card
      id="review-heading"
      anchor="review"
      class="review"
      folded={props.folded}
      title={
        <>
          Orders to review
          {canDecide && totals.open > 0 && <span class="count">{totals.open.toLocaleString("en-US")}</span>}
        </>
      }
    >
      {canDecide
        ? (
          <p class="muted">
            Held orders stay out of the totals until you count them; flagged orders count until you exclude them. Each
            decision is taken once, moves the board at once, is logged below and is shown to the store with your note.
            {held > 0 && " Held orders nobody decided stay out when the results freeze."}
          </p>
        )
        : (
          <p class="muted">
            The results are final: the decisions below are as they were taken, and held orders nobody decided stayed
            out.
          </p>
        )}
      {totals.open === 0 && totals.decided === 0 && totals.closed === 0 && (
        <p class="review-empty">
          Nothing to review: orders that are held (unpaid, entered by hand, rated risky by Shopify, over the customer
          cap) or flagged (an hour far above the store's usual sales) appear here.
        </p>
      )}
      {totals.open === 0 && (totals.decided > 0 || totals.closed > 0) && (
        <p class="review-empty">Nothing waits for a decision.</p>
      )}
      {open.length > 0 && (
        <>
          <ol class="review-list" aria-label="Orders waiting for a decision">
            {open.map((flag) => (
              <OpenItem key={flag.id} competitionId={competitionId} flag={flag} canDecide={canDecide} />
            ))}
          </ol>
          <MoreOrders shown={open.length} total={totals.open} order="held first, oldest first" href={wholeHref} />
        </>
      )}
      {decided.length > 0 && (
        <details class="review-more" open={totals.open === 0}>
          <summary>Decided ({totals.decided.toLocaleString("en-US")})</summary>
          <ol class="review-list">
            {decided.map((flag) => <DecidedItem key={flag.id} flag={flag} />)}
          </ol>
          <MoreOrders shown={decided.length} total={totals.decided} order="the latest decisions" href={wholeHref} />
        </details>
      )}
      {closed.length > 0 && (
        <details class="review-more">
          <summary>Nothing to decide ({totals.closed.toLocaleString("en-US")})</summary>
          <ol class="review-list">
            {closed.map((flag) => <ClosedItem key={flag.id} flag={flag} />)}
          </ol>
          <MoreOrders shown={closed.length} total={totals.closed} order="the newest" href={wholeHref} />
        </details>
      )}
    </Card>
  );
}
