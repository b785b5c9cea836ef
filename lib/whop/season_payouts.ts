/**
 * The season prize's payouts: one Whop ledger transfer per decided place of
 * each standings table, and one to the creator for the places nobody
 * earned, each exactly once, by the same machinery as a competition's
 * places (`once.ts`: the record written before the call and after it; the
 * transfer itself in `payouts.ts`). Keys derive from the season id, the
 * table (a division's number, 0 without divisions) and the place:
 * `["season_payouts", seasonId, table, place]`, idempotence key
 * `payout_season_<seasonId>_<place>` (with divisions
 * `payout_season_<seasonId>_d<table>_<place>`), the creator's return
 * `…_creator`.
 */
import { keys } from "../core/db.ts";
import { formatMoney, type Minor } from "../core/money.ts";
import { log } from "../core/log.ts";
import { ordinal } from "../competitions/input.ts";
import { appText, fact, notify, quoted } from "../competitions/notifications.ts";
import type { Season, SeasonPlace } from "../seasons/seasons.ts";
import type { PayoutPlace, WhopDeps } from "./deps.ts";
import { DEFAULT_RETRY, FLAG_AFTER_MS, type OnceOutcome, type OnceRecord, requestOnce, runOnce } from "./once.ts";
import { makeTransfer, transferNotes } from "./transfers.ts";

/** A season prize payout record. */
export interface SeasonPayout extends OnceRecord {
  seasonId: string;
  /** The standings table: a division's number, 0 without divisions (and for the creator's return). */
  table: number;
  place: PayoutPlace;
  idempotenceKey: string;
  amount: Minor;
  currency: string;
  destinationUserId: string;
  creatorId: string;
  seasonTitle: string;
  transferId?: string;
}

/** The idempotence key of a season prize place's payout. */
export function seasonPayoutIdempotenceKey(seasonId: string, table: number, place: PayoutPlace): string {
  return table === 0 ? `payout_season_${seasonId}_${place}` : `payout_season_${seasonId}_d${table}_${place}`;
}

function message(seasonId: string, table: number, place: PayoutPlace) {
  return { type: "season_payout", seasonId, table, place } as const;
}

async function recordSeasonPayout(
  deps: Pick<WhopDeps, "kv" | "now">,
  season: Season,
  order: { table: number; place: PayoutPlace; userId: string; amount: Minor },
): Promise<SeasonPayout> {
  const at = new Date(deps.now()).toISOString();
  const { table, place } = order;
  const payout: SeasonPayout = {
    seasonId: season.id,
    table,
    place,
    state: "pending",
    attempts: 0,
    idempotenceKey: seasonPayoutIdempotenceKey(season.id, table, place),
    amount: order.amount,
    currency: season.currency,
    destinationUserId: order.userId,
    creatorId: season.creatorId,
    seasonTitle: season.title,
    createdAt: at,
    updatedAt: at,
  };
  const key = keys.seasonPayout(season.id, table, place);
  const { record, created } = await requestOnce(deps.kv, key, payout, message(season.id, table, place));
  if (created) log("info", "season payout requested", { seasonId: season.id, table, place, to: order.userId });
  return record;
}

/** Records and queues, once, the payout of one decided place of the season prize. */
export function requestSeasonPayout(
  deps: Pick<WhopDeps, "kv" | "now">,
  season: Season,
  place: SeasonPlace,
): Promise<SeasonPayout> {
  return recordSeasonPayout(deps, season, {
    table: place.division ?? 0,
    place: place.place,
    userId: place.userId,
    amount: place.amount,
  });
}

/** Records and queues, once, the transfer to the creator of the season prize nobody earned (`season.unearned`). */
export function requestSeasonUnearnedReturn(deps: Pick<WhopDeps, "kv" | "now">, season: Season): Promise<SeasonPayout> {
  return recordSeasonPayout(deps, season, {
    table: 0,
    place: "creator",
    userId: season.creatorId,
    amount: season.unearned ?? 0,
  });
}

/**
 * Makes (or resumes, or confirms) one season prize payout. Safe to run any
 * number of times, concurrently or after a crash: one transfer per place.
 */
export function processSeasonPayout(
  deps: WhopDeps,
  seasonId: string,
  table: number,
  place: PayoutPlace,
): Promise<OnceOutcome> {
  return runOnce<SeasonPayout, { transferId: string }>({
    kv: deps.kv,
    key: keys.seasonPayout(seasonId, table, place),
    now: deps.now,
    retry: deps.retry ?? DEFAULT_RETRY,
    message: message(seasonId, table, place),
    label: "season payout",
    wait: { maxMs: deps.config.payoutRetryMaxS * 1000, flagAfterMs: FLAG_AFTER_MS },
    perform: (payout) =>
      makeTransfer(deps, payout, { metadata: { seasonId }, notes: transferNotes(`${payout.seasonTitle} season`) }),
    sentFields: (result) => ({ transferId: result.transferId }),
    afterSent: (payout) => notifySeasonPayoutSent(deps, payout),
  });
}

/** Every season prize payout of a season: each table's places in order, then the creator's return. */
export async function listSeasonPayouts(kv: Deno.Kv, seasonId: string): Promise<SeasonPayout[]> {
  const payouts: SeasonPayout[] = [];
  for await (const entry of kv.list<SeasonPayout>({ prefix: keys.seasonPayouts(seasonId) })) {
    payouts.push(entry.value);
  }
  // The creator's return is kept under table 0 with the places of a season without divisions: it goes last.
  return [...payouts.filter((p) => p.place !== "creator"), ...payouts.filter((p) => p.place === "creator")];
}

async function notifySeasonPayoutSent(deps: WhopDeps, payout: SeasonPayout): Promise<void> {
  const amount = fact(formatMoney(payout.amount, payout.currency));
  const title = quoted(payout.seasonTitle);
  const key = `season_payout_sent:${payout.seasonId}:${payout.table}:${payout.place}`;
  await notify(
    deps.kv,
    payout.place === "creator"
      ? {
        dedupeKey: key,
        userId: payout.creatorId,
        kind: "payout_sent",
        seasonId: payout.seasonId,
        title: appText`${title}: unearned season prize returned`,
        body: appText`${amount} for the season places nobody earned was sent back to your Whop balance.`,
      }
      : {
        dedupeKey: key,
        userId: payout.destinationUserId,
        kind: "payout_sent",
        seasonId: payout.seasonId,
        title: appText`${title}: your season prize is paid`,
        body: appText`${amount} for ${fact(ordinal(payout.place))} place was sent to your Whop balance.`,
      },
    deps.now(),
    deps.sendNotification,
  );
}
