/**
 * The demo's HTTP driver: the demo users' browsers doing what a person does,
 * over HTTP against this process and the simulated Whop and Shopify. A
 * creator posts `/api/competitions` and `/fund` and pays on the simulated
 * checkout page (the app is funded by the signed `payment.succeeded`
 * webhook); a store owner posts `/join`, logs in and presses Approve on the
 * simulated Shopify's pages and follows the signed redirect to
 * `/api/shopify/callback` (or, with a store connected already, is in at once); a season is created, funded and
 * joined the same way. Nothing here writes the app's data directly; it reads it to confirm what the app did, and
 * to skip a join that a seeding cut short had already made.
 */
import { type Competition, getCompetition } from "../../lib/competitions/competitions.ts";
import type { WhopSandbox } from "../whop/mod.ts";
import type { ShopifySandbox } from "../shopify/mod.ts";
import { approveInstall, BROWSER_UA } from "../shopify/install_page.ts";
import type { CompetitionPlan, DemoStoreOwner, SeasonPlan } from "./data.ts";
import { getSeason, type Season } from "../../lib/seasons/seasons.ts";
import { findParticipantOfUser } from "../../lib/competitions/participants.ts";
import { getEntrant } from "../../lib/seasons/entrants.ts";

/** What the driver talks to. */
export interface DriverDeps {
  /** The app's KV, read to confirm what the app did. */
  kv: Deno.Kv;
  /** The simulated Whop: it signs the demo users' tokens and takes their payments. */
  whop: WhopSandbox;
  /** The simulated Shopify: it holds the demo stores. */
  shopify: ShopifySandbox;
  /** Where this process serves the app, e.g. `http://127.0.0.1:8000`. */
  appOrigin: string;
}

/** A step of the demo did not go as a person would see it go; the message says which and what was answered. */
export class DemoSeedError extends Error {
  override name = "DemoSeedError";
}

/** A demo user's browser talking to the app over HTTP. */
async function asUser(
  deps: DriverDeps,
  userId: string,
  path: string,
  init: { method?: string; json?: unknown; cookie?: string } = {},
): Promise<Response> {
  const headers = new Headers({
    "User-Agent": BROWSER_UA,
    "x-whop-user-token": await deps.whop.signUserToken(userId),
  });
  if (init.cookie) headers.set("Cookie", init.cookie);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  return fetch(new URL(path, deps.appOrigin), {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    redirect: "manual",
  });
}

async function expectJson<T>(response: Response, status: number, what: string): Promise<T> {
  const text = await response.text();
  if (response.status !== status) throw new DemoSeedError(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The creator creates the competition and pays its prize on the simulated checkout page. */
export async function createAndFund(deps: DriverDeps, plan: CompetitionPlan): Promise<Competition> {
  const { competition } = await expectJson<{ competition: Competition }>(
    await asUser(deps, plan.creatorId, "/api/competitions", {
      json: {
        title: plan.title,
        description: plan.description,
        prize: plan.prize,
        currency: "USD",
        startDate: new Date(plan.startMs).toISOString(),
        endDate: new Date(plan.endMs).toISOString(),
        experienceId: plan.experienceId,
        prizeSplit: plan.prizeSplit,
        metric: plan.metric,
        divisions: plan.divisions,
      },
    }),
    201,
    `creating ${plan.title}`,
  );
  await payCheckout(deps, plan.creatorId, `/api/competitions/${competition.id}/fund`, plan.title);
  const funded = await getCompetition(deps.kv, competition.id);
  if (funded.status !== "UPCOMING") {
    throw new DemoSeedError(`${plan.title} was not funded: ${funded.fundingIssue ?? funded.status}`);
  }
  return funded;
}

/** The creator asks for the checkout at `fundPath` and pays it on the simulated checkout page. */
async function payCheckout(deps: DriverDeps, creatorId: string, fundPath: string, title: string): Promise<void> {
  const { checkoutUrl } = await expectJson<{ checkoutUrl: string }>(
    await asUser(deps, creatorId, fundPath, { method: "POST" }),
    200,
    `funding ${title}`,
  );
  // The checkout page's form: pay as the creator. It answers once the app has the signed webhook.
  const paid = await fetch(checkoutUrl, {
    method: "POST",
    body: new URLSearchParams({ user_id: creatorId }),
    redirect: "manual",
    headers: { "User-Agent": BROWSER_UA },
  });
  await paid.body?.cancel();
  if (paid.status !== 303) throw new DemoSeedError(`paying for ${title}: HTTP ${paid.status}`);
}

/** The creator creates the season and pays every round's prize and the season prize with one checkout. */
export async function createAndFundSeason(deps: DriverDeps, plan: SeasonPlan): Promise<Season> {
  const { season } = await expectJson<{ season: Season }>(
    await asUser(deps, plan.creatorId, "/api/seasons", { json: plan.body }),
    201,
    `creating ${plan.body.title}`,
  );
  await payCheckout(deps, plan.creatorId, `/api/seasons/${season.id}/fund`, plan.body.title);
  const funded = await getSeason(deps.kv, season.id);
  if (funded.status !== "UPCOMING") {
    throw new DemoSeedError(`${plan.body.title} was not funded: ${funded.fundingIssue ?? funded.status}`);
  }
  return funded;
}

/**
 * A store owner joins a competition (or, with `season`, a season through its
 * open round): `/join`, then (unless the store is theirs and connected
 * already: it joins at once) Shopify's login and install page, Approve, and
 * Shopify's signed redirect back to the app. An owner who is in already
 * (a seeding that stopped got this far) has nothing to do.
 */
export async function joinWithStore(
  deps: DriverDeps,
  id: string,
  owner: DemoStoreOwner,
  kind: "competitions" | "seasons" = "competitions",
): Promise<void> {
  const joined = kind === "competitions"
    ? await findParticipantOfUser(deps.kv, owner.id, id)
    : await getEntrant(deps.kv, id, owner.id);
  if (joined) return;
  deps.shopify.createShop({ shop: owner.shop, name: owner.storeName, currency: "USD", email: owner.email });
  const join = await asUser(deps, owner.id, `/api/${kind}/${id}/join`, { json: { shop: owner.shop } });
  const cookie = join.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const started = await expectJson<{ authorizeUrl?: string; joined?: true }>(join, 200, `${owner.shop} joining`);
  if (started.joined) return;
  const authorizeUrl = started.authorizeUrl!;
  // Shopify sends the browser to APP_URL; this process answers on its loopback address.
  const callback = new URL(await approveInstall(authorizeUrl));
  const back = await asUser(deps, owner.id, callback.pathname + callback.search, { cookie });
  await back.body?.cancel();
  if (back.status !== 303 || !back.headers.get("Location")?.startsWith(`/${kind}/${id}`)) {
    throw new DemoSeedError(`the callback for ${owner.shop}: ${back.status} ${back.headers.get("Location")}`);
  }
}
