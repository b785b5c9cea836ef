/** The manage page's audit log: who disqualified or reinstated which store, when, and why. */
import type { AuditEntry } from "../lib/competitions/disqualification.ts";
import { LocalTimeIsland } from "./island_wrappers.ts";

/** `<AuditLogCard entries={audit} />` */
export function AuditLogCard(props: { entries: AuditEntry[] }) {
  return (
    <section class="card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <AuditLog entries={props.entries} />
    </section>
  );
}

function AuditLog(props: { entries: AuditEntry[] }) {
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
              <td>{entry.by}</td>
              <td>
                {entry.action === "disqualified" ? "Disqualified" : "Reinstated"} {entry.displayName}{" "}
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
