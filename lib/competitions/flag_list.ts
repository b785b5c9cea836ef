/**
 * The creator's list of held and flagged orders: each flag's entry in the
 * `["flags", competitionId]` index carries what the list sorts it by
 * (`FlagState`, kept by the order's commits), so a page of the list reads
 * only its own orders; the creator's view of each, and the API's pages
 * (`GET /api/competitions/:id/flags`).
 */
import { keys, readMany } from "../core/db.ts";
import { ValidationError } from "../core/errors.ts";
import { toDecimalString } from "../core/money.ts";
import { type Competition, competitionForCreator } from "./competitions.ts";
import { flagIdOf, type FlagPointer } from "./order_book.ts";
import type { Decision, FlagReason } from "./order_rules.ts";
import type { Participant } from "./participants.ts";
import {
  type FlagState,
  flagStateOf,
  type FlagStatus,
  flagStatusOf,
  noSalesHistory,
  type StoredOrder,
} from "./stored_order.ts";

/** A held or flagged order as the creator sees it (`GET /api/competitions/:id/flags`). */
export interface FlagView {
  id: string;
  participantId: string;
  /** The store, so the list reads without the board beside it. */
  displayName: string;
  shop: string;
  orderId: string;
  reason: FlagReason;
  /** The order's total, decimal string. */
  amount: string;
  /** What the order adds to the store's total now, decimal string. */
  counted: string;
  currency: string;
  status: FlagStatus;
  /** Whether the order stays out of the total unless counted (held), rather than counting while flagged. */
  held: boolean;
  createdAt: string;
  raisedAt: string;
  /** A `spike` raised because the store had no meaningful sales history before the start (its one such flag). */
  noSalesHistory?: true;
  decision?: Decision;
  decidedAt?: string;
  note?: string;
}

/** The creator's view of one flagged order (`order.flag` set). */
export function flagView(
  competition: Competition,
  participant: Participant,
  orderId: string,
  order: StoredOrder,
): FlagView {
  const { currency } = competition;
  return {
    id: flagIdOf(participant.id, orderId),
    participantId: participant.id,
    displayName: participant.displayName,
    shop: participant.shop,
    orderId,
    reason: order.flag!.reason,
    amount: toDecimalString(order.gross ?? order.amount, currency),
    counted: toDecimalString(order.amount, currency),
    currency,
    status: flagStatusOf(order),
    held: flagStateOf(order)!.held,
    createdAt: order.createdAt,
    raisedAt: order.flag!.raisedAt,
    ...(noSalesHistory(order) ? { noSalesHistory: true } : {}),
    ...(order.decision
      ? {
        decision: order.decision.decision,
        decidedAt: order.decision.at,
        ...(order.decision.note ? { note: order.decision.note } : {}),
      }
      : {}),
  };
}

/** A flag as the creator's list indexes it: the store's participant id, the order id and what the list sorts it by. */
export interface FlagEntry {
  id: string;
  participantId: string;
  orderId: string;
  state: FlagState;
}

/**
 * Every flag of a competition with its state, from the index alone; an entry
 * written before the index kept states is told by its order (read here).
 */
export async function listFlagEntries(kv: Deno.Kv, competitionId: string): Promise<FlagEntry[]> {
  const pointers: FlagPointer[] = [];
  const list = kv.list<FlagPointer>({ prefix: keys.flags(competitionId) }, { batchSize: 1000 });
  for await (const entry of list) pointers.push(entry.value);
  const stateless = pointers.filter((pointer) => !pointer.state);
  const orders = await readMany<StoredOrder>(kv, stateless.map((p) => keys.order(p.participantId, p.orderId)));
  const told = new Map(stateless.map((pointer, i) => [pointer, orders[i] ? flagStateOf(orders[i]) : undefined]));
  return pointers.flatMap((pointer) => {
    const state = pointer.state ?? told.get(pointer);
    const { participantId, orderId } = pointer;
    return state ? [{ id: flagIdOf(participantId, orderId), participantId, orderId, state }] : [];
  });
}

