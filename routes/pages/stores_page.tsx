/**
 * `GET /stores`, "Your stores": where a merchant who installed CartBrawl from
 * Shopify lands. Signed out, it asks them to sign in with Whop (prizes are
 * paid to their Whop account) and comes back here; signed in, it claims the
 * store this browser installed (the claim cookie, spent and cleared) and
 * lists each store the user connected with the competitions open to join,
 * each one click (a form post to `POST /api/competitions/:id/join` with the
 * store: it joins without another OAuth), and the answers to Shopify's
 * customer data requests for each store. Model:
 * `lib/competitions/page_views/stores.ts`.
 */
import { Hono } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import type { AppDeps, AppEnv } from "../_env.ts";
import { type Offer, storesPageView, type StoreView } from "../../lib/competitions/page_views/stores.ts";
import { claimCookieName } from "../../lib/shopify/install.ts";
import { formatMoney } from "../../lib/core/money.ts";
import { StatusBadge } from "../../components/status_badge.tsx";
import { SignInPrompt } from "../../components/signin_prompt.tsx";
import { LocalTimeIsland } from "../../components/island_wrappers.ts";
import type { CustomerDataRecord } from "../../lib/shopify/customer_requests.ts";
import { renderAppPage } from "./_shell.tsx";

/** What a store that cannot join with one click sees instead of the button. */
const NOT_OPEN: Record<Exclude<Offer, "open">, string> = {
  joined: "Joined",
  entered_with_another: "You entered another store",
  other_currency: "Another currency",
};

/** Shopify's customer data requests for the store, each with what CartBrawl holds of the customer. */
function DataRequests(props: { requests: CustomerDataRecord[] }) {
  if (props.requests.length === 0) return null;
  return (
    <details class="data-requests">
      <summary>Customer data requests ({props.requests.length})</summary>
      <p class="muted">
        Shopify asked what CartBrawl holds of these customers. It keeps no name, email, phone or address; only these
        orders, which you can pass on to the customer. Each answer is kept 90 days.
      </p>
      {props.requests.map((request) => (
        <section key={request.requestId}>
          <h3>
            Request {request.requestId}, received <LocalTimeIsland iso={request.receivedAt} />
          </h3>
          {request.orders.length === 0 ? <p>CartBrawl holds nothing of this customer.</p> : (
            <table class="data-table">
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Competition</th>
                  <th scope="col">Placed</th>
                  <th scope="col">Total</th>
                  <th scope="col">Counted</th>
                </tr>
              </thead>
              <tbody>
                {request.orders.map((order) => (
                  <tr key={`${order.competitionId}.${order.orderId}`}>
                    <th scope="row">{order.orderId}</th>
                    <td data-label="Competition">{order.competitionTitle}</td>
                    <td data-label="Placed">
                      <LocalTimeIsland iso={order.createdAt} />
                    </td>
                    <td data-label="Total">{order.total} {order.currency}</td>
                    <td data-label="Counted">{order.counted} {order.currency}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </details>
  );
}

function StoreCard(props: { store: StoreView }) {
  const { connection, offers, dataRequests } = props.store;
  return (
    <section class="card store-card" aria-labelledby={`store-${connection.shop}`}>
      <h2 id={`store-${connection.shop}`}>
        {connection.name ?? connection.shop} <span class="muted store-domain">{connection.shop}</span>
      </h2>
      <p class="muted">Connected{connection.currency ? ` · sells in ${connection.currency}` : ""}</p>
      {offers.length === 0
        ? (
          <p>
            No competition is open to join right now. <a href="/?status=UPCOMING">See what is coming</a>.
          </p>
        )
        : (
          <ul class="offer-list">
            {offers.map(({ competition, offer }) => (
              <li key={competition.id} class="offer">
                <div class="offer-what">
                  <a href={`/competitions/${competition.id}`}>{competition.title}</a>{" "}
                  <StatusBadge status={competition.status} />
                  <div class="muted">{formatMoney(competition.prize, competition.currency)} prize</div>
                </div>
                {offer === "open"
                  ? (
                    <form method="post" action={`/api/competitions/${competition.id}/join`} class="inline-form">
                      <input type="hidden" name="shop" value={connection.shop} />
                      <button type="submit" aria-label={`Join ${competition.title} with ${connection.shop}`}>
                        Join
                      </button>
                    </form>
                  )
                  : <span class={offer === "joined" ? "tag tag-ok" : "tag"}>{NOT_OPEN[offer]}</span>}
              </li>
            ))}
          </ul>
        )}
      <DataRequests requests={dataRequests} />
    </section>
  );
}

/** Routes: `GET /stores`. */
export function storesRoutes(deps: AppDeps): Hono<AppEnv> {
  const claimCookie = claimCookieName(deps.config.appUrl);
  return new Hono<AppEnv>().get("/stores", async (c) => {
    const userId = c.var.userId;
    if (!userId) {
      const installed = getCookie(c, claimCookie) !== undefined;
      return renderAppPage(c, deps, {
        title: "Sign in",
        body: (
          <SignInPrompt
            returnTo="/stores"
            reason={installed
              ? "Your Shopify store is connected. Sign in with Whop to enter it in competitions: prizes are paid to your Whop account."
              : undefined}
          />
        ),
      });
    }
    const claim = getCookie(c, claimCookie);
    if (claim !== undefined) {
      deleteCookie(c, claimCookie, { path: "/", secure: deps.config.appUrl.startsWith("https:") });
    }
    const view = await storesPageView(deps, userId, claim);
    return renderAppPage(c, deps, {
      title: "Your stores",
      body: (
        <>
          <h1>Your stores</h1>
          {view.claimedShop && (
            <p class="notice notice-info" role="status">
              {view.claimedShop} is connected to your Whop account. Join a competition below with one click.
            </p>
          )}
          {view.stores.length === 0
            ? (
              <p class="card">
                You have not connected a store yet. Install CartBrawl from your Shopify admin, or{" "}
                <a href="/?status=UPCOMING">enter a competition</a> from its page.
              </p>
            )
            : view.stores.map((store) => <StoreCard key={store.connection.shop} store={store} />)}
        </>
      ),
    });
  });
}
