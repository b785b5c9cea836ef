/**
 * Order deliveries for tests, as a webhook or a sync would deliver them to
 * `recordOrder`: USD, not a test, not cancelled, created at a given instant.
 */
import type { OrderDelivery } from "../lib/competitions/revenue.ts";

/**
 * An order `id` of `amount` cents created at `createdMs`, updated
 * `updatedOffsetMs` later, with `patch` on top.
 *
 * @example
 * orderAt(Date.parse("2026-12-02T01:00:00Z"), "1", 1250, 0, { payment: "pending" });
 */
export function orderAt(
  createdMs: number,
  id: string,
  amount: number,
  updatedOffsetMs = 0,
  patch: Partial<OrderDelivery> = {},
): OrderDelivery {
  return {
    orderId: id,
    createdAt: new Date(createdMs).toISOString(),
    updatedAt: new Date(createdMs + updatedOffsetMs).toISOString(),
    amount,
    currency: "USD",
    test: false,
    cancelled: false,
    ...patch,
  };
}