/** The creator's views of `entries`, in their order (their orders and stores read); an order gone is left out. */
export async function flagViewsOf(
  kv: Deno.Kv,
  competition: Competition,
  entries: readonly Pick<FlagEntry, "participantId" | "orderId">[],
): Promise<FlagView[]> {
  const participantIds = [...new Set(entries.map((entry) => entry.participantId))];
  const participants = new Map<string, Participant>();
  for (const participant of await readMany<Participant>(kv, participantIds.map(keys.participant))) {
    if (participant) participants.set(participant.id, participant);
  }
  const orders = await readMany<StoredOrder>(kv, entries.map((e) => keys.order(e.participantId, e.orderId)));
  return entries.flatMap(({ participantId, orderId }, i) => {
    const order = orders[i];
    const participant = participants.get(participantId);
    return order?.flag && participant ? [flagView(competition, participant, orderId, order)] : [];
  });
}

/** The API's order of flags: open ones first, each group oldest first (then by id, so pages never overlap). */
function sortKey(entry: FlagEntry): [number, string, string] {
  return [entry.state.status === "open" ? 0 : 1, entry.state.raisedAt, entry.id];
}

function compareKeys(a: [number, string, string], b: [number, string, string]): number {
  return a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]);
}

/** The most flags one page of the API answers (`?limit=`). */
export const MAX_FLAGS_PAGE = 500;

const STATUSES: readonly FlagStatus[] = ["open", "cleared", "decided"];

/** The API's query: `status` keeps one status; `limit` answers a page at a time, `after` the next one. */
export interface FlagsQuery {
  status?: string;
  limit?: string;
  after?: string;
}

/** `query` checked: a known status, a whole limit of 1 to {@link MAX_FLAGS_PAGE}, a cursor the API gave. */
function readFlagsQuery(query: FlagsQuery) {
  const issues = [];
  const status = query.status as FlagStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status)) {
    issues.push({ path: "status", message: "Ask for the status open, cleared or decided." });
  }
  const limit = query.limit === undefined ? undefined : Number(query.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_FLAGS_PAGE)) {
    issues.push({ path: "limit", message: `Ask for 1 to ${MAX_FLAGS_PAGE} flags a page.` });
  }
  let after: [number, string, string] | undefined;
  if (query.after !== undefined) {
    try {
      const parsed = JSON.parse(
        new TextDecoder().decode(Uint8Array.fromBase64(query.after, { alphabet: "base64url" })),
      );
      if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[0] !== "number") throw new Error();
      after = [parsed[0], String(parsed[1]), String(parsed[2])];
    } catch {
      issues.push({ path: "after", message: "Give `after` as the `next` of the page before." });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { status, limit, after };
}

/**
 * The flags of a competition for `userId` (undefined: signed out): its
 * creator and the operators see them; for anyone else the competition's
 * flags do not exist (404). In the list's order, all of them, or with
 * `query.limit` a page and the `next` cursor while more follow (a flag whose
 * state changes between pages may move); `query.status` keeps one status.
 */
export async function flagsFor(
  kv: Deno.Kv,
  competitionId: string,
  userId: string | undefined,
  isOperator: boolean,
  query: FlagsQuery = {},
): Promise<{ flags: FlagView[]; next?: string }> {
  const { status, limit, after } = readFlagsQuery(query);
  const competition = await competitionForCreator(kv, competitionId, userId, isOperator);
  const entries = (await listFlagEntries(kv, competition.id))
    .filter((entry) =>
      (status === undefined || entry.state.status === status) &&
      (after === undefined || compareKeys(sortKey(entry), after) > 0)
    )
    .sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
  const page = limit === undefined ? entries : entries.slice(0, limit);
  const flags = await flagViewsOf(kv, competition, page);
  if (page.length === entries.length) return { flags };
  const last = JSON.stringify(sortKey(page[page.length - 1]));
  return { flags, next: new TextEncoder().encode(last).toBase64({ alphabet: "base64url", omitPadding: true }) };
}
