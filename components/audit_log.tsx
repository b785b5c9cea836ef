/**
 * The manage page's audit log: who (by name, the Whop user id on hover)
 * disqualified or reinstated which store, or counted or excluded which
 * order, when, and why.
 */
import type { AuditEntry } from "../lib/competitions/disqualification.ts";
import { LocalTimeIsland } from "./island_wrappers.ts";

/** What an entry did, in words. */
const ACTIONS: Record<AuditEntry["action"], (entry: AuditEntry) => string> = {
  disqualified: () => "Disqualified",
  reinstated: () => "Reinstated",
  order_counted: (entry) => `Counted order #${entry.orderId} of`,
  order_excluded: (entry) => `Excluded order #${entry.orderId} of`,
};

/** `<AuditLogCard entries={audit} names={{ user_1: "Ava Creator" }} />` */
export function AuditLogCard(props: { entries: AuditEntry[]; names: Record<string, string> }) {
  return (
    <section class="card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <AuditLog entries={props.entries} names={props.names} />
    </section>
  );
}

function AuditLog(props: { entries: AuditEntry[]; names: Record<string, string> }) {
  if (props.entries.length === 0) {
    return <p class="muted">Nothing yet: disqualifications and reinstatements appear here.</p>;
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
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => (
            <tr key={entry.id}>
              <td>
                <LocalTimeIsland iso={entry.at} />
              </td>
              <td>
                <span title={`Whop user ${entry.by}`}>{props.names[entry.by] ?? entry.by}</span>
              </td>
              <td>
                {ACTIONS[entry.action](entry)} {entry.displayName}{" "}
                {entry.shop && <span class="muted">{entry.shop}</span>}
              </td>
              <td>{entry.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
