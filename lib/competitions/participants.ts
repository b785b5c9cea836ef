/**
 * Participants: a store owner's connected Shopify store in one competition,
 * with its running total and its row in the leaderboard index.
 *
 * One idea past 300 lines: the record, its indexes and its leaderboard row
 * share one layout, written together in each commit (the rules of who may
 * join, checked in the commit that creates it, are in `join_rules.ts`).
 */
import { bumpChange, type ChangeKind, commit, keys, loadByIndex, newId } from "../core/db.ts";
import type { Competition } from "./competitions.ts";
import { NotFoundError } from "../core/errors.ts";
import { assertCanJoin, CannotJoinError } from "./join_rules.ts";
import type { Minor } from "../core/money.ts";
import { plainText } from "../core/text.ts";
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
  /** When its latest race-chart sample was taken (epoch ms): the next one in the same bucket replaces it. */
  sampledAt?: number;
  /** When an order of its changed as its owner sees it, counted or not (epoch ms): the owner's panels follow it. */
  ordersChangedAt?: number;
  /** When Shopify asked for the store's data to be erased (`shop/redact`): named "Removed store" since, no orders kept. */
  erasedAt?: string;
  /**
   * In a competition with divisions: the number of the store's division,
   * fixed at its first sync after the start (`divisions.ts`), or `null`
   * until then. Absent: the competition has no divisions.
   */
  division?: number | null;
  /** The net revenue of the 30 days before the start that placed the store (a figure: its owner's and the creator's). */
  divisionBaseline?: Minor;
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
  | "division"
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
 * The leaderboard index key of a participant as it is now: on its board
 * (`["leaderboard", id]`, or its division's) ordered by its standing then
 * who reached it first; under `["leaderboard_disqualified", id]` while it is
 * disqualified; under `["leaderboard_unplaced", id]` while a competition with
 * divisions has not placed it yet.
 */
export function leaderboardKey(p: Participant): Deno.KvKey {
  if (p.disqualified) return keys.disqualifiedRow(p.competitionId, p.id);
  if (p.division === null) return keys.unplacedRow(p.competitionId, p.id);
  const [tier, value] = standing(p);
  const order = p.ranking?.metric === "growth" ? [tier, -value] : [-value];
  return keys.leaderboardRow(p.competitionId, order, Date.parse(p.reachedAt), p.id, p.division);
}

/** The leaderboard index value of a participant. */
export function leaderboardRow(p: Participant): LeaderboardRow {
  const { id, userId, displayName, shop, revenue, orders, lastOrderAt, reachedAt, connection, ranking, disqualified } =
    p;
  const counts = { ...(p.held ? { held: p.held } : {}), ...(p.excluded ? { excluded: p.excluded } : {}) };
  const division = p.division === undefined ? {} : { division: p.division };
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
    ...division,
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
 * A record a join depends on besides the competition's own (the store's
 * connection still being the joiner's): read in each attempt, judged, and
 * checked unchanged in the participant's commit, so it holds when the
 * participant is written.
 */
export interface JoinGuard {
  key: Deno.KvKey;
  /** Throws (the refusal) when the record as read does not allow the join. */
  assert(value: unknown): void | Promise<void>;
}

/** Reads `guard`'s record and judges it; the entry, to be checked in the commit (none without a guard). */
async function readGuard(kv: Deno.Kv, guard: JoinGuard | undefined): Promise<Deno.KvEntryMaybe<unknown>[]> {
  if (!guard) return [];
  const entry = await kv.get(guard.key);
  await guard.assert(entry.value);
  return [entry];
}

/**
 * Adds a store to a competition: the participant, its three indexes, its
 * leaderboard row and the competition's count in one atomic commit. Refuses
 * with a clear sentence when the user or the store already joined, the
 * currencies differ, the competition is not open, or `guard` does not hold.
 */
export async function createParticipant(
  kv: Deno.Kv,
  competitionId: string,
  joining: NewParticipant,
  now: number,
  guard?: JoinGuard,
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
    const guarded = await readGuard(kv, guard);
    if (byUser.value) throw new CannotJoinError("already_joined");
    if (byShop.value) throw new CannotJoinError("store_taken");
    const at = new Date(now).toISOString();
    const participant: Participant = {
      id: newId(now),
      competitionId,
      ...joining,
      displayName: plainText(joining.displayName).trim() || joining.shop, // as its owner typed it on Shopify
      revenue: 0,
      orders: 0,
      reachedAt: at,
      joinedAt: at,
      connection: "connected",
      sync: { state: "pending", ordersFetched: 0 },
      ranking: rankingFor(competition),
      // Placed in a division at its first sync after the start, from its history.
      ...(competition.divisions?.length ? { division: null } : {}),
    };
    const result = await commit(() =>
      bumpChange(
        kv.atomic()
          .check(competitionEntry, byUser, byShop, ...guarded)
          .set(keys.participant(participant.id), participant)
          .set(keys.participantByCompetition(competitionId, participant.id), participant.id)
          .set(keys.participantByUser(joining.userId, competitionId), participant.id)
          .set(keys.participantByShop(joining.shop, competitionId), participant.id)
          .set(keys.openMembershipOfShop(joining.shop, competitionId), participant.id)
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

/** Loads a participant or throws `NotFoundError`. */
export async function getParticipant(kv: Deno.Kv, id: string): Promise<Participant> {
  const entry = await kv.get<Participant>(keys.participant(id));
  if (!entry.value) throw new NotFoundError("There is no participant with that id.");
  return entry.value;
}

/**
 * Applies `change` to a participant atomically (optimistic check and retry),
 * keeping its leaderboard row and bumping its competition's change key.
 * `change` returns the new record, or `null` to leave it as it is; `guard`,
 * when given, must hold in the same commit. Once its competition's results
 * are frozen, the store's standing does not move (a growth baseline read
 * late keeps its old ranking): checked in the commit, on the competition
 * record it commits against, so settlement decides the places on the board
 * as frozen.
 */
export async function updateParticipant(
  kv: Deno.Kv,
  id: string,
  now: number,
  kind: ChangeKind,
  change: (current: Participant) => Participant | null,
  guard?: JoinGuard,
): Promise<Participant> {
  for (;;) {
    const entry = await kv.get<Participant>(keys.participant(id));
    if (!entry.value) throw new NotFoundError("There is no participant with that id.");
    const race = await kv.get<Competition>(keys.competition(entry.value.competitionId));
    const changed = change(entry.value);
    if (!changed) return entry.value;
    const next = race.value?.resultsFrozenAt ? { ...changed, ranking: entry.value.ranking } : changed;
    const guarded = await readGuard(kv, guard);
    const result = await commit(() =>
      bumpChange(
        kv.atomic().check(entry, race, ...guarded)
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
