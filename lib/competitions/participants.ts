/**
 * Participants: a store owner's connected Shopify store in one competition,
 * with its running total and its row in the leaderboard index.
 *
 * One idea past 300 lines: the record, its indexes and the rules of who may
 * join (checked in the commit that creates it) share one layout.
 */
import { bumpChange, type ChangeKind, commit, keys, loadByIndex, newId } from "../core/db.ts";
import { type Competition, isOpenForJoining } from "./competitions.ts";
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../core/errors.ts";
import type { Minor } from "../core/money.ts";
import type { Metric } from "./input.ts";

/** Progress of a participant's order sync with Shopify. */
export interface SyncProgress {
  state: "pending" | "running" | "done" | "failed";
  ordersFetched: number;
  lastSyncedAt?: string;
  /** Orders updated at or before this instant have been fetched. */
  cursor?: string;
  error?: string;
}

/**
 * How a participant is ranked: its competition's metric, copied when it joins
 * (the rules are locked once the prize is funded, before anyone can join), so
 * that every writer keeps its leaderboard row without reading the
 * competition. Absent on records from before metrics: revenue.
 */
export type Ranking =
  | { metric: "revenue" | "orders" }
  | {
    metric: "growth";
    /** Revenue in the equal window before the start; `null` until read (or when it could not be). */
    baseline: Minor | null;
    /** The competition's `growthMinBaseline`. */
    minBaseline: Minor;
  };

/** Why and by whom a store was taken out of the ranking. */
export interface Disqualification {
  reason: string;
  by: string;
  at: string;
}

/** A store in a competition. */
export interface Participant {
  id: string;
  competitionId: string;
  userId: string;
  displayName: string;
  shop: string;
  currency: string;
  revenue: Minor;
  orders: number;
  /** Orders held out of the total until paid or decided by the creator (absent: none). */
  held?: number;
  /** Orders the creator excluded (absent: none). */
  excluded?: number;
  /** Counted revenue and orders over the hours read before the start (up to 30 days), spikes' measure; absent until read. */
  history?: { revenue: Minor; hours: number; orders?: number };
  /** The order of its one `spike` flag, for a store without a meaningful history (`hasMeaningfulHistory`). */
  noHistorySpike?: string;
  /** When the current total was reached (ties go to the earlier). */
  reachedAt: string;
  lastOrderAt?: string;
  joinedAt: string;
  connection: "connected" | "disconnected";
  disconnectedAt?: string;
  sync: SyncProgress;
  ranking?: Ranking;
  /** Set while the creator has taken the store out of the ranking. */
  disqualified?: Disqualification;
}

/** What the leaderboard index stores per participant, enough to render a row. */
export type LeaderboardRow = Pick<
  Participant,
  | "id"
  | "userId"
  | "displayName"
  | "shop"
  | "revenue"
  | "orders"
  | "held"
  | "excluded"
  | "lastOrderAt"
  | "reachedAt"
  | "connection"
  | "ranking"
  | "disqualified"
>;

/** Whether a growth store's baseline reaches the competition's minimum (then it is ranked by growth). */
export function hasGrowthBase(ranking: Ranking | undefined): boolean {
  return ranking?.metric === "growth" && ranking.baseline !== null && ranking.baseline > 0 &&
    ranking.baseline >= ranking.minBaseline;
}

/**
 * Where a row stands by its competition's metric, compared first to last:
 * `[tier, value]`, higher first. Revenue and orders have one tier; growth
 * ranks stores with a baseline by revenue ÷ baseline (tier 0) before those
 * below the minimum baseline, by revenue (tier 1).
 */
export function standing(row: Pick<LeaderboardRow, "revenue" | "orders" | "ranking">): [tier: number, value: number] {
  const ranking = row.ranking;
  if (ranking?.metric === "orders") return [0, row.orders];
  if (ranking?.metric === "growth") {
    return hasGrowthBase(ranking) ? [0, row.revenue / ranking.baseline!] : [1, row.revenue];
  }
  return [0, row.revenue];
}

/** The metric a row is ranked by. */
export function metricOfRow(row: Pick<LeaderboardRow, "ranking">): Metric {
  return row.ranking?.metric ?? "revenue";
}

/**
 * The leaderboard index key of a participant as it is now: under
 * `["leaderboard", id]` ordered by its standing then who reached it first,
 * or under `["leaderboard_disqualified", id]` while it is disqualified.
 */
export function leaderboardKey(p: Participant) {
  if (p.disqualified) return keys.disqualifiedRow(p.competitionId, p.id);
  const [tier, value] = standing(p);
  const order = p.ranking?.metric === "growth" ? [tier, -value] : [-value];
  return keys.leaderboardRow(p.competitionId, order, Date.parse(p.reachedAt), p.id);
}

