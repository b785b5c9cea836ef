/** `GET /`: what the simulated Whop holds right now, for demos. */
import { Hono } from "hono";
import { html } from "hono/html";
import { page } from "./html_layout.ts";
import { formatMoney } from "./money.ts";
import type { WebhookSender } from "./webhook_sender.ts";
import type { WhopState } from "./whop_state.ts";

/** The overview route. */
export function overviewRoutes(
  state: WhopState,
  webhooks: WebhookSender,
): Hono {
  const routes = new Hono();
  const balances = (ownerId: string) =>
    state.ledger.balances(ownerId)
      .map(({ currency, minor, pendingMinor }) =>
        formatMoney(minor, currency) + (pendingMinor ? ` (+ ${formatMoney(pendingMinor, currency)} pending)` : "")
      ).join(", ") ||
    "—";
  const name = (ownerId: string) =>
    ownerId === state.company.id ? state.company.title : state.users.get(ownerId)?.name ?? ownerId;

  routes.get("/", (c) =>
    c.html(page(
      "Overview",
      html`
        <div class="card">
          <h2>Balances</h2>
          <table>
        <tr><th>Account</th><th>Id</th><th>Balance</th></tr>
        <tr><td><strong>${state.company.title}</strong> (company)</td><td><code>${state.company
          .id}</code></td><td>${balances(state.company.id)}</td></tr>
        ${[...state.users.values()].map((u) =>
          html`
            <tr>
              <td>${u.name} <span class="muted">@${u.username}</span></td>
              <td><code>${u.id}</code></td>
              <td>${balances(u.id)}</td>
            </tr>
          `
        )}
          </table>
        </div>
        <div class="card">
          <h2>Experiences</h2>
          <table>
        <tr><th>Community</th><th>Id</th><th>Members</th></tr>
        ${state.experiences.list().map((e) =>
          html`
            <tr>
              <td><a href="/experiences/${e.id}">${e.name}</a></td>
              <td><code>${e.id}</code></td>
              <td>${Object.entries(e.members).map(([userId, level]) => `${name(userId)} (${level})`).join(", ")}</td>
            </tr>
          `
        )}
          </table>
        </div>
        <div class="card">
          <h2>Payments</h2>
          <table>
        <tr><th>Id</th><th>Payer</th><th>Amount</th><th>Metadata</th></tr>
        ${state.payments.map((p) =>
          html`
            <tr>
              <td><code>${p.id}</code></td>
              <td>${name(p.userId)}</td>
              <td>${formatMoney(p.amountMinor, p.currency)}${p.refundedMinor
                ? ` (refunded ${formatMoney(p.refundedMinor, p.currency)})`
                : ""}</td>
              <td><code>${JSON.stringify(p.metadata)}</code></td>
            </tr>
          `
        )}
          </table>
        </div>
        <div class="card">
          <h2>Transfers</h2>
          <table>
        <tr><th>Id</th><th>From</th><th>To</th><th>Amount</th><th>Key</th></tr>
        ${state.transfers.map((t) =>
          html`
            <tr>
              <td><code>${t.id}</code></td>
              <td>${name(t.originId)}</td>
              <td>${name(t.destinationId)}</td>
              <td>${formatMoney(t.amountMinor, t.currency)}</td>
              <td><code>${t.idempotenceKey ?? "—"}</code></td>
            </tr>
          `
        )}
          </table>
          <p class="muted">${state.transferAttempts.length} transfer calls received.</p>
        </div>
        <div class="card">
          <h2>Webhooks</h2>
          <table>
        <tr><th>Event</th><th>Type</th><th>Status</th></tr>
        ${webhooks.deliveries.map((d) =>
          html`
            <tr>
              <td><code>${d.id}</code></td>
              <td>${d.type}</td>
              <td>${d.status ?? d.error ?? "not sent (no URL)"}</td>
            </tr>
          `
        )}
          </table>
        </div>
        <div class="card">
          <h2>Notifications</h2>
          <table>
        <tr><th>Title</th><th>Content</th><th>To</th></tr>
        ${state.notifications.map((n) =>
          html`
            <tr>
              <td>${n.title}</td>
              <td>${n.content}</td>
              <td>${n.userIds?.map(name).join(", ") ?? "everyone"}</td>
            </tr>
          `
        )}
          </table>
        </div>
      `,
    )));

  return routes;
}
