/**
 * Join tickets: joining from a browser that cannot carry Shopify's state
 * cookie where it is. Inside Whop's iframe the app is served from Whop's
 * apps domain (cookies are third-party there, and Shopify's pages refuse to
 * be framed), so the round trip must run in a window of its own, on the
 * app's own origin, where the browser has no session of ours.
 *
 * The framed page (the user known by Whop's user token) checks the join
 * and issues a ticket: a random id, single use, ten minutes, bound to the
 * user, the competition and the shop, kept in KV only as its hash. The new
 * window opens `/shopify/connect/{ticket}`, which redeems it and starts the
 * round trip as that user; the callback then lands on a page that needs no
 * session (`landing: "window"`).
 */
import { commit, keys } from "../core/db.ts";
import { randomHex, sha256Hex } from "../core/crypto.ts";
import { AppError } from "../core/errors.ts";
import { beginJoin, checkJoin, type JoinDeps, type JoinRequest } from "./join.ts";
import type { BrowserRequest, OAuthStart } from "./oauth.ts";

/** How long a ticket may wait for its window. */
export const JOIN_TICKET_TTL_MS = 10 * 60_000;

/** `["shopify_join_tickets", sha256(ticket)]`: a checked join waiting for its window. */
export interface JoinTicket {
  userId: string;
  competitionId: string;
  shop: string;
  createdAt: string;
}

/** A ticket is 64 hex digits; anything else names none. */
const TICKET = /^[0-9a-f]{64}$/;

/** A ticket that is unknown, used or expired: answered 404 with a sentence. */
export class TicketGone extends AppError {
  override name = "TicketGone";
  constructor() {
    super(404, "This link to Shopify has expired or was already used. Start again from the competition's page.");
  }
}

/** Checks the join as `checkJoin` does and issues its ticket (the plain ticket is only ever in the user's link). */
export async function issueJoinTicket(
  deps: Pick<JoinDeps, "kv" | "now">,
  request: JoinRequest,
): Promise<{ ticket: string; shop: string }> {
  const { shop, competition } = await checkJoin(deps, request);
  const ticket = randomHex(32);
  const record: JoinTicket = {
    userId: request.userId,
    competitionId: competition.id,
    shop,
    createdAt: new Date(deps.now()).toISOString(),
  };
  const key = keys.shopifyJoinTicket(sha256Hex(ticket));
  await commit(() => deps.kv.atomic().set(key, record, { expireIn: JOIN_TICKET_TTL_MS }));
  return { ticket, shop };
}

/** The ticket's join, unspent and unexpired, or null. */
export async function readJoinTicket(kv: Deno.Kv, ticket: string, now: number): Promise<JoinTicket | null> {
  if (!TICKET.test(ticket)) return null;
  const record = (await kv.get<JoinTicket>(keys.shopifyJoinTicket(sha256Hex(ticket)))).value;
  return record && Date.parse(record.createdAt) + JOIN_TICKET_TTL_MS > now ? record : null;
}

/**
 * Spends the ticket (once: of two windows opening it, one wins) and starts
 * its join's round trip as the ticket's user, to land in the window. Throws
 * `TicketGone`, or what `beginJoin` throws (the rules are checked again).
 */
export async function redeemJoinTicket(deps: JoinDeps, ticket: string, browser: BrowserRequest): Promise<OAuthStart> {
  if (!TICKET.test(ticket)) throw new TicketGone();
  const key = keys.shopifyJoinTicket(sha256Hex(ticket));
  const entry = await deps.kv.get<JoinTicket>(key);
  const record = entry.value;
  if (!record || Date.parse(record.createdAt) + JOIN_TICKET_TTL_MS <= deps.now()) throw new TicketGone();
  const spent = await commit(() => deps.kv.atomic().check(entry).delete(key));
  if (!spent.ok) throw new TicketGone();
  return beginJoin(deps, { ...record, ...browser }, "window");
}
