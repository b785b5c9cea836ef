/**
 * Seasons: a series of rounds, each a competition of one template, funded by
 * one checkout and ranked by points over the rounds. This module holds the
 * record, its indexes and its status machine:
 *
 *   DRAFT (created) → UPCOMING (funded) → ACTIVE (round 1 started) → COMPLETED
 *   DRAFT → CANCELLED (its start passed unfunded, or its creator cancelled it)
 *   UPCOMING → CANCELLED (its creator cancelled it before round 1: refunded in full)
 *
 * An ACTIVE season whose creator cancels the rounds not yet started stays
 * ACTIVE with `cancelledFromRound`: it ends after its last played round.
 * The rounds themselves are made by the season job (`rounds.ts`).
 */
import { commit, keys, loadByIndex, newId } from "../core/db.ts";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import type { Minor } from "../core/money.ts";
import type { FundingCheckoutRecord } from "../competitions/competitions.ts";
import type { SeasonInput } from "./season_input.ts";

/** Where a season is in its life. */
export type SeasonStatus = "DRAFT" | "UPCOMING" | "ACTIVE" | "COMPLETED" | "CANCELLED";

/** A decided place of a season's standings, paid from the season prize. */
export interface SeasonPlace {
  /** The standings table: a division's number, absent for a season without divisions. */
  division?: number;
  place: number;
  userId: string;
  points: number;
  percent: number;
  amount: Minor;
}

/** A season as stored. */
export interface Season extends SeasonInput {
  id: string;
  creatorId: string;
  status: SeasonStatus;
  /** The template's currency: the season's money is all in it. */
  currency: string;
  /** The Whop community the season (and each round) belongs to, as the template names it. */
  experienceId?: string;
  createdAt: string;
  updatedAt: string;
  /** The Whop checkout that funds every round and the season prize, once asked for (freezes the money). */
  checkout?: FundingCheckoutRecord;
  /** The Whop payment that funded the season. */
  fundsTxId?: string;
  /** Why the last payment did not fund the season. */
  fundingIssue?: string;
  /** The rounds made so far, in order: their competitions' ids. */
  roundIds: string[];
  /** Set when the creator cancelled the rounds from this one on: the season ends after the one before. */
  cancelledFromRound?: number;
  cancelledAt?: string;
  cancelReason?: "creator" | "unfunded";
  /** The season prize's places, decided once the last played round is scored. */
  places?: SeasonPlace[];
  /** The season prize of the places nobody earned, returned to the creator. */
  unearned?: Minor;
  completedAt?: string;
}

const EDGES: Record<SeasonStatus, SeasonStatus[]> = {
  DRAFT: ["UPCOMING", "CANCELLED"],
  UPCOMING: ["ACTIVE", "CANCELLED"],
  ACTIVE: ["COMPLETED"],
  COMPLETED: [],
  CANCELLED: [],
};

/**
 * The season's standings tables: one per division of its template (their
 * numbers, from 1), or the one table of a season without divisions (`undefined`).
 */
export function standingsTables(season: Pick<SeasonInput, "template">): (number | undefined)[] {
  const divisions = season.template.divisions;
  return divisions?.length ? divisions.map((_, i) => i + 1) : [undefined];
}

/** Every round's prize together (what each round pays its places, whoever wins). */
export function roundsPrize(season: Pick<SeasonInput, "template">, rounds: number): Minor {
  return season.template.prize * rounds;
}

/** What the season's one checkout must cover: every round's prize and the season prize of every table. */
export function seasonEscrow(season: Pick<SeasonInput, "template" | "rounds" | "seasonPrize">): Minor {
  return roundsPrize(season, season.rounds) + season.seasonPrize * standingsTables(season).length;
}

/** How many rounds are played: all of them, or those before the first cancelled one. */
export function playedRounds(season: Pick<Season, "rounds" | "cancelledFromRound">): number {
  return season.cancelledFromRound === undefined ? season.rounds : season.cancelledFromRound - 1;
}

/** Whether a season exists only for its creator: a DRAFT, or one CANCELLED before it was funded. */
export function isSeasonPrivate(season: Pick<Season, "status" | "fundsTxId">): boolean {
  return season.status === "DRAFT" || (season.status === "CANCELLED" && !season.fundsTxId);
}

function indexOps(op: Deno.AtomicOperation, season: Season): Deno.AtomicOperation {
  return op
    .set(keys.season(season.id), season)
    .set(keys.seasonByStatus(season.status, Date.parse(season.startDate), season.id), season.id)
    .set(keys.seasonByCreator(season.creatorId, Date.parse(season.createdAt), season.id), season.id);
}

