/**
 * Erasing a store (Shopify's `shop/redact`, sent 48 hours after the app is
 * uninstalled): in every competition it took part in, the store's orders,
 * their ids (the order index, the flags and their notices still to tell the
 * creator, the audit log's order actions, the spike marks of its hours and
 * of its record) and its customers' pseudonyms (the customer cap's ledgers)
 * are deleted, and its name and domain are replaced by "Removed store" (and an empty domain)
 * wherever they were written: its participant record and leaderboard row,
 * the places of a decided competition, the settlement notes, the audit log,
 * and the notifications the competition sent (which also lose the numbers
 * of the store's orders the creator decided on); a season it entered
 * forgets it (`lib/seasons/entrants.ts`). Its totals, counts, rank,
 * places and payouts stay exactly as they were, so the results remain
 * auditable: a removed store's total is no longer the sum of stored orders
 * (there are none), it is the total it had.
 *
 * The work is noted first (`["shop_erasures", shop]`: the participants and
 * the names to scrub, kept only until it is done), then each participant is
 * renamed and disconnected in one commit (syncs and deliveries leave it
 * alone from then on), its data deleted and its names scrubbed, and last its
 * entry in the shop's index dropped. Every step is idempotent, so a
 * redelivered `shop/redact` finishes whatever a crash left.
 */
import { bumpChange, commit, keys, loadByIndex, newId } from "../core/db.ts";
import type { AuditEntry } from "./disqualification.ts";
import type { Notification } from "./notifications.ts";
import { type Competition, updateCompetition } from "./competitions.ts";
import { leaderboardKey, leaderboardRow, listParticipants, type Participant } from "./participants.ts";
import { flagIdOf } from "./order_book.ts";
import { eraseShopEntries } from "../seasons/entrants.ts";

/** What a removed store is called on every board, page and message. */
export const REMOVED_STORE = "Removed store";

/** Mutations per commit while deleting a store's orders (four per order, well under KV's limit). */
const ORDERS_PER_COMMIT = 100;

/** Replaces each of `names` in `text` (any case) with {@link REMOVED_STORE}. */
function scrub(text: string, names: readonly string[]): string {
  return names.reduce(
    (result, name) => result.replace(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), REMOVED_STORE),
    text,
  );
}

/** The ways a store was written: its name, its domain and its handle (longest first, so the domain goes whole). */
function namesOf(participant: Participant, shop: string): string[] {
  const handle = shop.replace(/\.myshopify\.com$/, "");
  const names = [participant.displayName, shop, handle].filter((name) => name && name !== REMOVED_STORE);
  return [...new Set(names)].filter((name) => name.length >= 3).sort((a, b) => b.length - a.length);
}

/** `["shop_erasures", shop]`: an erasure under way, and the names it scrubs (deleted once done). */
interface ErasureJob {
  participants: { id: string; names: string[] }[];
}

/** Renames and disconnects the participant, in one commit (its leaderboard row with it); null when there is none. */
async function renameParticipant(kv: Deno.Kv, id: string, names: string[], now: number): Promise<Participant | null> {
  for (;;) {
    const entry = await kv.get<Participant>(keys.participant(id));
    const current = entry.value;
    if (!current) return null;
    const at = new Date(now).toISOString();
    const { noHistorySpike: _orderId, ...kept } = current;
    const next: Participant = {
      ...kept,
      displayName: REMOVED_STORE,
      shop: "",
      connection: "disconnected",
      disconnectedAt: current.disconnectedAt ?? at,
      erasedAt: current.erasedAt ?? at,
      ...(current.disqualified
        ? { disqualified: { ...current.disqualified, reason: scrub(current.disqualified.reason, names) } }
        : {}),
    };
    if (JSON.stringify(next) === JSON.stringify(current)) return current;
    const result = await commit(() =>
      bumpChange(
        kv.atomic().check(entry)
          .set(keys.participant(id), next)
          .delete(leaderboardKey(current))
          .set(leaderboardKey(next), leaderboardRow(next)),
        current.competitionId,
        "leaderboard",
        now,
      )
    );
    if (result.ok) return next;
  }
}

/** Deletes the participant's orders, their ids in the order and flag indexes, its hours and its customers' ledgers. */
async function deleteOrders(kv: Deno.Kv, participant: Participant): Promise<number> {
  const { id, competitionId } = participant;
  let deleted = 0;
  for (;;) {
    const batch = await Array.fromAsync(kv.list({ prefix: keys.orders(id) }, { limit: ORDERS_PER_COMMIT }));
    if (batch.length === 0) break;
    await commit(() => {
      const op = kv.atomic();
      for (const { key } of batch) {
        const orderId = key[2] as string;
        const flagId = flagIdOf(id, orderId);
        op.delete(key).delete(keys.flag(competitionId, flagId)).delete(keys.reviewNotice(competitionId, flagId));
      }
      return op;
    });
    // An order id's owner entry is deleted only when it names this store (ids are unique across shops).
    const owners = await kv.getMany<string[]>(batch.map(({ key }) => keys.orderOwner(competitionId, key[2] as string)));
    await commit(() => {
      const op = kv.atomic();
      for (const owner of owners) if (owner.value === id) op.check(owner).delete(owner.key);
      return op;
    });
    deleted += batch.length;
  }
  for (const prefix of [keys.orderCustomers(id), keys.orderHours(id)]) {
    for (;;) {
      const batch = await Array.fromAsync(kv.list({ prefix }, { limit: ORDERS_PER_COMMIT }));
      if (batch.length === 0) break;
      await commit(() => batch.reduce((op, { key }) => op.delete(key), kv.atomic()));
    }
  }
  return deleted;
}

