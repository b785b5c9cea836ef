/**
 * The manage page's audit log: who (by name, the Whop user id on hover)
 * disqualified or reinstated which store,
 * and who counted or excluded which held or flagged order, when, and why
 * (the public reason, or the note the store was shown).
 */
import type { AuditLine } from "../lib/competitions/page_views/manage.ts";
import { FLAG_LABELS } from "./flag_reasons.ts";
import { LocalTimeIsland } from "./island_wrappers.ts";

/** `<AuditLogCard entries={view.audit} />` */
export function AuditLogCard(props: { entries: AuditLine[] }) {
  return (
    <section class="card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <AuditLog entries={props.entries} />
    </section>
  );
}

const STORE_ACTIONS = { disqualified: "Disqualified", reinstated: "Reinstated" } as const;

/** What was done, in words: to a store, or to one of its orders (with why the order was held or flagged). */
function What(props: { entry: AuditLine }) {
  const { entry } = props;
  const store = (
    <>
      {entry.displayName} {entry.shop && <span class="muted">{entry.shop}</span>}
    </>
  );
  if (entry.action === "disqualified" || entry.action === "reinstated") {
    return <>{STORE_ACTIONS[entry.action]} {store}</>;
  }
  return (
    <>
      {entry.action === "order_counted" ? "Counted" : "Excluded"} order #{entry.orderId} of {store}
      {entry.flagReason && <span class="audit-why">{FLAG_LABELS[entry.flagReason]}</span>}
    </>
  );
}

function AuditLog(props: { entries: AuditLine[] }) {
  if (props.entries.length === 0) {
    return (
      <p class="muted">
        Nothing yet: disqualifications, reinstatements and your decisions on held or flagged orders appear here.
      </p>
    );
  }
  return (
    <div class="table-scroll">
      <table class="data-table audit-log">
        <caption class="visually-hidden">Who did what and when</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Reason or note</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => (
            <tr key={entry.id}>
              <td data-label="When">
                <LocalTimeIsland iso={entry.at} />
              </td>
              <td data-label="Who">
                <span title={`Whop user ${entry.by}`}>{entry.byName}</span>
              </td>
              <td data-label="What">
                <span class="audit-what">
                  <What entry={entry} />
                </span>
              </td>
              <td data-label="Reason or note">{entry.reason || <span class="muted">none given</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
