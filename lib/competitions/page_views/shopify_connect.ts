/**
 * The models of the small pages around Shopify's OAuth round trip, which let
 * a browser reach Shopify's pages whatever origin Shopify sends it on to:
 *
 * - `/shopify/continue/:state`: the page a join form lands on (a form's
 *   redirect chain is held to the page's `form-action`; this page is a new
 *   navigation) and that sends the browser on to Shopify's install page;
 * - `/shopify/window/:ticket`: in Whop's frame, the link that opens the
 *   round trip in a window of its own;
 * - `/shopify/connected`: where that window lands afterwards.
 */
import { NotFoundError } from "../../core/errors.ts";
import { readJoinTicket } from "../../shopify/join_tickets.ts";
import { readOAuthState } from "../../shopify/oauth.ts";
import { type Competition, getVisibleCompetition } from "../competitions.ts";
import { isJoinRefusalCode, JOIN_REFUSALS } from "../join_rules.ts";

/** The continue page: which store, and Shopify's page to go on to. */
export interface ContinueView {
  shop: string;
  authorizeUrl: string;
  /** What the round trip is for: entering a competition, or installing the app from Shopify. */
  purpose: "join" | "install";
}

/** The round trip `state` started, while it is unspent; 404 otherwise. */
export async function continueView(kv: Deno.Kv, state: string, now: number): Promise<ContinueView> {
  const record = await readOAuthState(kv, state, now);
  if (!record?.authorizeUrl) {
    throw new NotFoundError("This link to Shopify has expired or was already used. Start again.");
  }
  return { shop: record.shop, authorizeUrl: record.authorizeUrl, purpose: record.kind ?? "join" };
}

/** The framed page's link: the window's start, for the ticket's user only. */
export interface WindowView {
  shop: string;
  competition: Competition;
  /** `{APP_URL}/shopify/connect/{ticket}`: the app's own origin, where Shopify's cookie can be kept. */
  connectUrl: string;
}

/** The ticket's page for `userId`; 404 when the ticket is gone or another's. */
export async function windowView(
  deps: { kv: Deno.Kv; now: () => number; config: { appUrl: string } },
  ticket: string,
  userId: string | undefined,
): Promise<WindowView> {
  const record = await readJoinTicket(deps.kv, ticket, deps.now());
  if (!record || record.userId !== userId) {
    throw new NotFoundError("This link to Shopify has expired or was already used. Start again from the competition.");
  }
  const competition = await getVisibleCompetition(deps.kv, record.competitionId, userId);
  return { shop: record.shop, competition, connectUrl: `${deps.config.appUrl}/shopify/connect/${ticket}` };
}

/** The window's landing: the refusal's sentence when the store could not join (`?joinError=<code>`). */
export function connectedView(joinErrorCode: string | undefined): { joinError?: string } {
  if (!isJoinRefusalCode(joinErrorCode)) return {};
  return { joinError: JOIN_REFUSALS[joinErrorCode]({ currency: "the competition's currency" }) };
}
