/**
 * The one payout of a competition: a Whop ledger transfer from
 * `WHOP_COMPANY_ID` to the winner, made exactly once.
 *
 * `requestPayout` records `["payouts", competitionId]` (only if absent) and
 * enqueues `{ type: "payout" }` in the same commit; the queue worker runs
 * `processPayout`, which writes each attempt before calling
 * `transfers.create` and the transfer id after (see `once.ts`). The
 * idempotence key `payout_<competitionId>` makes every repeated call — the
 * SDK's own retries, a retry after a failure, a resumed run after a crash —
 * return the original transfer instead of making a second one.
 */
import { commit, keys } from "../core/db.ts";
import type { Competition, Winner } from "../competitions/competitions.ts";
import { formatMoney, type Minor } from "../core/money.ts";
import { notify } from "../competitions/notifications.ts";
import { enqueue, enqueueIn } from "../core/queue.ts";
import { log } from "../core/log.ts";
import { toWhopAmount, whopCurrency } from "./client.ts";
import type { WhopDeps } from "./deps.ts";
import { DEFAULT_RETRY, type OnceOutcome, type OnceRecord, resumeOnce, runOnce } from "./once.ts";

/** The payout record, `["payouts", competitionId]`. */
export interface Payout extends OnceRecord {
  competitionId: string;
  /** `payout_<competitionId>`: sent as `idempotence_key` and `Idempotency-Key`. */
  idempotenceKey: string;
  amount: Minor;
  /** ISO 4217, upper case as stored on the competition. */
  currency: string;
  /** The winner's Whop user id. */
  destinationUserId: string;
  creatorId: string;
  competitionTitle: string;
  /** The Whop transfer, once sent. */
  transferId?: string;
}

/** The idempotence key of a competition's payout. */
export function payoutIdempotenceKey(competitionId: string): string {
  return `payout_${competitionId}`;
}

/** A competition's payout record, or `null`. */
export async function getPayout(kv: Deno.Kv, competitionId: string): Promise<Payout | null> {
  return (await kv.get<Payout>(keys.payout(competitionId))).value;
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
 * Records the payout of `competition` to `winner` and queues it, once: a
 * second call finds the record and changes nothing, except that a payout not
 * yet sent is queued again (harmless: this is how a run lost in a crash is
 * resumed).
 */
export async function requestPayout(
  deps: Pick<WhopDeps, "kv" | "now">,
  competition: Competition,
  winner: Winner,
): Promise<Payout> {
  const { kv } = deps;
  const key = keys.payout(competition.id);
  const message = { type: "payout", competitionId: competition.id } as const;
  for (;;) {
    const existing = await kv.get<Payout>(key);
    if (existing.value) {
      // Not yet sent (pending, or a run that died mid-call): queue a run; `processPayout` decides what is due.
      if (existing.value.state !== "sent" && !existing.value.gaveUp) await enqueue(kv, message);
      return existing.value;
    }
    const at = new Date(deps.now()).toISOString();
    const payout: Payout = {
      competitionId: competition.id,
      state: "pending",
      attempts: 0,
      idempotenceKey: payoutIdempotenceKey(competition.id),
      amount: competition.prize,
      currency: competition.currency,
      destinationUserId: winner.userId,
      creatorId: competition.creatorId,
      competitionTitle: competition.title,
      createdAt: at,
      updatedAt: at,
    };
    const result = await commit(() => enqueueIn(kv.atomic().check(existing).set(key, payout), message));
    if (result.ok) {
      log("info", "payout requested", { competitionId: competition.id, winner: winner.userId });
      return payout;
    }
  }
}

/**
 * Makes (or resumes, or confirms) the payout of a competition. Safe to run
 * any number of times, concurrently or after a crash: exactly one transfer.
 */
export function processPayout(deps: WhopDeps, competitionId: string): Promise<OnceOutcome> {
  const { whop, config } = deps;
  return runOnce<Payout, { transferId: string }>({
    kv: deps.kv,
    key: keys.payout(competitionId),
    now: deps.now,
    retry: deps.retry ?? DEFAULT_RETRY,
    message: { type: "payout", competitionId },
    label: "payout",
    async perform(payout) {
      if (!whop || !config.whop.companyId) throw new Error("Whop is not configured (WHOP_API_KEY, WHOP_COMPANY_ID).");
      const transfer = await whop.transfers.create({
        amount: toWhopAmount(payout.amount, payout.currency),
        currency: whopCurrency(payout.currency),
        origin_id: config.whop.companyId,
        destination_id: payout.destinationUserId,
        idempotence_key: payout.idempotenceKey,
        "Idempotency-Key": payout.idempotenceKey,
        metadata: { competitionId },
        notes: `CartBrawl prize: ${payout.competitionTitle}`.slice(0, 200),
      });
      if (!("origin_ledger_account_id" in transfer)) {
        throw new Error("Whop answered the payout with something other than a ledger transfer.");
      }
      return { transferId: transfer.id };
    },
    sentFields: (result) => ({ transferId: result.transferId }),
    afterSent: (payout) => notifyPayoutSent(deps, payout),
  });
}

/** Tells the creator (and the winner) once that the prize was paid. */
async function notifyPayoutSent(deps: WhopDeps, payout: Payout): Promise<void> {
  const prize = formatMoney(payout.amount, payout.currency);
  const now = deps.now();
  await notify(
    deps.kv,
    {
      dedupeKey: `payout_sent:${payout.competitionId}:creator`,
      userId: payout.creatorId,
      kind: "payout_sent",
      competitionId: payout.competitionId,
      title: `${payout.competitionTitle}: prize paid`,
      body: `The ${prize} prize was paid to the winner through Whop.`,
    },
    now,
    deps.sendNotification,
  );
  await notify(
    deps.kv,
    {
      dedupeKey: `payout_sent:${payout.competitionId}:winner`,
      userId: payout.destinationUserId,
      kind: "payout_sent",
      competitionId: payout.competitionId,
      title: `${payout.competitionTitle}: your prize is paid`,
      body: `${prize} was sent to your Whop balance.`,
    },
    now,
    deps.sendNotification,
  );
}

/** Lets a payout that gave up try again (after an operator fixed the cause). */
export function retryPayout(deps: Pick<WhopDeps, "kv" | "now">, competitionId: string): Promise<boolean> {
  return resumeOnce<Payout>(deps.kv, keys.payout(competitionId), { type: "payout", competitionId }, deps.now());
}
