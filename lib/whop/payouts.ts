/**
 * The payouts of a competition: one Whop ledger transfer from
 * `WHOP_COMPANY_ID` per paid place, to the store owner who took it, and one
 * to the creator for the places nobody earned — each made exactly once.
 *
 * `requestPayout` records the place's payout (only if absent) and enqueues
 * `{ type: "payout", place }` in the same commit; the queue worker runs
 * `processPayout`, which writes each attempt before calling
 * `transfers.create` and the transfer id after (see `once.ts`). The place's
 * idempotence key makes every repeated call — the SDK's own retries, a retry
 * after a failure, a resumed run after a crash — return the original
 * transfer instead of making a second one.
 *
 * Keys per place, derived from the competition id and the place: 1st place
 * keeps the record `["payouts", id]` and the key `payout_<id>` that the single
 * payout used before prize splits, so a payout requested or made before the
 * upgrade is found (and never made again) after it; place n ≥ 2 uses
 * `["payouts", id, n]` and `payout_<id>_<n>`; the creator's return
 * `["payouts", id, "creator"]` and `payout_<id>_creator`. With divisions each
 * division's place n is `["payouts", id, "division", d, n]` and
 * `payout_<id>_d<d>_<n>` (d the division's number); a competition without
 * divisions keeps the keys above exactly.
 *
 * Whop holds new funds as pending before they can be transferred. A payout
 * the company's available balance cannot cover yet (read from its ledger
 * before the first call, or Whop refusing the transfer for insufficient
 * funds) waits: "waiting for funds to clear", tried again with a doubling
 * delay up to `PAYOUT_RETRY_MAX_S`, never given up, flagged to the
 * operators after 14 days (`once.ts`). The transfer's notes stay within
 * Whop's 50 characters.
 *
 * One idea, past 300 lines: a payout's record, its keys, the call that makes
 * it and what is told afterwards are one contract with Whop about one
 * transfer per place; the exactly-once machinery itself is in `once.ts`.
 */
import { keys } from "../core/db.ts";
import type { Competition, Winner } from "../competitions/competitions.ts";
import { formatMoney, type Minor } from "../core/money.ts";
import { ordinal } from "../competitions/input.ts";
import { appText, fact, notify, quoted } from "../competitions/notifications.ts";
import { log } from "../core/log.ts";
import type { PayoutPlace, WhopDeps } from "./deps.ts";
import {
  DEFAULT_RETRY,
  FLAG_AFTER_MS,
  type OnceOutcome,
  type OnceRecord,
  requestOnce,
  resumeOnce,
  runOnce,
} from "./once.ts";
import { makeTransfer, transferNotes } from "./transfers.ts";

/** A payout record: `["payouts", competitionId]` for 1st place, `["payouts", competitionId, place]` otherwise. */
export interface Payout extends OnceRecord {
  competitionId: string;
  /** The place paid; absent on records from before prize splits (1st place). */
  place?: PayoutPlace;
  /** The division (its number) whose place is paid; absent without divisions and on the creator's return. */
  division?: number;
  /** That division's name, for the pages and the transfer's notes. */
  divisionName?: string;
  /** {@link payoutIdempotenceKey}: sent as `idempotence_key` and `Idempotency-Key`. */
  idempotenceKey: string;
  amount: Minor;
  /** ISO 4217, upper case as stored on the competition. */
  currency: string;
  /** The Whop user paid: the store owner of the place, or the creator. */
  destinationUserId: string;
  creatorId: string;
  competitionTitle: string;
  /** The Whop transfer, once sent. */
  transferId?: string;
}

/**
 * The idempotence key of a place's payout: `payout_<id>` for 1st place (as
 * before splits), else `payout_<id>_<place>`; a division's place
 * `payout_<id>_d<division>_<place>`.
 */
export function payoutIdempotenceKey(competitionId: string, place: PayoutPlace = 1, division?: number): string {
  if (division !== undefined) return `payout_${competitionId}_d${division}_${place}`;
  return place === 1 ? `payout_${competitionId}` : `payout_${competitionId}_${place}`;
}

/** The queue message that makes (or resumes) a place's payout; 1st place of a competition without divisions names no place. */
function payoutMessage(competitionId: string, place: PayoutPlace, division: number | undefined) {
  if (division !== undefined) return { type: "payout", competitionId, place, division } as const;
  return place === 1 ? { type: "payout", competitionId } as const : { type: "payout", competitionId, place } as const;
}

