/**
 * The hosted checkout page a `purchase_url` points at: shows the price, lets
 * the tester pick which demo user pays, and pays on submit. As Whop's own,
 * it is served on its own origin (whop.com, not the API's api.whop.com:
 * `sandbox.ts` gives it a listener of its own), it refuses to be framed, and
 * after paying it sends the buyer to the checkout's `redirect_url` with the
 * query Whop adds: `status=success`, `checkout_status=success`, and the
 * payment's id as `payment_id` and `receipt_id`.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { getCookie } from "hono/cookie";
import { SIGNED_IN_COOKIE } from "./oauth_routes.ts";
import { roleLabel } from "./demo_users.ts";
import { page } from "./html_layout.ts";
import { formatMoney } from "./money.ts";
import type { PaymentRecord } from "./records.ts";
import type { WhopState } from "./whop_state.ts";

/** Pays a checkout configuration and delivers its `payment.succeeded` webhook. */
export type CompletePayment = (
  checkoutConfigurationId: string,
  input: { userId: string },
) => Promise<PaymentRecord>;

/** Where a paid checkout sends the buyer: its `redirect_url` with the query Whop adds. */
function returnUrl(redirectUrl: string, paymentId: string): string {
  const url = new URL(redirectUrl);
  url.searchParams.set("status", "success");
  url.searchParams.set("checkout_status", "success");
  url.searchParams.set("payment_id", paymentId);
  url.searchParams.set("receipt_id", paymentId);
  return url.toString();
}

/** Routes for `/checkout/:id` (GET shows, POST pays). */
export function checkoutRoutes(
  state: WhopState,
  completePayment: CompletePayment,
): Hono {
  const routes = new Hono();
  // Whop's checkout is never shown inside another site's frame.
  routes.use(async (c, next) => {
    await next();
    c.res.headers.set("x-frame-options", "DENY");
    c.res.headers.set("content-security-policy", "frame-ancestors 'none'");
  });

  routes.get("/checkout/:id", (c) => {
    const checkout = state.checkoutConfigurations.find((ch) => ch.id === c.req.param("id"));
    if (!checkout) {
      return c.html(page("Not found", html`<p>No such checkout.</p>`), 404);
    }
    const price = formatMoney(checkout.amountMinor, checkout.currency);
    const users = [...state.users.values()];
    const signedIn = getCookie(c, SIGNED_IN_COOKIE);
    const chosen = users.find((user) => user.id === signedIn) ?? users[0];
    const choices = users.map((user) =>
      html`<label class="choice">
  <input type="radio" name="user_id" value="${user.id}" ${user === chosen ? "checked" : ""}>
  <span><strong>${user.name}</strong>
    <span class="muted">@${user.username} · ${roleLabel(user)}</span></span>
</label>`
    );
    return c.html(page(
      "Checkout",
      html`<div class="card">
  <div class="muted">${state.company.title}</div>
  <h1>${checkout.title ?? "Prize funding"}</h1>
  <div class="amount">${price}</div>
  <form method="post">
    <p class="muted">Pay as</p>
    ${choices}
    <p><button type="submit">Pay ${price}</button></p>
  </form>
  <p class="muted"><code>${checkout.id}</code></p>
</div>`,
    ));
  });

  routes.post("/checkout/:id", async (c) => {
    const form = await c.req.parseBody();
    const userId = typeof form.user_id === "string" ? form.user_id : "";
    const checkout = state.requireCheckoutConfiguration(c.req.param("id"));
    const payment = await completePayment(checkout.id, { userId });
    if (checkout.redirectUrl) return c.redirect(returnUrl(checkout.redirectUrl, payment.id), 303);
    return c.html(page(
      "Paid",
      html`
        <div class="card">
          <h1>Payment complete</h1>
          <p class="amount">${formatMoney(payment.amountMinor, payment.currency)}</p>
          <p class="muted">Receipt <code>${payment.id}</code></p>
        </div>
      `,
    ));
  });

  return routes;
}
