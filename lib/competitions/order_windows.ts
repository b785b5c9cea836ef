/**
 * Which of a shop's competitions an order can count in. A shop stays a
 * member of every competition it ever joined (a season enters it in a new
 * round every week), and an order delivery used to run the counting rule in
 * each of them, reading every one's records only to find all but the current
 * one outside their windows: a store's webhooks cost more every week.
 *
 * A competition's window never changes once it has ended (settling,
 * completed or cancelled: the rules lock when the prize is funded, and even
 * the sandbox's time travel moves only upcoming and live ones), so the
 * windows of ended competitions are kept here after one read, and an order
 * is applied only where its creation falls inside the window, or where the
 * competition has not ended (its order commit decides, on the values it
 * commits). Besides the window, whether it is final (completed or cancelled)
 * is kept, so its webhooks can take it off the shop's open memberships
 * (`closeShopMemberships`); a settling one is read again now and then to
 * learn that it completed.
 */
import { keys, readMany } from "../core/db.ts";
import { type Competition, inWindow } from "./competitions.ts";

/** An ended competition's window (fixed for good), whether it is final, and when that was read. */
interface EndedWindow extends Pick<Competition, "startDate" | "endDate"> {
  /** Completed or cancelled: it takes no order again. */
  final: boolean;
  readAtMs: number;
}

/** Windows kept per KV handle; cleared when this many are kept (competitions are few: it rarely is). */
const MAX_WINDOWS = 10_000;
/** A settling competition is read again after this long, to learn that it completed. */
export const SETTLING_RECHECK_MS = 10 * 60_000;
const windowsByKv = new WeakMap<Deno.Kv, Map<string, EndedWindow>>();
const ENDED: ReadonlySet<Competition["status"]> = new Set(["SETTLING", "COMPLETED", "CANCELLED"]);

function windowsOf(kv: Deno.Kv): Map<string, EndedWindow> {
  let windows = windowsByKv.get(kv);
  if (!windows) windowsByKv.set(kv, windows = new Map());
  return windows;
}

/**
 * The competitions among `competitionIds` whose window may hold an order
 * created at `createdAt`: the ended ones whose window holds it, and every
 * one not ended (or not found: its order commit decides). Reads only
 * the competitions whose window it has not kept yet (and the settling ones
 * read more than {@link SETTLING_RECHECK_MS} before `nowMs`), ten to a read;
 * with one competition, none (its order commit reads it anyway).
 *
 * @example
 * const counting = await competitionsOrderMayCountIn(kv, memberships.map((m) => m.competitionId), order.createdAt, now);
 */
export async function competitionsOrderMayCountIn(
  kv: Deno.Kv,
  competitionIds: readonly string[],
  createdAt: string,
  nowMs: number,
): Promise<Set<string>> {
  const createdMs = Date.parse(createdAt);
  if (competitionIds.length <= 1 || Number.isNaN(createdMs)) return new Set(competitionIds);
  const windows = windowsOf(kv);
  const unknown = competitionIds.filter((id) => {
    const kept = windows.get(id);
    if (!kept) return true;
    // A settling one may have completed since: read again once its reading is old (or the clock moved back).
    const age = nowMs - kept.readAtMs;
    return !kept.final && !(age >= 0 && age < SETTLING_RECHECK_MS);
  });
  for (const value of await readMany<Competition>(kv, unknown.map((id) => keys.competition(id)))) {
    if (!value || !ENDED.has(value.status)) continue;
    if (windows.size >= MAX_WINDOWS) windows.clear();
    windows.set(value.id, {
      startDate: value.startDate,
      endDate: value.endDate,
      final: value.status !== "SETTLING",
      readAtMs: nowMs,
    });
  }
  return new Set(competitionIds.filter((id) => {
    const window = windows.get(id);
    return !window || inWindow(window, createdMs);
  }));
}

/**
 * The competitions among `competitionIds` known (from the reads of
 * `competitionsOrderMayCountIn`) to be completed or cancelled: none takes an
 * order again.
 */
export function finalCompetitionsAmong(kv: Deno.Kv, competitionIds: readonly string[]): string[] {
  const windows = windowsOf(kv);
  return competitionIds.filter((id) => windows.get(id)?.final === true);
}
