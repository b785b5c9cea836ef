/**
 * Forgetting a customer (Shopify's `customers/redact`). The app never keeps
 * Shopify's customer id, only a per-store pseudonym derived from it
 * (`customerKeyOf`), which the customer cap needs to follow one customer's
 * orders. To forget the customer, each of their orders is moved, one atomic
 * commit each, to a fresh random pseudonym with its place in the cap, so the
 * books stay exact (what the orders add does not change) and nothing left
 * can be derived from Shopify's id again.
 */
import { keys } from "../core/db.ts";
import { groupCommitterOf } from "../core/group_commit.ts";
import type { Competition } from "./competitions.ts";
import { type CustomerLedger, emptyLedger, isEmptyLedger, moveOrder } from "./customer_cap.ts";
import type { Participant } from "./participants.ts";
import { customerKeyOf } from "./revenue.ts";
import type { StoredOrder } from "./stored_order.ts";

/**
 * Moves the listed orders of `customerId` in one store to a fresh random
 * pseudonym; returns how many it moved (orders not stored, or another
 * customer's, are left as they are).
 */
export async function forgetCustomer(
  kv: Deno.Kv,
  participantId: string,
  customerId: string,
  orderIds: readonly string[],
): Promise<number> {
  const old = customerKeyOf(participantId, customerId);
  const fresh = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
  const oldKey = keys.orderCustomer(participantId, old);
  const freshKey = keys.orderCustomer(participantId, fresh);
  let moved = 0;
  for (const orderId of orderIds) {
    const orderKey = keys.order(participantId, orderId);
    const done = await groupCommitterOf(kv).submit({
      reads: [keys.participant(participantId), orderKey, oldKey, freshKey],
      run: async (tx) => {
        const order = await tx.get<StoredOrder>(orderKey);
        if (order?.customer !== old) return false;
        tx.set(orderKey, { ...order, customer: fresh } satisfies StoredOrder);
        if (!order.capped) return true;
        const participant = await tx.get<Participant>(keys.participant(participantId));
        const competition = await tx.get<Competition>(keys.competition(participant?.competitionId ?? ""));
        const added = (competition?.metric ?? "revenue") === "orders" ? 0 : order.amount;
        const ledgers = moveOrder(
          await tx.get<CustomerLedger>(oldKey) ?? emptyLedger(),
          await tx.get<CustomerLedger>(freshKey) ?? emptyLedger(),
          orderId,
          added,
        );
        if (isEmptyLedger(ledgers.from)) tx.delete(oldKey);
        else tx.set(oldKey, ledgers.from);
        tx.set(freshKey, ledgers.to);
        return true;
      },
    });
    if (done) moved++;
  }
  return moved;
}