/** The leaderboard index value of a participant. */
export function leaderboardRow(p: Participant): LeaderboardRow {
  const { id, userId, displayName, shop, revenue, orders, lastOrderAt, reachedAt, connection, ranking, disqualified } =
    p;
  const counts = { ...(p.held ? { held: p.held } : {}), ...(p.excluded ? { excluded: p.excluded } : {}) };
  return {
    id,
    userId,
    displayName,
    shop,
    revenue,
    orders,
    ...counts,
    lastOrderAt,
    reachedAt,
    connection,
    ranking,
    disqualified,
  };
}

/** How a store joining `competition` is ranked. */
export function rankingFor(competition: Competition): Ranking {
  const metric = competition.metric ?? "revenue";
  return metric === "growth" ? { metric, baseline: null, minBaseline: competition.growthMinBaseline ?? 0 } : { metric };
}

/** A store joining a competition, as the Shopify callback knows it. */
export interface NewParticipant {
  userId: string;
  shop: string;
  displayName: string;
  currency: string;
}

/**
 * Adds a store to a competition: the participant, its three indexes, its
 * leaderboard row and the competition's count in one atomic commit. Refuses
 * with a clear sentence when the user or the store already joined, the
 * currencies differ or the competition is not open.
 */
export async function createParticipant(
  kv: Deno.Kv,
  competitionId: string,
  joining: NewParticipant,
  now: number,
): Promise<Participant> {
  for (;;) {
    const [competitionEntry, byUser, byShop] = await kv.getMany<[Competition, string, string]>([
      keys.competition(competitionId),
      keys.participantByUser(joining.userId, competitionId),
      keys.participantByShop(joining.shop, competitionId),
    ]);
    const competition = competitionEntry.value;
    if (!competition) throw new NotFoundError("There is no competition with that id.");
    assertCanJoin(competition, now, joining);
    if (byUser.value) throw new CannotJoinError("already_joined");
    if (byShop.value) throw new CannotJoinError("store_taken");
    const at = new Date(now).toISOString();
    const participant: Participant = {
      id: newId(now),
      competitionId,
      ...joining,
      revenue: 0,
      orders: 0,
      reachedAt: at,
      joinedAt: at,
      connection: "connected",
      sync: { state: "pending", ordersFetched: 0 },
      ranking: rankingFor(competition),
    };
    const result = await commit(() =>
      bumpChange(
        kv.atomic()
          .check(competitionEntry, byUser, byShop)
          .set(keys.participant(participant.id), participant)
          .set(keys.participantByCompetition(competitionId, participant.id), participant.id)
          .set(keys.participantByUser(joining.userId, competitionId), participant.id)
          .set(keys.participantByShop(joining.shop, competitionId), participant.id)
          .set(leaderboardKey(participant), leaderboardRow(participant))
          .set(keys.competition(competitionId), { ...competition, participantCount: competition.participantCount + 1 }),
        competitionId,
        "join",
        now,
      )
    );
    if (result.ok) return participant;
  }
}

/**
 * Every reason a store may be refused entry, by code, with the sentence the
 * competition page shows for it. A browser sent back after a refusal carries
 * only the code (`?joinError=<code>`); the page shows the sentence chosen
 * here, never text from the URL.
 */
export const JOIN_REFUSALS = {
  not_funded: () => "This competition is not open for joining: its prize is not funded yet.",
  ended: () => "This competition is not open for joining: it has ended.",
  cancelled: () => "This competition is not open for joining: it was cancelled.",
  creator: () => "You created this competition, so you cannot enter it: its prize would come back to you.",
  currency: (competition: Pick<Competition, "currency">) =>
    `This store sells in another currency; only stores selling in ${competition.currency} can join.`,
  already_joined: () => "You have already joined this competition.",
  store_taken: () => "That store is already in this competition.",
  invalid_shop: () =>
    "Enter your store's address as name.myshopify.com (or paste its admin.shopify.com/store/name link).",
  browser_required: () => "Connect your store from a web browser: open the competition page and press Join.",
  shop_mismatch: () => "Shopify answered for a different store than the one you entered. Press Join again.",
  cookie_lost: () => "Your browser did not keep the Shopify connection cookie (or it expired). Press Join again.",
  shopify_failed: () => "Shopify did not complete the connection; please press Join again.",
  currency_unknown: () => "Shopify did not tell us the store's currency; please press Join again.",
  too_many_attempts: () => "Too many attempts to join; wait a few minutes and try again.",
  refused: () => "Your store could not join this competition; please press Join again.",
} as const;

/** A reason a store was refused entry (a key of `JOIN_REFUSALS`). */
export type JoinRefusalCode = keyof typeof JOIN_REFUSALS;

/** Whether `value` is a known refusal code (anything else in a URL is ignored). */
export function isJoinRefusalCode(value: unknown): value is JoinRefusalCode {
  return typeof value === "string" && Object.hasOwn(JOIN_REFUSALS, value);
}

/** A refusal to join, with its code; the message is the code's sentence unless a more precise one is given. */
export class CannotJoinError extends ConflictError {
  override name = "CannotJoinError";
  constructor(readonly code: JoinRefusalCode, message?: string) {
    super(message ?? JOIN_REFUSALS[code]({ currency: "the competition's currency" }));
  }
}

