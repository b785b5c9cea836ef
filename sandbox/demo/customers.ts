/**
 * Simulated customers for sandbox mode: they keep buying at the demo stores
 * while the process runs, now and then get a refund or cancel, and so keep
 * the demo leaderboard moving. Every order goes through the simulated
 * Shopify (`createOrder`, `refundOrder`, `cancelOrder`), which sends the app
 * the same signed webhooks a real store would.
 *
 * The pace, per store:
 * - arrivals are a Poisson process with `ordersPerMinute` on average (2 by
 *   default), scaled by the store's popularity (0.6–1.6, fixed per store, so
 *   a leader emerges);
 * - one arrival in eight is a burst of 2–4 orders a few seconds apart;
 * - amounts are log-normal around $45 (σ 0.8), kept within $5–$400;
 * - after an order, 5 % of the time an earlier order is partly or fully
 *   refunded, 3 % of the time a recent one is cancelled — only orders these
 *   customers placed, so the demo's pre-decided sprint (settling while they
 *   shop) keeps its result.
 * Every store's first arrival comes within `firstOrderWithinMs` (10 s) so a
 * fresh demo moves at once.
 */
import type { ShopifySandbox } from "../shopify/mod.ts";
import { log } from "../../lib/core/log.ts";

/** How the customers behave. */
export interface CustomerOptions {
  shopify: ShopifySandbox;
  /**
   * The shops to buy at right now; called before each arrival. Empty (or
   * undefined) pauses buying, e.g. while no demo competition is live.
   */
  stores(): readonly string[] | undefined;
  /** Average orders per minute per store (before popularity), default 2. */
  ordersPerMinute?: number;
  /** Each store's first arrival comes within this, default 10 s. */
  firstOrderWithinMs?: number;
  /** Random numbers in [0, 1), default `Math.random` (tests pass a seeded one). */
  random?: () => number;
}

/** What the customers did so far. */
export interface CustomerStats {
  orders: number;
  refunds: number;
  cancellations: number;
}

/** Running customers. */
export interface Customers {
  readonly stats: CustomerStats;
  /** Stops every timer; nothing is bought after it resolves. */
  stop(): Promise<void>;
}

const MIN_CENTS = 500;
const MAX_CENTS = 40_000;

/** A log-normal amount around $45 in cents, within $5–$400. */
export function orderAmountCents(random: () => number): number {
  // Box–Muller: a standard normal from two uniforms.
  const u = Math.max(random(), 1e-12);
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  const dollars = Math.exp(Math.log(45) + 0.8 * normal);
  return Math.min(MAX_CENTS, Math.max(MIN_CENTS, Math.round(dollars * 100)));
}

/** Cents as a decimal string, e.g. `1250` → `"12.50"`. */
function decimal(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/** An exponential wait with the given mean. */
function exponential(random: () => number, meanMs: number): number {
  return -Math.log(1 - random()) * meanMs;
}

/** Starts buying. Stop with `stop()` (tests and shutdown). */
export function startCustomers(options: CustomerOptions): Customers {
  const random = options.random ?? Math.random;
  const perMinute = options.ordersPerMinute ?? 2;
  const firstWithin = options.firstOrderWithinMs ?? 10_000;
  const stats: CustomerStats = { orders: 0, refunds: 0, cancellations: 0 };
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const popularity = new Map<string, number>();
  const scheduled = new Set<string>();
  /** The orders these customers placed: the only ones they return or cancel. */
  const placed = new Set<string>();
  let stopped = false;
  let inFlight = Promise.resolve();

  const later = (ms: number, run: () => void) => {
    const id = setTimeout(() => {
      timers.delete(id);
      if (!stopped) run();
    }, ms);
    timers.add(id);
  };
  const live = (shop: string) => options.stores()?.includes(shop) ?? false;

  /** Places one order and sometimes refunds or cancels an earlier one; errors are logged, never thrown. */
  const buy = (shop: string) => {
    if (stopped || !live(shop)) return;
    try {
      placed.add(String(options.shopify.createOrder(shop, { totalPrice: decimal(orderAmountCents(random)) }).id));
      stats.orders++;
      const roll = random();
      const orders = options.shopify.orders(shop).filter((o) => !o.cancelledAt && !o.test && placed.has(String(o.id)));
      if (roll < 0.05 && orders.length > 1) {
        const order = orders[Math.floor(random() * (orders.length - 1))];
        const left = Math.round(Number(order.currentTotalPrice) * 100);
        if (left > 0) {
          const refund = random() < 0.5 ? left : Math.max(1, Math.round(left * (0.2 + 0.6 * random())));
          options.shopify.refundOrder(shop, order.id, decimal(refund), "Customer return");
          stats.refunds++;
        }
      } else if (roll < 0.08 && orders.length > 1) {
        const recent = orders.slice(-5, -1);
        const order = recent[Math.floor(random() * recent.length)];
        options.shopify.cancelOrder(shop, order.id, { reason: "customer" });
        stats.cancellations++;
      }
    } catch (error) {
      log("warn", "simulated customer could not buy", { shop, error });
    }
  };

  /** One arrival: an order or a burst, then the next arrival. */
  const arrive = (shop: string) => {
    if (!live(shop)) {
      scheduled.delete(shop);
      return;
    }
    if (random() < 1 / 8) {
      const size = 2 + Math.floor(random() * 3);
      let at = 0;
      for (let i = 0; i < size; i++) {
        later(at, () => buy(shop));
        at += 1_000 + random() * 3_000;
      }
    } else {
      buy(shop);
    }
    next(shop, exponential(random, 60_000 / (perMinute * popularity.get(shop)!)));
  };
  const next = (shop: string, ms: number) => later(ms, () => arrive(shop));

  /** Picks up stores that became live (a new demo competition), every two seconds. */
  const watch = () => {
    for (const shop of options.stores() ?? []) {
      if (scheduled.has(shop)) continue;
      scheduled.add(shop);
      if (!popularity.has(shop)) popularity.set(shop, 0.6 + random());
      next(shop, random() * firstWithin);
    }
    later(2_000, watch);
  };
  inFlight = Promise.resolve().then(watch);

  return {
    stats,
    async stop() {
      stopped = true;
      await inFlight;
      for (const id of timers) clearTimeout(id);
      timers.clear();
      await options.shopify.flushWebhooks();
    },
  };
}
