/**
 * Competitions: records, their indexes, updates and the status machine
 * DRAFT → UPCOMING → ACTIVE → SETTLING → COMPLETED, with CANCELLED for a
 * draft whose start passes unfunded or that its creator cancels. SETTLING
 * lasts `SETTLEMENT_DELAY_S` after the end: refunds and cancellations of
 * counted orders still lower the totals before the results freeze. The
 * creator's edits and their locks are `editing.ts`.
 *
 * One idea past 300 lines: the record and every function that writes it
 * share its indexes and the status machine, so they stay in one module.
 */
import { bumpChange, type ChangeKind, commit, keys, loadByIndex, newId } from "../core/db.ts";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import type { CompetitionInput, InputRules } from "./input.ts";
import { parseCompetitionInput } from "./written_input.ts";
import { type Minor, toDecimalString } from "../core/money.ts";

/** Where a competition is in its life. */
export type CompetitionStatus = "DRAFT" | "UPCOMING" | "ACTIVE" | "SETTLING" | "COMPLETED" | "CANCELLED";

/** Every status, in the order a competition passes through them. */
export const STATUSES: readonly CompetitionStatus[] = [
  "DRAFT",
  "UPCOMING",
  "ACTIVE",
  "SETTLING",
  "COMPLETED",
  "CANCELLED",
];

/**
 * A decided paid place of a completed competition (`winner` is 1st place).
 * `place`, `percent`, `amount` and `value` are absent on records decided
 * before prize splits: 1st place, the whole prize.
 */
export interface Winner {
  participantId: string;
  userId: string;
  displayName: string;
  shop: string;
  revenue: Minor;
  reachedAt: string;
  decidedAt: string;
  place?: number;
  percent?: number;
  amount?: Minor;
  /** The metric the place was won with, formatted as on the leaderboard. */
  value?: string;
  /** The division (its number) whose place this is; absent on a competition without divisions. */
  division?: number;
}

/** A revenue competition as stored. */
export interface Competition extends CompetitionInput {
  id: string;
  creatorId: string;
  status: CompetitionStatus;
  createdAt: string;
  updatedAt: string;
  participantCount: number;
  /** The Whop payment that funded the prize (never set on a season's round: its season's payment funds it). */
  fundsTxId?: string;
  /** The season this competition is a round of (`lib/seasons/`): created funded from the season's escrow. */
  seasonId?: string;
  /** Which round of its season (from 1). */
  seasonRound?: number;
  /**
   * The Whop checkout made to fund the prize, once the creator asked for one.
   * While it exists the prize, its currency and its split are frozen (a
   * payment for it must fund exactly the prize it was priced for), and asking
   * to fund again gives this checkout, never a second one.
   */
  checkout?: FundingCheckoutRecord;
  /** Why the last payment did not fund the prize, for the manage page. */
  fundingIssue?: string;
  cancelledAt?: string;
  cancelReason?: "creator" | "unfunded";
  /** Set when settlement freezes the results; later orders do not count. */
  resultsFrozenAt?: string;
  /** Settlement notes, e.g. stores whose final sync failed. */
  settlementNotes?: string[];
  /** When the settlement window ends and the results freeze (set on entering SETTLING). */
  settlesAt?: string;
  /** `null` when the competition completed with no participants. */
  winner?: Winner | null;
  /**
   * Every paid place, decided with `winner` (its first element); with
   * divisions, each division's places in turn, each marked with its division.
   */
  places?: Winner[];
  /** The prize of the places nobody earned (in every division), returned to the creator. */
  unearned?: Minor;
  completedAt?: string;
}

/** A funding checkout as recorded on its competition (money in minor units of the prize's currency). */
export interface FundingCheckoutRecord {
  /** Whop's checkout configuration id (`ch_…`). */
  id: string;
  /** Where the creator pays (Whop's `purchase_url`). */
  url: string;
  /** What the creator pays: the prize plus `fee`. */
  amount: Minor;
  /** Whop's fee on `amount`, as estimated when the checkout was made. */
  fee: Minor;
  createdAt: string;
}