/**
 * The decided places and the settlement notes without the store's name and
 * domain. The competition is written even when neither named it: a new
 * version of its record tells every instance that renderings of its page
 * shared before (`lib/web/shared_renders.ts`) may name the store.
 */
async function scrubCompetition(kv: Deno.Kv, participant: Participant, names: string[], now: number) {
  const rename = <T extends { participantId: string; displayName: string; shop: string }>(place: T): T =>
    place.participantId === participant.id ? { ...place, displayName: REMOVED_STORE, shop: "" } : place;
  const { competition } = await updateCompetition(kv, participant.competitionId, now, "leaderboard", (current) => {
    const next: Competition = {
      ...current,
      ...(current.winner ? { winner: rename(current.winner) } : {}),
      ...(current.places ? { places: current.places.map(rename) } : {}),
      ...(current.settlementNotes ? { settlementNotes: current.settlementNotes.map((n) => scrub(n, names)) } : {}),
    };
    return next;
  });
  return competition;
}

/**
 * The audit log without the store's name, domain and order ids. A decision
 * on an order is logged under its flag's id, which holds the order id: that
 * entry moves to a new id (same time, same place in the log) in one commit.
 */
async function scrubAuditLog(kv: Deno.Kv, participant: Participant, names: string[]) {
  const { competitionId } = participant;
  for await (const entry of kv.list<AuditEntry>({ prefix: keys.auditLog(competitionId) })) {
    const own = entry.value.participantId === participant.id;
    const { orderId, ...withoutOrder } = entry.value;
    const renamed = own && orderId !== undefined;
    const next: AuditEntry = {
      ...(own ? withoutOrder : entry.value),
      ...(own ? { displayName: REMOVED_STORE, shop: "" } : {}),
      ...(renamed ? { id: newId(Date.parse(entry.value.at)) } : {}),
      reason: scrub(entry.value.reason, names),
    };
    if (JSON.stringify(next) === JSON.stringify(entry.value)) continue;
    const key = renamed ? keys.auditEntry(competitionId, entry.key[2] as number, next.id) : entry.key;
    await commit(() => {
      const op = kv.atomic().check(entry).set(key, next);
      return renamed ? op.delete(entry.key) : op;
    });
  }
}

/** The kinds of notification that tell a store owner what the creator decided about one of its orders (by number). */
const ORDER_DECISIONS: readonly string[] = ["order_counted", "order_excluded"];

/**
 * The competition's notifications (to its creator and every store owner in
 * it) without the store's name, and the store owner's decisions on its
 * orders without the order's number; the once-only marks of those decisions
 * (their keys hold the flag's id, so the order id) are deleted.
 */
async function scrubNotifications(kv: Deno.Kv, competition: Competition, participant: Participant, names: string[]) {
  const users = new Set([competition.creatorId, ...(await listParticipants(kv, competition.id)).map((p) => p.userId)]);
  for (const userId of users) {
    for await (const entry of kv.list<Notification>({ prefix: keys.notifications(userId) })) {
      if (entry.value.competitionId !== competition.id) continue;
      const ownOrder = userId === participant.userId && ORDER_DECISIONS.includes(entry.value.kind);
      const title = scrub(entry.value.title, names);
      const next = {
        ...entry.value,
        title: ownOrder ? title.replace(/order #\S+/g, "an order") : title,
        body: scrub(entry.value.body, names),
      };
      if (next.title !== entry.value.title || next.body !== entry.value.body) {
        await commit(() => kv.atomic().check(entry).set(entry.key, next));
      }
    }
  }
  // `flag_decided:<competitionId>:<participantId>.<orderId>`: every key between "…<participantId>." and "…<participantId>/".
  const marks = `flag_decided:${competition.id}:${participant.id}`;
  const range = { start: keys.notificationSent(`${marks}.`), end: keys.notificationSent(`${marks}/`) };
  for await (const entry of kv.list(range)) await commit(() => kv.atomic().delete(entry.key));
}

/** What an erasure did, for the log. */
export interface ShopErasure {
  participants: number;
  orders: number;
}

/**
 * Erases `shop` from every competition it took part in (see the module
 * comment). Idempotent; its totals, places and payouts are left as they are.
 */
export async function eraseShop(kv: Deno.Kv, shop: string, now: number): Promise<ShopErasure> {
  await eraseShopEntries(kv, shop);
  const jobKey = keys.shopErasure(shop);
  let job = (await kv.get<ErasureJob>(jobKey)).value;
  if (!job) {
    const participants = await loadByIndex<Participant>(kv, keys.participantsByShop(shop), keys.participant);
    job = { participants: participants.map((p) => ({ id: p.id, names: namesOf(p, shop) })) };
    if (job.participants.length === 0) return { participants: 0, orders: 0 };
    await commit(() => kv.atomic().set(jobKey, job));
  }
  let orders = 0;
  for (const { id, names } of job.participants) {
    const participant = await renameParticipant(kv, id, names, now);
    if (!participant) continue;
    orders += await deleteOrders(kv, participant);
    const competition = await scrubCompetition(kv, participant, names, now);
    await scrubAuditLog(kv, participant, names);
    await scrubNotifications(kv, competition, participant, names);
    await commit(() =>
      kv.atomic()
        .delete(keys.participantByShop(shop, participant.competitionId))
        .delete(keys.openMembershipOfShop(shop, participant.competitionId))
    );
  }
  await commit(() => kv.atomic().delete(jobKey));
  return { participants: job.participants.length, orders };
}
