/**
 * Sandbox-only time travel for one competition, so a demo does not have to
 * wait an hour for a start or a week for an end:
 *
 * - `startCompetitionNow` moves a funded competition's start to now and runs
 *   the status job, which makes it ACTIVE as it would at its planned start.
 * - `fastForwardCompetition` moves an active competition's end to now and
 *   runs the status job, which settles it through the production settlement
 *   (the settlement window, `SETTLEMENT_DELAY_S`, then final sync, frozen
 *   results, places, exactly-once payouts through Whop).
 *
 * Only the date moves, atomically (`updateCompetition`), and the record keeps
 * when and from what (`fastForwardedAt` + `scheduledEndDate`,
 * `startedEarlyAt` + `scheduledStartDate`); everything after is the code
 * production runs. The routes calling these exist only when `config.sandbox`.
 */
import {
  canFastForward,
  canStartNow,
  type Competition,
  getCompetition,
  updateCompetition,
} from "../../lib/competitions/competitions.ts";
import { ConflictError } from "../../lib/core/errors.ts";
import type { LifecycleServices } from "../../lib/competitions/settlement.ts";
import { runStatusJob } from "../../cron/status_job.ts";
import { getPayout } from "../../lib/whop/payouts.ts";

/** A competition as the sandbox may leave it: the extra fields say what was moved. */
export interface SandboxCompetition extends Competition {
  /** When the sandbox moved the end to now. */
  fastForwardedAt?: string;
  /** The end that was planned before the fast-forward. */
  scheduledEndDate?: string;
  /** When the sandbox moved the start to now. */
  startedEarlyAt?: string;
  /** The start that was planned before. */
  scheduledStartDate?: string;
}

/** Now, rounded down to the whole second (Shopify's order times have whole seconds). */
function wholeSecond(now: number): number {
  return Math.floor(now / 1000) * 1000;
}

/**
 * Moves the end of a started competition to `now` (only ever earlier), in
 * one atomic update that records `fastForwardedAt` and the planned end.
 * A competition whose end has already passed is left as it is. Throws
 * `ConflictError` for one that has not started or is already settled.
 */
export async function moveEndToNow(kv: Deno.Kv, id: string, now: number): Promise<SandboxCompetition> {
  const { competition } = await updateCompetition(kv, id, now, "status", (current) => {
    if (current.status === "COMPLETED" || current.status === "SETTLING" || current.resultsFrozenAt) return null;
    if (!canFastForward(current, now)) {
      throw new ConflictError(
        current.status === "UPCOMING"
          ? "This competition has not started yet; start it first."
          : `A ${current.status.toLowerCase()} competition cannot be fast-forwarded.`,
      );
    }
    if (Date.parse(current.endDate) <= now) return null;
    const at = new Date(now).toISOString();
    return {
      ...current,
      endDate: at,
      fastForwardedAt: at,
      scheduledEndDate: current.endDate,
    } satisfies SandboxCompetition;
  });
  return competition;
}

/**
 * Moves the start of a funded competition to now (rounded down to the
 * second, so an order placed this second counts), in one atomic update that
 * records `startedEarlyAt` and the planned start. Throws `ConflictError`
 * unless it is UPCOMING with its start ahead.
 */
export async function moveStartToNow(kv: Deno.Kv, id: string, now: number): Promise<SandboxCompetition> {
  const { competition } = await updateCompetition(kv, id, now, "status", (current) => {
    if (current.status === "UPCOMING" && Date.parse(current.startDate) <= now) return null;
    if (!canStartNow(current, now)) {
      throw new ConflictError(
        current.status === "DRAFT"
          ? "Fund the prize first; only a funded competition can start."
          : `A ${current.status.toLowerCase()} competition cannot be started now.`,
      );
    }
    const at = new Date(now).toISOString();
    return {
      ...current,
      startDate: new Date(wholeSecond(now)).toISOString(),
      startedEarlyAt: at,
      scheduledStartDate: current.startDate,
    } satisfies SandboxCompetition;
  });
  return competition;
}

/** Polls `check` every 50 ms until it is true or `timeoutMs` passes; returns the last answer. */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How long the fast-forward waits for a settlement another run holds, and for the payout. */
export interface WaitOptions {
  /** For a settlement already running elsewhere (the status cron), default 15 s. */
  settleMs?: number;
  /** For the queued payout to be sent (or found waiting for funds), default 5 s (0: do not wait). */
  payoutMs?: number;
}

/**
 * Fast-forwards a competition to its end and settles it with the app's
 * lifecycle services: the end moves to now, then the status job runs (as
 * the minute cron would) and settles it. Waits, bounded, for a settlement
 * another run holds and for the payout the queue sends, so the page the
 * browser goes back to shows the winner and "Paid out" — or "Waiting for
 * funds to clear" while the simulated Whop still holds the prize's funds
 * (30 s after the payment), then "Paid out" on a later visit.
 */
export async function fastForwardCompetition(
  services: LifecycleServices,
  id: string,
  wait: WaitOptions = {},
): Promise<SandboxCompetition> {
  await moveEndToNow(services.kv, id, services.now());
  await runStatusJob(services);
  // With a settlement window (30 s in the sandbox) the competition is SETTLING now; the status cron completes it.
  await until(async () => {
    const { status } = await getCompetition(services.kv, id);
    return status === "COMPLETED" || status === "SETTLING";
  }, wait.settleMs ?? 15_000);
  const settled = await getCompetition(services.kv, id);
  if (settled.winner && (wait.payoutMs ?? 5_000) > 0) {
    // A payout waiting for Whop to clear the funds will not be sent in this request: no need to hold it.
    await until(async () => {
      const payout = await getPayout(services.kv, id, settled.winner!.place ?? 1, settled.winner!.division);
      return payout?.state === "sent" || payout?.waitingSince !== undefined;
    }, wait.payoutMs ?? 5_000);
  }
  return settled;
}

/** Starts a funded competition now: the start moves to now and the status job makes it ACTIVE. */
export async function startCompetitionNow(services: LifecycleServices, id: string): Promise<SandboxCompetition> {
  await moveStartToNow(services.kv, id, services.now());
  await runStatusJob(services);
  return await getCompetition(services.kv, id);
}

/**
 * The time controls as the sandbox routes call them (`routes/sandbox.ts`).
 * The app receives them only in sandbox mode (`sandbox/mode.ts`), so the
 * routes hold no import of `sandbox/` that a production process would load.
 */
export interface SandboxControls {
  fastForwardCompetition: typeof fastForwardCompetition;
  startCompetitionNow: typeof startCompetitionNow;
}
