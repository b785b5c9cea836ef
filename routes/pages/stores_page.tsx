/**
 * `GET /stores`, "Your stores": where a merchant who installed CartBrawl from
 * Shopify lands. Signed out, it asks them to sign in with Whop (prizes are
 * paid to their Whop account) and comes back here; signed in, it claims the
 * store this browser installed (the claim cookie, spent and cleared) and
 * lists each store the user connected with the competitions open to join,
 * each one click (a form post to `POST /api/competitions/:id/join` with the
 * store: it joins without another OAuth). Model:
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
import { renderAppPage } from "./_shell.tsx";

/** What a store that cannot join with one click sees instead of the button. */
const NOT_OPEN: Record<Exclude<Offer, "open">, string> = {
  joined: "Joined",
  entered_with_another: "You entered another store",
  other_currency: "Another currency",
};

function StoreCard(props: { store: StoreView }) {
  const { connection, offers } = props.store;
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