/** The edges of the status machine. */
const EDGES: Record<CompetitionStatus, CompetitionStatus[]> = {
  DRAFT: ["UPCOMING", "CANCELLED"],
  UPCOMING: ["ACTIVE", "CANCELLED"],
  // ACTIVE → COMPLETED finishes a settlement that froze the results before the settlement window existed.
  ACTIVE: ["SETTLING", "COMPLETED"],
  SETTLING: ["COMPLETED"],
  COMPLETED: [],
  CANCELLED: [],
};

/** Whether a competition may move from one status to another. */
export function canTransition(from: CompetitionStatus, to: CompetitionStatus): boolean {
  return EDGES[from].includes(to);
}

/** What the clock says should happen to a competition next. */
export type DueStep = "cancel_unfunded" | "start" | "settle" | null;

/**
 * The step due for `competition` at `now`, a pure function: an unfunded
 * draft past its start is cancelled, a funded one starts, an active one past
 * its end settles (entering SETTLING, then completing once `settlesAt` has
 * passed).
 */
export function dueStep(competition: Competition, now: number): DueStep {
  const start = Date.parse(competition.startDate);
  const end = Date.parse(competition.endDate);
  switch (competition.status) {
    case "DRAFT":
      return now >= start ? "cancel_unfunded" : null;
    case "UPCOMING":
      return now >= start ? (now >= end ? "settle" : "start") : null;
    case "ACTIVE":
      return now >= end ? "settle" : null;
    case "SETTLING":
      return now >= Date.parse(competition.settlesAt ?? competition.endDate) ? "settle" : null;
    default:
      return null;
  }
}

/** Whether an order created at `createdMs` falls in the competition window [start, end). */
export function inWindow(competition: Pick<Competition, "startDate" | "endDate">, createdMs: number): boolean {
  return createdMs >= Date.parse(competition.startDate) && createdMs < Date.parse(competition.endDate);
}

/** Whether store owners may still join (funded or running, not ended). */
export function isOpenForJoining(competition: Competition, now: number): boolean {
  return (competition.status === "UPCOMING" || competition.status === "ACTIVE") &&
    now < Date.parse(competition.endDate);
}

function indexOps(op: Deno.AtomicOperation, competition: Competition) {
  return op
    .set(keys.competition(competition.id), competition)
    .set(
      keys.competitionByStatus(competition.status, Date.parse(competition.startDate), competition.id),
      competition.id,
    )
    .set(
      keys.competitionByCreator(competition.creatorId, Date.parse(competition.createdAt), competition.id),
      competition.id,
    );
}

/**
 * Creates a competition in DRAFT after checking every rule of the input.
 * Throws `ValidationError` naming each field that breaks a rule. (Who may
 * create it is the create use-case's question: `actions.ts`.)
 */
export async function createCompetition(
  kv: Deno.Kv,
  creatorId: string,
  body: unknown,
  rules: InputRules,
): Promise<Competition> {
  return await saveDraft(kv, creatorId, parseCompetitionInput(rules, body), rules.now);
}

/** Stores a checked input as a new DRAFT of `creatorId`, created at `now`. */
export async function saveDraft(
  kv: Deno.Kv,
  creatorId: string,
  input: CompetitionInput,
  now: number,
): Promise<Competition> {
  const at = new Date(now).toISOString();
  const competition: Competition = {
    ...input,
    id: newId(now),
    creatorId,
    status: "DRAFT",
    createdAt: at,
    updatedAt: at,
    participantCount: 0,
  };
  const result = await commit(() => newCompetitionOps(kv.atomic(), competition, now));
  if (!result.ok) throw new ConflictError("A competition with this id already exists; try again.");
  return competition;
}

/**
 * Adds to `op` the writes that store a new competition (checked absent, so a
 * repeat cannot overwrite it), its indexes and its change key.
 */
export function newCompetitionOps(op: Deno.AtomicOperation, competition: Competition, now: number) {
  return bumpChange(
    indexOps(op.check({ key: keys.competition(competition.id), versionstamp: null }), competition),
    competition.id,
    "status",
    now,
  );
}