/** The KV key of a place's payout record (a division's place when `division` is given). */
export function payoutKey(competitionId: string, place: PayoutPlace = 1, division?: number): Deno.KvKey {
  if (division !== undefined && place !== "creator") return keys.divisionPayout(competitionId, division, place);
  return place === 1 ? keys.payout(competitionId) : keys.placePayout(competitionId, place);
}

/** A place's payout record (default 1st place; a division's place when `division` is given), or `null`. */
export async function getPayout(
  kv: Deno.Kv,
  competitionId: string,
  place: PayoutPlace = 1,
  division?: number,
): Promise<Payout | null> {
  return (await kv.get<Payout>(payoutKey(competitionId, place, division))).value;
}

/**
 * Every payout record of a competition: its places in order (each
 * division's in turn), then the creator's return.
 */
export async function listPayouts(kv: Deno.Kv, competitionId: string): Promise<Payout[]> {
  const payouts: Payout[] = [];
  const first = await getPayout(kv, competitionId);
  if (first) payouts.push(first);
  for await (const entry of kv.list<Payout>({ prefix: keys.payout(competitionId) })) payouts.push(entry.value);
  const order = (payout: Payout) => [payout.division ?? 0, payout.place === "creator" ? 99 : payout.place ?? 1];
  return payouts.sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
}

/** Who a payout goes to and how much: a paid place (of a division, with divisions), or the creator's return. */
interface PayoutOrder {
  place: PayoutPlace;
  division?: number;
  userId: string;
  amount: Minor;
}

/** Every payout's state (`gave_up` for one an operator must look at), counted; for `/metrics`. */
export async function countPayoutsByState(kv: Deno.Kv): Promise<Record<OnceRecord["state"] | "gave_up", number>> {
  const counts = { pending: 0, sending: 0, sent: 0, failed: 0, gave_up: 0 };
  for await (const entry of kv.list<Payout>({ prefix: keys.payouts() })) {
    counts[entry.value.gaveUp ? "gave_up" : entry.value.state]++;
  }
  return counts;
}

/**
 * Records the payout of `winner`'s place (`winner.place`, default 1st, of
 * `winner.division` with divisions; its `amount`, default the whole prize)
 * and queues it, once: a second call finds the record and changes nothing,
 * except that a payout not yet sent is queued again (harmless: this is how a
 * run lost in a crash is resumed).
 */
export function requestPayout(
  deps: Pick<WhopDeps, "kv" | "now">,
  competition: Competition,
  winner: Pick<Winner, "userId" | "place" | "amount" | "division">,
): Promise<Payout> {
  return recordPayout(deps, competition, {
    place: winner.place ?? 1,
    division: winner.division,
    userId: winner.userId,
    amount: winner.amount ?? competition.prize,
  });
}

/**
 * Records and queues, once, the transfer to the creator of the prize of the
 * places nobody earned (`competition.unearned`).
 */
export function requestUnearnedReturn(
  deps: Pick<WhopDeps, "kv" | "now">,
  competition: Competition,
): Promise<Payout> {
  return recordPayout(deps, competition, {
    place: "creator",
    userId: competition.creatorId,
    amount: competition.unearned ?? 0,
  });
}

async function recordPayout(
  deps: Pick<WhopDeps, "kv" | "now">,
  competition: Competition,
  order: PayoutOrder,
): Promise<Payout> {
  const { kv } = deps;
  const key = payoutKey(competition.id, order.place, order.division);
  const message = payoutMessage(competition.id, order.place, order.division);
  const divisionName = order.division === undefined ? undefined : competition.divisions?.[order.division - 1]?.name;
  const at = new Date(deps.now()).toISOString();
  const payout: Payout = {
    competitionId: competition.id,
    place: order.place,
    ...(order.division === undefined ? {} : { division: order.division, divisionName }),
    state: "pending",
    attempts: 0,
    idempotenceKey: payoutIdempotenceKey(competition.id, order.place, order.division),
    amount: order.amount,
    currency: competition.currency,
    destinationUserId: order.userId,
    creatorId: competition.creatorId,
    competitionTitle: competition.title,
    createdAt: at,
    updatedAt: at,
  };
  // Not yet sent (pending, or a run that died mid-call): queued again; `processPayout` decides what is due.
  const { record, created } = await requestOnce(kv, key, payout, message);
  if (created) {
    log("info", "payout requested", {
      competitionId: competition.id,
      place: order.place,
      division: order.division,
      to: order.userId,
    });
  }
  return record;
}