/** Stores a checked input as a new DRAFT season of `creatorId`, created at `now`. */
export async function saveSeasonDraft(
  kv: Deno.Kv,
  creatorId: string,
  input: SeasonInput,
  now: number,
): Promise<Season> {
  const at = new Date(now).toISOString();
  const season: Season = {
    ...input,
    id: newId(now),
    creatorId,
    status: "DRAFT",
    currency: input.template.currency,
    ...(input.template.experienceId === undefined ? {} : { experienceId: input.template.experienceId }),
    createdAt: at,
    updatedAt: at,
    roundIds: [],
  };
  const result = await commit(() =>
    indexOps(kv.atomic().check({ key: keys.season(season.id), versionstamp: null }), season)
  );
  if (!result.ok) throw new ConflictError("A season with this id already exists; try again.");
  return season;
}

/** Loads a season or throws `NotFoundError`. */
export async function getSeason(kv: Deno.Kv, id: string): Promise<Season> {
  const entry = await kv.get<Season>(keys.season(id));
  if (!entry.value) throw new NotFoundError("There is no season with that id.");
  return entry.value;
}

/**
 * Loads a season as `userId` (undefined: signed out) may read it: a private
 * one, and a community's to someone signed out, is `NotFoundError` for
 * anyone but its creator, exactly like an unknown id (the community's members
 * are asked of Whop by the caller: `actions.ts`).
 */
export async function getVisibleSeason(kv: Deno.Kv, id: string, userId: string | undefined): Promise<Season> {
  const season = await getSeason(kv, id);
  const hidden = isSeasonPrivate(season) || (season.experienceId !== undefined && userId === undefined);
  if (hidden && season.creatorId !== userId) throw new NotFoundError("There is no season with that id.");
  return season;
}

/**
 * Applies `change` to a season atomically (optimistic check and retry),
 * moving its status index in the same commit. `change` returns the new
 * record, or `null` to leave it; `extra` adds writes to the same commit; the
 * entries at `read` are read with the season on every try, handed to both
 * and checked in the commit, so a decision taken on them holds.
 */
export async function updateSeason(
  kv: Deno.Kv,
  id: string,
  now: number,
  change: (current: Season, read: Deno.KvEntryMaybe<unknown>[]) => Season | null,
  extra?: (op: Deno.AtomicOperation, next: Season, read: Deno.KvEntryMaybe<unknown>[]) => Deno.AtomicOperation,
  read: readonly Deno.KvKey[] = [],
): Promise<{ season: Season; changed: boolean }> {
  for (;;) {
    const [entry, ...others] = await kv.getMany<unknown[]>([keys.season(id), ...read]);
    if (!entry.value) throw new NotFoundError("There is no season with that id.");
    const current = entry.value as Season;
    const proposed = change(current, others);
    if (!proposed) return { season: current, changed: false };
    assertSeasonTransition(current.status, proposed.status);
    const next = { ...proposed, updatedAt: new Date(now).toISOString() };
    const result = await commit(() => {
      const op = replaceSeasonOps(kv.atomic().check(entry, ...others), current, next);
      return extra ? extra(op, next, others) : op;
    });
    if (result.ok) return { season: next, changed: true };
  }
}

/** Whether a season may move from one status to another; throws the 409 that says it may not. */
export function assertSeasonTransition(from: SeasonStatus, to: SeasonStatus): void {
  if (from !== to && !EDGES[from].includes(to)) {
    throw new ConflictError(`A ${from.toLowerCase()} season cannot become ${to.toLowerCase()}.`);
  }
}

/**
 * Adds to `op` the writes that replace `current` with `next` (its record and
 * its status index moved); the caller checks `current`'s entry in the same commit.
 */
export function replaceSeasonOps(op: Deno.AtomicOperation, current: Season, next: Season): Deno.AtomicOperation {
  return indexOps(op.delete(keys.seasonByStatus(current.status, Date.parse(current.startDate), current.id)), next);
}

/** Seasons in one status, ordered by start. */
export function listSeasonsByStatus(kv: Deno.Kv, status: SeasonStatus, limit = 200): Promise<Season[]> {
  return loadByIndex<Season>(kv, keys.seasonsByStatus(status), keys.season, { limit });
}

/** A creator's seasons, newest first. */
export function listSeasonsByCreator(kv: Deno.Kv, creatorId: string, limit = 200): Promise<Season[]> {
  return loadByIndex<Season>(kv, keys.seasonsByCreator(creatorId), keys.season, { limit, reverse: true });
}

/** The seasons anyone may see (never a private one, nor a community's), running first. */
export async function listPublicSeasons(kv: Deno.Kv, limit = 50): Promise<Season[]> {
  const statuses: SeasonStatus[] = ["ACTIVE", "UPCOMING", "COMPLETED"];
  const lists = await Promise.all(statuses.map((status) => listSeasonsByStatus(kv, status, limit)));
  return lists.flat().filter((season) => season.experienceId === undefined).slice(0, limit);
}