/** Loads a competition or throws `NotFoundError`. */
export async function getCompetition(kv: Deno.Kv, id: string): Promise<Competition> {
  return (await readCompetition(kv, id)).competition;
}

/** A competition and its record's versionstamp (new at every write of it); `NotFoundError` when there is none. */
async function readCompetition(kv: Deno.Kv, id: string): Promise<{ competition: Competition; versionstamp: string }> {
  const entry = await kv.get<Competition>(keys.competition(id));
  if (!entry.value) throw new NotFoundError("There is no competition with that id.");
  return { competition: entry.value, versionstamp: entry.versionstamp };
}

/** Whether a competition's prize was paid for: by its own payment, or (a season's round) by its season's. */
export function isFunded(competition: Pick<Competition, "fundsTxId" | "seasonId">): boolean {
  return competition.fundsTxId !== undefined || competition.seasonId !== undefined;
}

/**
 * The competition `competitionId` when `userId` created it or is an
 * operator; otherwise (signed out included) the 404 of an unknown one.
 */
export async function competitionForCreator(
  kv: Deno.Kv,
  competitionId: string,
  userId: string | undefined,
  isOperator: boolean,
): Promise<Competition> {
  const competition = await getCompetition(kv, competitionId);
  if (userId === undefined || (competition.creatorId !== userId && !isOperator)) {
    throw new NotFoundError("There is no competition with that id.");
  }
  return competition;
}

/**
 * Whether a competition exists only for its creator (DESIGN.md "Private
 * until funded"): a DRAFT, or one CANCELLED before it was funded.
 */
export function isPrivateToCreator(competition: Pick<Competition, "status" | "fundsTxId" | "seasonId">): boolean {
  return competition.status === "DRAFT" || (competition.status === "CANCELLED" && !isFunded(competition));
}

/**
 * Loads a competition as `userId` (undefined: signed out) may read it: a
 * private one (`isPrivateToCreator`) is `NotFoundError` for anyone but its
 * creator, exactly like an unknown id, and so is a Whop community's to
 * someone signed out (its members are asked of Whop by the visibility gate,
 * `lib/web/middleware/visibility.ts`). Every read path uses this.
 */
export async function getVisibleCompetition(kv: Deno.Kv, id: string, userId: string | undefined): Promise<Competition> {
  return (await getVisibleCompetitionRecord(kv, id, userId)).competition;
}

/** {@link getVisibleCompetition} with its record's versionstamp (new at every write: shared renderings check it). */
export async function getVisibleCompetitionRecord(
  kv: Deno.Kv,
  id: string,
  userId: string | undefined,
): Promise<{ competition: Competition; versionstamp: string }> {
  const record = await readCompetition(kv, id);
  const { competition } = record;
  const hidden = isPrivateToCreator(competition) || (competition.experienceId !== undefined && userId === undefined);
  if (hidden && competition.creatorId !== userId) throw new NotFoundError("There is no competition with that id.");
  return record;
}

/**
 * Applies `change` to a competition atomically (optimistic check and retry),
 * moving its status index and bumping its change key in the same commit.
 * `change` returns the new record, or `null` to leave it as it is; `extra`
 * adds other writes to the same commit. The entries at `read` are read with
 * the competition on every try, handed to `change` and `extra`, and checked
 * in the same commit: a decision taken on them holds for what is committed.
 *
 * @example
 * await updateCompetition(kv, id, now, "status", (c) => c.status === "UPCOMING" ? { ...c, status: "ACTIVE" } : null);
 */