/**
 * Makes (or resumes, or confirms) the payout of one place of a competition
 * (default 1st; of division `division` with divisions). Safe to run any
 * number of times, concurrently or after a crash: exactly one transfer per place.
 */
export function processPayout(
  deps: WhopDeps,
  competitionId: string,
  place: PayoutPlace = 1,
  division?: number,
): Promise<OnceOutcome> {
  const { config } = deps;
  return runOnce<Payout, { transferId: string }>({
    kv: deps.kv,
    key: payoutKey(competitionId, place, division),
    now: deps.now,
    retry: deps.retry ?? DEFAULT_RETRY,
    message: payoutMessage(competitionId, place, division),
    label: "payout",
    wait: { maxMs: config.payoutRetryMaxS * 1000, flagAfterMs: FLAG_AFTER_MS },
    perform: (payout) =>
      makeTransfer(deps, payout, {
        metadata: { competitionId },
        notes: transferNotes(
          payout.divisionName ? `${payout.competitionTitle} (${payout.divisionName})` : payout.competitionTitle,
        ),
      }),
    sentFields: (result) => ({ transferId: result.transferId }),
    afterSent: (payout) => notifyPayoutSent(deps, payout),
  });
}

/** Tells the creator (and the store owner paid) once that a place's prize was paid. */
async function notifyPayoutSent(deps: WhopDeps, payout: Payout): Promise<void> {
  const prize = fact(formatMoney(payout.amount, payout.currency));
  const title = quoted(payout.competitionTitle);
  const now = deps.now();
  const place = payout.place ?? 1;
  const suffix = payout.division !== undefined ? `:d${payout.division}:${place}` : place === 1 ? "" : `:${place}`;
  const where = fact(payout.divisionName ? ` in ${quoted(payout.divisionName)}` : "");
  if (place === "creator") {
    await notify(
      deps.kv,
      {
        dedupeKey: `payout_sent:${payout.competitionId}:unearned`,
        userId: payout.creatorId,
        kind: "payout_sent",
        competitionId: payout.competitionId,
        title: appText`${title}: unearned prize returned`,
        body: appText`${prize} for the places nobody earned was sent back to your Whop balance.`,
      },
      now,
      deps.sendNotification,
    );
    return;
  }
  await notify(
    deps.kv,
    {
      dedupeKey: `payout_sent:${payout.competitionId}:creator${suffix}`,
      userId: payout.creatorId,
      kind: "payout_sent",
      competitionId: payout.competitionId,
      title: appText`${title}: prize paid`,
      body: place === 1 && !payout.divisionName
        ? appText`The ${prize} prize was paid to the winner through Whop.`
        : appText`The ${fact(ordinal(place))} place prize${where} of ${prize} was paid through Whop.`,
    },
    now,
    deps.sendNotification,
  );
  await notify(
    deps.kv,
    {
      dedupeKey: `payout_sent:${payout.competitionId}:winner${suffix}`,
      userId: payout.destinationUserId,
      kind: "payout_sent",
      competitionId: payout.competitionId,
      title: appText`${title}: your prize is paid`,
      body: appText`${prize} was sent to your Whop balance.`,
    },
    now,
    deps.sendNotification,
  );
}

/** Lets a place's payout (default 1st; of division `division`) that gave up try again (after an operator fixed the cause). */
export function retryPayout(
  deps: Pick<WhopDeps, "kv" | "now">,
  competitionId: string,
  place: PayoutPlace = 1,
  division?: number,
): Promise<boolean> {
  return resumeOnce<Payout>(
    deps.kv,
    payoutKey(competitionId, place, division),
    payoutMessage(competitionId, place, division),
    deps.now(),
  );
}

/**
 * Every payout flagged to the operators (waiting for funds for 14 days or
 * more), for the operators' API. It reads all payout records: an operators'
 * call, not a page's.
 */
export async function listFlaggedPayouts(kv: Deno.Kv): Promise<Payout[]> {
  const flagged: Payout[] = [];
  for await (const entry of kv.list<Payout>({ prefix: keys.payouts() })) {
    if (entry.value.flaggedAt && entry.value.state !== "sent") flagged.push(entry.value);
  }
  return flagged;
}