/**
 * The refusal code for an error met while joining: its own code when it is
 * a `CannotJoinError`, otherwise by its kind (a bad shop address, a
 * non-browser client, too many attempts), else `refused`.
 */
export function joinRefusalCodeOf(error: AppError): JoinRefusalCode {
  if (error instanceof CannotJoinError) return error.code;
  if (error instanceof ValidationError) return "invalid_shop";
  if (error instanceof ForbiddenError) return "browser_required";
  if (error.status === 429) return "too_many_attempts";
  return "refused";
}

/**
 * Throws `CannotJoinError` when `joining` (a user, and the shop's currency
 * once known) cannot enter: the competition is not open, the user created
 * it, or the shop's currency differs from the prize's.
 */
export function assertCanJoin(
  competition: Competition,
  now: number,
  joining: { userId: string; currency?: string },
): void {
  if (!isOpenForJoining(competition, now)) {
    throw new CannotJoinError(
      competition.status === "DRAFT"
        ? "not_funded"
        : now >= Date.parse(competition.endDate) || competition.status === "COMPLETED"
        ? "ended"
        : "cancelled",
    );
  }
  if (joining.userId === competition.creatorId) throw new CannotJoinError("creator");
  if (joining.currency !== undefined && joining.currency !== competition.currency) {
    throw new CannotJoinError(
      "currency",
      `This store sells in ${joining.currency}, but the competition counts revenue in ${competition.currency}; only ${competition.currency} stores can join.`,
    );
  }
}

/** Loads a participant or throws `NotFoundError`. */
export async function getParticipant(kv: Deno.Kv, id: string): Promise<Participant> {
  const entry = await kv.get<Participant>(keys.participant(id));
  if (!entry.value) throw new NotFoundError("There is no participant with that id.");
  return entry.value;
}

/**
 * Applies `change` to a participant atomically (optimistic check and retry),
 * keeping its leaderboard row and bumping its competition's change key.
 * `change` returns the new record, or `null` to leave it as it is.
 */
export async function updateParticipant(
  kv: Deno.Kv,
  id: string,
  now: number,
  kind: ChangeKind,
  change: (current: Participant) => Participant | null,
): Promise<Participant> {
  for (;;) {
    const entry = await kv.get<Participant>(keys.participant(id));
    if (!entry.value) throw new NotFoundError("There is no participant with that id.");
    const next = change(entry.value);
    if (!next) return entry.value;
    const result = await commit(() =>
      bumpChange(
        kv.atomic().check(entry)
          .set(keys.participant(id), next)
          .delete(leaderboardKey(entry.value!))
          .set(leaderboardKey(next), leaderboardRow(next)),
        next.competitionId,
        kind,
        now,
      )
    );
    if (result.ok) return next;
  }
}

/**
 * Records a growth store's baseline (its revenue in the equal window before
 * the start), once: its leaderboard row moves to where its growth ranks it.
 */
export function setGrowthBaseline(kv: Deno.Kv, id: string, baseline: Minor, now: number): Promise<Participant> {
  return updateParticipant(
    kv,
    id,
    now,
    "leaderboard",
    (current) =>
      current.ranking?.metric === "growth" && current.ranking.baseline === null
        ? { ...current, ranking: { ...current.ranking, baseline } }
        : null,
  );
}

/** Every participant of a competition. */
export function listParticipants(kv: Deno.Kv, competitionId: string): Promise<Participant[]> {
  return loadByIndex<Participant>(kv, keys.participantsByCompetition(competitionId), keys.participant);
}

/** Every participant (in any competition) of a shop. */
export function listParticipantsOfShop(kv: Deno.Kv, shop: string): Promise<Participant[]> {
  return loadByIndex<Participant>(kv, keys.participantsByShop(shop), keys.participant);
}

/**
 * The competitions a shop takes part in, from the index alone (no participant
 * record read): what a webhook needs to apply an order.
 */
export async function listShopMemberships(
  kv: Deno.Kv,
  shop: string,
): Promise<{ participantId: string; competitionId: string }[]> {
  const memberships = [];
  for await (const entry of kv.list<string>({ prefix: keys.participantsByShop(shop) })) {
    memberships.push({ participantId: entry.value, competitionId: entry.key[2] as string });
  }
  return memberships;
}

/** Every participation of a user. */
export function listParticipationsOfUser(kv: Deno.Kv, userId: string): Promise<Participant[]> {
  return loadByIndex<Participant>(kv, keys.participantsByUser(userId), keys.participant);
}

/** The participant `userId` entered in a competition, if any. */
export async function findParticipantOfUser(
  kv: Deno.Kv,
  userId: string,
  competitionId: string,
): Promise<Participant | null> {
  const id = (await kv.get<string>(keys.participantByUser(userId, competitionId))).value;
  return id ? (await kv.get<Participant>(keys.participant(id))).value : null;
}