export async function updateCompetition(
  kv: Deno.Kv,
  id: string,
  now: number,
  kind: ChangeKind,
  change: (current: Competition, read: Deno.KvEntryMaybe<unknown>[]) => Competition | null,
  extra?: (op: Deno.AtomicOperation, next: Competition, read: Deno.KvEntryMaybe<unknown>[]) => Deno.AtomicOperation,
  read: readonly Deno.KvKey[] = [],
): Promise<{ competition: Competition; changed: boolean }> {
  for (;;) {
    const [entry, ...others] = await kv.getMany<unknown[]>([keys.competition(id), ...read]);
    if (!entry.value) throw new NotFoundError("There is no competition with that id.");
    const current = entry.value as Competition;
    const proposed = change(current, others);
    if (!proposed) return { competition: current, changed: false };
    if (proposed.status !== current.status && !canTransition(current.status, proposed.status)) {
      throw new ConflictError(
        `A ${current.status.toLowerCase()} competition cannot become ${proposed.status.toLowerCase()}.`,
      );
    }
    const next = { ...proposed, updatedAt: new Date(now).toISOString() };
    const result = await commit(() => {
      const op = replaceCompetitionOps(kv.atomic().check(entry, ...others), current, next, kind, now);
      return extra ? extra(op, next, others) : op;
    });
    if (result.ok) return { competition: next, changed: true };
  }
}

/**
 * Adds to `op` the writes that replace `current` with `next` (its record,
 * its status index moved, its change key bumped); the caller checks
 * `current`'s entry in the same commit.
 */
export function replaceCompetitionOps(
  op: Deno.AtomicOperation,
  current: Competition,
  next: Competition,
  kind: ChangeKind,
  now: number,
): Deno.AtomicOperation {
  op.delete(keys.competitionByStatus(current.status, Date.parse(current.startDate), current.id));
  return bumpChange(indexOps(op, next), next.id, kind, now);
}

/** Whether the competition can still change, so its pages follow the live stream (funded, results not final). */
export function isLive(competition: Pick<Competition, "status">): boolean {
  return competition.status === "UPCOMING" || competition.status === "ACTIVE" || competition.status === "SETTLING";
}

/** Whether the end can be fast-forwarded now: running, or funded with its start passed, and not yet ended. */
export function canFastForward(
  competition: Pick<Competition, "status" | "startDate" | "resultsFrozenAt">,
  now: number,
): boolean {
  const started = competition.status === "ACTIVE" ||
    (competition.status === "UPCOMING" && now >= Date.parse(competition.startDate));
  return started && !competition.resultsFrozenAt;
}

/** Whether the start can be moved to now: funded and not yet started. */
export function canStartNow(
  competition: Pick<Competition, "status" | "startDate" | "resultsFrozenAt">,
  now: number,
): boolean {
  return competition.status === "UPCOMING" && now < Date.parse(competition.startDate);
}

/** The competition's prize as a decimal string, e.g. `"500.00"`. */
export function competitionPrizeDecimal(competition: Pick<Competition, "prize" | "currency">): string {
  return toDecimalString(competition.prize, competition.currency);
}

/** Competitions in one status, ordered by start. */
export function listCompetitionsByStatus(kv: Deno.Kv, status: CompetitionStatus, limit = 200): Promise<Competition[]> {
  return loadByIndex<Competition>(kv, keys.competitionsByStatus(status), keys.competition, { limit });
}

/** A creator's competitions, newest first. */
export function listCompetitionsByCreator(kv: Deno.Kv, creatorId: string, limit = 200): Promise<Competition[]> {
  return loadByIndex<Competition>(kv, keys.competitionsByCreator(creatorId), keys.competition, {
    limit,
    reverse: true,
  });
}

/**
 * The competitions anyone may see (never a private one: `isPrivateToCreator`),
 * in status order, each ordered by start; `status` narrows to one status.
 */
export async function listPublicCompetitions(
  kv: Deno.Kv,
  limit = 200,
  status?: CompetitionStatus,
): Promise<Competition[]> {
  const statuses = status ? [status] : (["ACTIVE", "SETTLING", "UPCOMING", "COMPLETED", "CANCELLED"] as const);
  const lists = await Promise.all(statuses.map((one) => listCompetitionsByStatus(kv, one, limit)));
  return lists.flat().filter((competition) => !isPrivateToCreator(competition)).slice(0, limit);
}
