/**
 * A store owner's own store in a competition, as "Your store" and "Your
 * orders" show it: its connection and sync, its counts, whether the creator
 * took it out of the ranking and why, its latest orders with what each
 * counts for, and its own figures on the board (which the shared live
 * stream hides under privacy mode). The competition page renders it, and the
 * owner's live stream sends it again whenever the store changes, so the
 * panels move with the board. Only ever sent to the store's owner.
 */
import type { Participant, SyncProgress } from "./participants.ts";
import { formatValue, type OrderCounts } from "./leaderboard.ts";
import { listOwnOrders } from "./revenue.ts";
import type { OwnOrder } from "./stored_order.ts";
import { toDecimalString } from "../core/money.ts";

/** How many of a store owner's own orders the panels list. */
export const OWN_ORDERS_SHOWN = 100;

/** The owner's own store as its panels show it. */
export interface OwnStoreView {
  participantId: string;
  competitionId: string;
  displayName: string;
  shop: string;
  connection: Participant["connection"];
  disconnectedAt?: string;
  sync: SyncProgress;
  /** While the creator has taken the store out of the ranking: the public reason and when. */
  disqualified?: { reason: string; at: string };
  /** With divisions: its division's number, `null` until placed (as on its record). */
  division?: number | null;
  /** With divisions: the 30-day sales that placed it (minor units). */
  divisionBaseline?: number;
  /** Its figures as its board entry has them (money as a decimal string). */
  figures: { value: string; revenue: string; orders: number; orderCounts: OrderCounts };
  /** Its latest orders (at most {@link OWN_ORDERS_SHOWN}), newest first. */
  orders: OwnOrder[];
}

/** `participant`'s own view, in its competition's `currency`. */
export async function ownStoreView(kv: Deno.Kv, participant: Participant, currency: string): Promise<OwnStoreView> {
  const { id, competitionId, displayName, shop, connection, disconnectedAt, disqualified, division, divisionBaseline } =
    participant;
  const { cursor: _cursor, ...sync } = participant.sync;
  return {
    participantId: id,
    competitionId,
    displayName,
    shop,
    connection,
    ...(disconnectedAt ? { disconnectedAt } : {}),
    sync,
    ...(disqualified ? { disqualified: { reason: disqualified.reason, at: disqualified.at } } : {}),
    ...(division !== undefined ? { division } : {}),
    ...(divisionBaseline !== undefined ? { divisionBaseline } : {}),
    figures: {
      value: formatValue(participant, currency),
      revenue: toDecimalString(participant.revenue, currency),
      orders: participant.orders,
      orderCounts: { counted: participant.orders, held: participant.held ?? 0, excluded: participant.excluded ?? 0 },
    },
    orders: await listOwnOrders(kv, id, OWN_ORDERS_SHOWN),
  };
}
