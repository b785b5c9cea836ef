/**
 * What the creator is told while the race runs, besides the reminder of
 * undecided orders before the results freeze (`flags.ts`): a store joined
 * (at once, one notice per store), and orders were held or flagged for
 * their judgement (coalesced). All three read the same way — the
 * competition's title quoted, then what happened, with the stores' names
 * quoted as theirs — go to the creator in the app and through Whop (the
 * competition's community, as every notification does) and lead to the
 * manage page.
 *
 * Held and flagged orders are told in an hourly digest per store, so a
 * burst of manual orders is one message, not a hundred: the commit that
 * raises a flag on an order (`order_book.ts`) notes it in
 * `["review_notices", competitionId, flagId]`; the status job (every
 * minute) tells the creator, per store, of the noted orders still waiting
 * for a decision — at most once per store per clock hour (the dedupe key
 * names the hour), the rest waiting for the next — and deletes the notes in
 * the commit that records the notification. A note for an order that no
 * longer waits (decided, or its reason gone) is dropped untold.
 */
import { hourStart, keys, readMany } from "../core/db.ts";
import { type Competition, getCompetition } from "./competitions.ts";
import { appText, fact, type NotificationSender, notify, quoted } from "./notifications.ts";
import type { Participant } from "./participants.ts";
import type { StoredOrder } from "./stored_order.ts";

/** The most notes one status run reads per competition (the rest are told at the next run). */
export const NOTES_PER_RUN = 500;

/** The creator's page for a competition: where their notices lead. */
export function managePath(competitionId: string): string {
  return `/competitions/${competitionId}/manage`;
}

/** `1 order` / `2 orders`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * Tells the creator that `participant` joined their competition (once per
 * store). Returns whether it was sent now.
 */
export async function notifyStoreJoined(
  kv: Deno.Kv,
  participant: Participant,
  now: number,
  send?: NotificationSender,
): Promise<boolean> {
  const competition = await getCompetition(kv, participant.competitionId);
  const sent = await notify(
    kv,
    {
      dedupeKey: `store_joined:${competition.id}:${participant.id}`,
      userId: competition.creatorId,
      kind: "store_joined",
      competitionId: competition.id,
      path: managePath(competition.id),
      title: appText`${quoted(competition.title, 40)}: ${quoted(participant.displayName, 40)} joined`,
      body: appText`${fact(count(competition.participantCount, "store"))} in the competition now.`,
    },
    now,
    send,
  );
  return sent !== null;
}

/** One store's noted orders, as read for the digest. */
interface StoreNotes {
  participantId: string;
  notes: Deno.KvEntry<string>[];
}

/** The noted flags of a competition, grouped by store (a flag id is `participantId.orderId`). */
async function notesByStore(kv: Deno.Kv, competitionId: string): Promise<StoreNotes[]> {
  const stores = new Map<string, StoreNotes>();
  const notes = kv.list<string>({ prefix: keys.reviewNotices(competitionId) }, { limit: NOTES_PER_RUN });
  for await (const note of notes) {
    const participantId = String(note.key.at(-1)).split(".")[0];
    const store = stores.get(participantId) ?? { participantId, notes: [] };
    store.notes.push(note);
    stores.set(participantId, store);
  }
  return [...stores.values()];
}

/** The noted orders that still wait for the creator: held (out unless counted) and flagged (counting unless excluded). */
async function stillWaiting(kv: Deno.Kv, store: StoreNotes): Promise<{ held: number; flagged: number }> {
  let held = 0;
  let flagged = 0;
  const orderIds = store.notes.map((note) => String(note.key.at(-1)).split(".").slice(1).join("."));
  for (const order of await readMany<StoredOrder>(kv, orderIds.map((id) => keys.order(store.participantId, id)))) {
    if (!order?.flag?.open || order.decision) continue;
    if (order.counted) flagged++;
    else held++;
  }
  return { held, flagged };
}

/**
 * Tells the creator of `competition` (running or settling) of the orders
 * held or flagged for their judgement since they were last told: one
 * notice per store per clock hour (see the module comment). Returns how
 * many notices it sent. A plain function of the clock: the status job calls
 * it every minute.
 */
export async function notifyOrdersToJudge(
  kv: Deno.Kv,
  competition: Competition,
  now: number,
  send?: NotificationSender,
): Promise<number> {
  let sent = 0;
  for (const store of await notesByStore(kv, competition.id)) {
    const dedupeKey = `orders_held:${competition.id}:${store.participantId}:${hourStart(now)}`;
    // This hour's notice for the store went out: these wait for the next hour's.
    if ((await kv.get(keys.notificationSent(dedupeKey))).value !== null) continue;
    // Notes are written once per flag: deleting them unchecked loses none (a second instance's run is deduped).
    const told = (op: Deno.AtomicOperation) => store.notes.reduce((next, note) => next.delete(note.key), op);
    const { held, flagged } = await stillWaiting(kv, store);
    if (held + flagged === 0) {
      await told(kv.atomic()).commit();
      continue;
    }
    const participant = (await kv.get<Participant>(keys.participant(store.participantId))).value;
    const parts = [
      held
        ? `${count(held, "held order")} ${
          held === 1 ? "stays out unless you count it" : "stay out unless you count them"
        }`
        : "",
      flagged
        ? `${count(flagged, "flagged order")} ${
          flagged === 1 ? "counts unless you exclude it" : "count unless you exclude them"
        }`
        : "",
    ].filter(Boolean);
    const notice = await notify(
      kv,
      {
        dedupeKey,
        userId: competition.creatorId,
        kind: "orders_held",
        competitionId: competition.id,
        path: managePath(competition.id),
        title: appText`${quoted(competition.title, 40)}: ${fact(count(held + flagged, "order"))} from ${
          quoted(participant?.displayName ?? "a store", 40)
        } to review`,
        body: appText`${fact(parts.join("; "))}. Decide on the manage page.`,
      },
      now,
      send,
      told,
    );
    if (notice) sent++;
  }
  return sent;
}
