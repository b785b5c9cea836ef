/** The sandbox's HTML: the install (authorize) page, the overview, and error pages. */
import { formatRestMoney } from "./money.ts";
import { currentTotalMinor, financialStatus, type SandboxOrder, type SandboxShop } from "./model.ts";
import type { WebhookDelivery } from "./webhook_dispatcher.ts";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text).replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f1f2f4;color:#303030}
header{background:#1a1a1a;color:#fff;padding:12px 24px;display:flex;gap:12px;align-items:center}
header b{font-size:16px}.badge{background:#ffd79d;color:#4f2d00;border-radius:8px;padding:1px 8px;font-size:12px;font-weight:600}
main{max-width:960px;margin:32px auto;padding:0 16px}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 0 #d4d4d4,0 0 0 1px #e3e3e3;padding:20px 24px;margin-bottom:20px}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:0 0 12px}
ul.scopes{padding-left:20px}.muted{color:#616161;font-size:13px}
.actions{display:flex;gap:12px;justify-content:flex-end;margin-top:20px}
button,.button{font:inherit;font-weight:600;border-radius:8px;padding:6px 14px;border:0;cursor:pointer;text-decoration:none}
.primary{background:#303030;color:#fff}.secondary{background:#e3e3e3;color:#303030}
table{width:100%;border-collapse:collapse;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #ebebeb}
th{color:#616161;font-weight:600}td form{display:inline}td form.refund{margin-right:8px}input{font:inherit;padding:4px 8px;border:1px solid #8a8a8a;border-radius:8px;width:7em}
.narrow{max-width:420px;margin:0 auto 20px}input.wide{width:100%}.ok{color:#0c5132}.bad{color:#8e1f0b}tr.chosen{background:#f1f8f5}
`;

/** An inline icon, so the browser does not ask for a /favicon.ico this server does not have. */
const FAVICON = `<link rel="icon" href="data:image/svg+xml,${
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#008060"/></svg>',
  )
}">`;

/** A page of the simulated Shopify: its header and styles around `body` (HTML). */
export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>${FAVICON}<style>${STYLE}</style></head>
<body><header><b>Shopify</b><span class="badge">Sandbox</span></header>
<main>${body}</main></body></html>`;
}

const SCOPE_TEXT: Record<string, string> = {
  read_orders: "View orders, transactions, fulfillments and abandoned checkouts",
  write_orders: "Modify orders, transactions, fulfillments and abandoned checkouts",
  read_products: "View products, variants and collections",
  read_customers: "View customer details",
};

/** The install page a merchant sees: shop, app, scopes, and Approve. */
export function authorizePage(input: {
  shop: SandboxShop;
  appName: string;
  scopes: string[];
  redirectUri: string;
  approveAction: string;
  fields: Record<string, string>;
}): string {
  const scopes = input.scopes.length
    ? input.scopes.map((scope) =>
      `<li>${escapeHtml(SCOPE_TEXT[scope] ?? scope)} <span class="muted">(${escapeHtml(scope)})</span></li>`
    ).join("")
    : "<li>No data access</li>";
  const hidden = Object.entries(input.fields).map(([name, value]) =>
    `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`
  ).join("");
  return layout(
    `Install ${input.appName}`,
    `<div class="card">
<h1>Install ${escapeHtml(input.appName)}</h1>
<p>on <b>${escapeHtml(input.shop.name)}</b> <span class="muted">(${escapeHtml(input.shop.domain)})</span></p>
<h2>This app will be able to:</h2><ul class="scopes">${scopes}</ul>
<p class="muted">After you approve, you go back to ${escapeHtml(new URL(input.redirectUri).host)}.</p>
<form method="post" action="${escapeHtml(input.approveAction)}">${hidden}
<div class="actions"><button class="primary" type="submit" name="decision" value="approve">Approve</button></div>
</form></div>`,
  );
}

/** A short error page (bad client id, missing redirect). */
export function errorPage(title: string, message: string): string {
  return layout(
    title,
    `<div class="card"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></div>`,
  );
}

/** The hidden fields naming one order in a form. */
function orderFields(order: SandboxOrder): string {
  return `<input type="hidden" name="shop" value="${
    escapeHtml(order.shop)
  }"><input type="hidden" name="id" value="${order.id}">`;
}

/**
 * What the merchant can still do with an order, as in Shopify's admin:
 * refund part or all of what is left of a paid order (the amount starts at
 * all of it), and cancel an order not yet cancelled.
 */
function orderActions(order: SandboxOrder): string {
  const left = currentTotalMinor(order);
  const refund = order.paymentStatus === "paid" && left > 0
    ? `<form method="post" action="/_sandbox/orders/refund" class="refund">${
      orderFields(order)
    }<input name="amount" value="${
      formatRestMoney(left, order.currency)
    }" inputmode="decimal" aria-label="Amount to refund on ${
      escapeHtml(order.name)
    }"> <button class="secondary" type="submit">Refund</button></form>`
    : "";
  const cancel = order.cancelledAt === null
    ? `<form method="post" action="/_sandbox/orders/cancel">${
      orderFields(order)
    }<button class="secondary" type="submit">Cancel</button></form>`
    : "";
  return refund + cancel;
}

/** The overview at `/`: shops, recent orders and deliveries, and demo forms. */
export function overviewPage(input: {
  shops: SandboxShop[];
  /** The shop whose orders and webhooks are listed; every shop's latest when absent. */
  shop?: string;
  /** The admin's launcher of the app for a shop (it sends the merchant to the App URL); none: no link. */
  appLauncher?: (shop: string) => string;
  orders: SandboxOrder[];
  deliveries: WebhookDelivery[];
}): string {
  const shopRows = input.shops.map((shop) =>
    `<tr${shop.domain === input.shop ? ' class="chosen"' : ""}><td><a href="/?shop=${
      encodeURIComponent(shop.domain)
    }">${escapeHtml(shop.name)}</a><div class="muted">${escapeHtml(shop.domain)}</div></td><td>${
      escapeHtml(shop.currency)
    }</td><td>${shop.installed ? '<span class="ok">installed</span>' : "not installed"}${
      input.appLauncher
        ? `<div><a href="${escapeHtml(input.appLauncher(shop.domain))}">${
          shop.installed ? "Open" : "Install"
        } CartBrawl</a></div>`
        : ""
    }</td><td><form method="post" action="/_sandbox/orders">
<input type="hidden" name="shop" value="${escapeHtml(shop.domain)}">
<input name="totalPrice" value="25.00" aria-label="Order total"> <label><input type="checkbox" name="test" style="width:auto"> test</label>
<button class="secondary" type="submit">Place order</button></form></td></tr>`
  ).join("");
  const orderRows = input.orders.map((order) =>
    `<tr><td>${escapeHtml(order.name)}</td><td>${escapeHtml(order.shop)}</td><td>${
      new Date(order.createdAt).toISOString().slice(0, 19).replace("T", " ")
    }</td><td>${formatRestMoney(currentTotalMinor(order), order.currency)} ${escapeHtml(order.currency)}</td><td>${
      escapeHtml(financialStatus(order))
    }${order.test ? " · test" : ""}${order.cancelledAt === null ? "" : " · cancelled"}</td><td>${
      orderActions(order)
    }</td></tr>`
  ).join("");
  const deliveryRows = input.deliveries.map((delivery) =>
    `<tr><td>${escapeHtml(delivery.topic)}</td><td>${escapeHtml(delivery.shop)}</td><td class="muted">${
      escapeHtml(delivery.url)
    }</td><td class="${delivery.status === "delivered" ? "ok" : delivery.status === "failed" ? "bad" : ""}">${
      escapeHtml(delivery.status)
    }${delivery.responseStatus === null ? "" : ` (${delivery.responseStatus})`}</td></tr>`
  ).join("");
  const empty = (columns: number, text: string) => `<tr><td colspan="${columns}" class="muted">${text}</td></tr>`;
  return layout(
    "Shopify sandbox",
    `<div class="card"><h1>Shops</h1><table><tr><th>Shop</th><th>Currency</th><th>App</th><th>New order</th></tr>${
      shopRows || empty(4, "No shops yet: connect one from the app.")
    }</table></div>
<div class="card"><h1>${
      input.shop ? `Orders of ${escapeHtml(input.shop)} <a class="muted" href="/">(all shops)</a>` : "Recent orders"
    }</h1><table><tr><th>Order</th><th>Shop</th><th>Created (UTC)</th><th>Current total</th><th>Status</th><th></th></tr>${
      orderRows || empty(6, "No orders yet.")
    }</table></div>
<div class="card"><h1>Recent webhooks</h1><table><tr><th>Topic</th><th>Shop</th><th>URL</th><th>Status</th></tr>${
      deliveryRows || empty(4, "Nothing sent yet.")
    }</table></div>`,
  );
}
