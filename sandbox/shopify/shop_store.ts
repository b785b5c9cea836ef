/**
 * The simulated Shopify's data: shops, orders and webhook subscriptions, and
 * the order changes a merchant can make. Each change returns the webhook
 * events Shopify would fire for it; sending them is someone else's job.
 */
import { parseMoney } from "./money.ts";
import {
  currentTotalMinor,
  type RiskRecommendation,
  type SandboxCustomer,
  type SandboxLineItem,
  type SandboxOrder,
  type SandboxShop,
  type WebhookSubscription,
} from "./model.ts";
import { toWholeSecond } from "./time.ts";

/** A webhook-worthy change: the topic and the order or refund it concerns. */
export type ShopEvent =
  | {
    topic: "orders/create" | "orders/updated" | "orders/cancelled" | "orders/paid" | "orders/risk_assessment_changed";
    order: SandboxOrder;
  }
  | { topic: "refunds/create"; order: SandboxOrder; refundId: number };

/** What a merchant types when creating a shop. */
export interface CreateShopInput {
  /** `name.myshopify.com`. */
  shop: string;
  /** Display name; defaults to a title made from the subdomain. */
  name?: string;
  /** ISO 4217, default `USD`. */
  currency?: string;
  email?: string;
  /** Minutes from UTC, default -300 (`-05:00`, as a North American store). */
  utcOffsetMinutes?: number;
}

/** An order as a test or a demo places it. */
export interface CreateOrderInput {
  /** Order total as a decimal string; defaults to the sum of `lineItems`. */
  totalPrice?: string;
  test?: boolean;
  /** When the order was placed; default now. */
  createdAt?: Date | string | number;
  lineItems?: { title: string; quantity?: number; price: string }[];
  note?: string;
  /** Where the payment stands at checkout: default `paid`; `pending` or `authorized` to be paid (or voided) later. */
  payment?: "paid" | "pending" | "authorized";
  /**
   * Completed from a draft order in the admin (`source_name`
   * `shopify_draft_order`), paid through the manual gateway unless `gateway`
   * says otherwise.
   */
  draft?: boolean;
  /** `source_name`; default `web` (`shopify_draft_order` with `draft`). */
  sourceName?: string;
  /** The payment gateway; default `shopify_payments` (`manual` for a draft order). */
  gateway?: string;
  /** The customer (from `createCustomer`); default a guest checkout. */
  customerId?: number;
  /** Shopify's fraud recommendation at once; default `ACCEPT`. */
  risk?: RiskRecommendation;
}

/** Changes an order edit or a merchant can make. */
export interface UpdateOrderPatch {
  /** A new order total (an order edit), decimal string. */
  totalPrice?: string;
  test?: boolean;
  note?: string | null;
  tags?: string[];
  /** Moves the order to another customer (from `createCustomer`), or to none with null. */
  customerId?: number | null;
}

/** How an order is cancelled. */
export interface CancelOrderOptions {
  /** Shopify's cancel reason, default `customer`. */
  reason?: "customer" | "fraud" | "inventory" | "declined" | "other";
  /** Refund what is left of the total, as the admin does by default; default true. */
  refund?: boolean;
}

/** An error a caller made (unknown shop or order, bad amount). */
export class SandboxInputError extends Error {}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

interface ShopRecord extends SandboxShop {
  orders: Map<number, SandboxOrder>;
  customers: Map<number, SandboxCustomer>;
  subscriptions: Map<number, WebhookSubscription>;
  nextOrderNumber: number;
}

/** One shop as saved: its fields, its order-number sequence, its orders and subscriptions. */
export interface ShopSnapshot extends SandboxShop {
  /** The number the next order gets. */
  nextOrderNumber: number;
  /** Oldest first. */
  orders: SandboxOrder[];
  /** Oldest first. */
  subscriptions: WebhookSubscription[];
  /** Oldest first. */
  customers: SandboxCustomer[];
}

/** Everything a {@link ShopStore} holds, as plain JSON-ready data. */
export interface ShopStoreSnapshot {
  /** The next id {@link ShopStore.newId} hands out. */
  nextId: number;
  /** Oldest first. */
  shops: ShopSnapshot[];
}

/** Shops, their orders and subscriptions, with one clock and one id sequence. */
export class ShopStore {
  #shops = new Map<string, ShopRecord>();
  #nextId = 5_000_000_000_001;
  #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** A detached copy of every shop, order and subscription, and the id sequences. */
  snapshot(): ShopStoreSnapshot {
    return {
      nextId: this.#nextId,
      shops: [...this.#shops.values()].map((shop): ShopSnapshot => ({
        domain: shop.domain,
        id: shop.id,
        name: shop.name,
        currency: shop.currency,
        email: shop.email,
        utcOffsetMinutes: shop.utcOffsetMinutes,
        installed: shop.installed,
        scopes: [...shop.scopes],
        nextOrderNumber: shop.nextOrderNumber,
        orders: structuredClone([...shop.orders.values()]),
        subscriptions: structuredClone([...shop.subscriptions.values()]),
        customers: structuredClone([...shop.customers.values()]),
      })),
    };
  }

  /**
   * Replaces everything with a snapshot. The id sequence resumes past both
   * the saved counter and every id in the snapshot, so new ids never collide.
   */
  restore(snapshot: ShopStoreSnapshot): void {
    this.#shops.clear();
    let maxId = 0;
    const seen = (id: number) => {
      maxId = Math.max(maxId, id);
    };
    for (const saved of structuredClone(snapshot.shops)) {
      const { nextOrderNumber, orders, subscriptions, customers, ...shop } = saved;
      const domain = shop.domain.toLowerCase();
      seen(shop.id);
      let lastNumber = 1000;
      for (const order of orders) {
        seen(order.id);
        order.lineItems.forEach((line) => seen(line.id));
        order.refunds.forEach((refund) => seen(refund.id));
        lastNumber = Math.max(lastNumber, order.number);
      }
      subscriptions.forEach((sub) => seen(sub.id));
      customers.forEach((customer) => seen(customer.id));
      this.#shops.set(domain, {
        ...shop,
        domain,
        nextOrderNumber: Math.max(nextOrderNumber, lastNumber + 1),
        orders: new Map(orders.map((order) => [order.id, order])),
        subscriptions: new Map(subscriptions.map((sub) => [sub.id, sub])),
        customers: new Map(customers.map((customer) => [customer.id, customer])),
      });
    }
    this.#nextId = Math.max(snapshot.nextId, maxId + 1);
  }

  /** A fresh numeric id, unique across every kind of record. */
  newId(): number {
    return this.#nextId++;
  }

  /** Creates a shop (or returns the existing one with that domain). */
  createShop(input: CreateShopInput): SandboxShop {
    const domain = input.shop.toLowerCase();
    if (!SHOP_DOMAIN.test(domain)) {
      throw new SandboxInputError(`Not a myshopify.com domain: ${input.shop}`);
    }
    const existing = this.#shops.get(domain);
    if (existing) return existing;
    const handle = domain.slice(0, domain.indexOf("."));
    const record: ShopRecord = {
      domain,
      id: this.newId(),
      name: input.name ?? titleFromHandle(handle),
      currency: (input.currency ?? "USD").toUpperCase(),
      email: input.email ?? `owner@${handle}.example`,
      utcOffsetMinutes: input.utcOffsetMinutes ?? -300,
      installed: false,
      scopes: [],
      orders: new Map(),
      subscriptions: new Map(),
      customers: new Map(),
      nextOrderNumber: 1001,
    };
    this.#shops.set(domain, record);
    return record;
  }

  /** The shop with that domain, or `undefined`. */
  findShop(domain: string): SandboxShop | undefined {
    return this.#shops.get(domain.toLowerCase());
  }

  /** Every shop, oldest first. */
  shops(): SandboxShop[] {
    return [...this.#shops.values()];
  }

  /** The shop's orders, by id (live records: copy before handing out). */
  orders(domain: string): SandboxOrder[] {
    return [...this.#shop(domain).orders.values()];
  }

  /** One order, or `undefined`. */
  findOrder(domain: string, id: number): SandboxOrder | undefined {
    return this.#shop(domain).orders.get(id);
  }

  /** Places an order; fires `orders/create`. */
  createOrder(domain: string, input: CreateOrderInput): ShopEvent[] {
    const shop = this.#shop(domain);
    const lineItems = (input.lineItems ?? []).map((line): SandboxLineItem => ({
      id: this.newId(),
      title: line.title,
      quantity: line.quantity ?? 1,
      priceMinor: this.#money(line.price, shop.currency),
    }));
    const lineSum = lineItems.reduce(
      (sum, line) => sum + line.priceMinor * line.quantity,
      0,
    );
    const totalMinor = input.totalPrice === undefined ? lineSum : this.#money(input.totalPrice, shop.currency);
    if (lineItems.length === 0) {
      lineItems.push({
        id: this.newId(),
        title: "Sandbox item",
        quantity: 1,
        priceMinor: totalMinor,
      });
    }
    const now = toWholeSecond(this.#now());
    const createdAt = input.createdAt === undefined ? now : toWholeSecond(new Date(input.createdAt).getTime());
    if (Number.isNaN(createdAt)) {
      throw new SandboxInputError(`Invalid createdAt: ${input.createdAt}`);
    }
    const number = shop.nextOrderNumber++;
    const order: SandboxOrder = {
      id: this.newId(),
      shop: shop.domain,
      number,
      name: `#${number}`,
      createdAt,
      updatedAt: Math.max(now, createdAt),
      cancelledAt: null,
      cancelReason: null,
      test: input.test ?? false,
      currency: shop.currency,
      totalMinor,
      lineItems,
      refunds: [],
      note: input.note ?? null,
      tags: [],
      paymentStatus: input.payment ?? "paid",
      sourceName: input.sourceName ?? (input.draft ? "shopify_draft_order" : "web"),
      gateways: [input.gateway ?? (input.draft ? "manual" : "shopify_payments")],
      customerId: input.customerId === undefined ? null : this.#customer(shop, input.customerId).id,
      risk: input.risk ?? "ACCEPT",
    };
    shop.orders.set(order.id, order);
    const events: ShopEvent[] = [{ topic: "orders/create", order }];
    if (order.paymentStatus === "paid") events.push({ topic: "orders/paid", order });
    return events;
  }

  /** Adds a customer to the shop; orders name them by the returned id. */
  createCustomer(domain: string, input: { email?: string } = {}): SandboxCustomer {
    const shop = this.#shop(domain);
    const id = this.newId();
    const customer: SandboxCustomer = {
      id,
      email: input.email ?? `customer${id}@customers.example`,
      createdAt: toWholeSecond(this.#now()),
    };
    shop.customers.set(id, customer);
    return customer;
  }

  /** The shop's customers, oldest first (live records). */
  customers(domain: string): SandboxCustomer[] {
    return [...this.#shop(domain).customers.values()];
  }

  /**
   * Captures a pending or authorized payment: the order is paid; fires
   * `orders/paid` and `orders/updated`.
   */
  markPaid(domain: string, id: number): ShopEvent[] {
    const order = this.#order(domain, id);
    if (order.paymentStatus === "paid" || order.paymentStatus === "voided") {
      throw new SandboxInputError(`Order ${id} is ${order.paymentStatus}; only a pending payment can be captured`);
    }
    order.paymentStatus = "paid";
    this.#touch(order);
    return [{ topic: "orders/paid", order }, { topic: "orders/updated", order }];
  }

  /** Voids a pending or authorized payment (nothing was captured); fires `orders/updated`. */
  voidPayment(domain: string, id: number): ShopEvent[] {
    const order = this.#order(domain, id);
    if (order.paymentStatus === "paid" || order.paymentStatus === "voided") {
      throw new SandboxInputError(
        `Order ${id} is ${order.paymentStatus}; only a payment not yet captured can be voided`,
      );
    }
    order.paymentStatus = "voided";
    this.#touch(order);
    return [{ topic: "orders/updated", order }];
  }

  /**
   * Gives the order a new risk assessment: fires
   * `orders/risk_assessment_changed` (which does not carry the
   * recommendation, and, as on Shopify, does not move `updated_at`).
   */
  assessRisk(domain: string, id: number, recommendation: RiskRecommendation): ShopEvent[] {
    const order = this.#order(domain, id);
    order.risk = recommendation;
    return [{ topic: "orders/risk_assessment_changed", order }];
  }

  /** Edits an order; fires `orders/updated`. */
  updateOrder(domain: string, id: number, patch: UpdateOrderPatch): ShopEvent[] {
    const order = this.#order(domain, id);
    if (patch.totalPrice !== undefined) {
      const total = this.#money(patch.totalPrice, order.currency);
      if (total < order.totalMinor - currentTotalMinor(order)) {
        throw new SandboxInputError("New total is below the amount refunded");
      }
      order.totalMinor = total;
    }
    if (patch.test !== undefined) order.test = patch.test;
    if (patch.customerId !== undefined) {
      order.customerId = patch.customerId === null ? null : this.#customer(this.#shop(domain), patch.customerId).id;
    }
    if (patch.note !== undefined) order.note = patch.note;
    if (patch.tags !== undefined) order.tags = [...patch.tags];
    this.#touch(order);
    return [{ topic: "orders/updated", order }];
  }

  /**
   * Refunds part or all of what is left of a paid order; fires
   * `refunds/create` and `orders/updated`, as Shopify does. An order whose
   * payment was never taken (pending, authorized, voided) has nothing to
   * refund: Shopify cancels it instead.
   */
  refundOrder(
    domain: string,
    id: number,
    amount: string,
    note: string | null = null,
  ): ShopEvent[] {
    const order = this.#order(domain, id);
    if (order.paymentStatus !== "paid") {
      throw new SandboxInputError(`Order ${id} is not paid (${order.paymentStatus}): there is nothing to refund`);
    }
    const amountMinor = this.#money(amount, order.currency);
    if (amountMinor <= 0 || amountMinor > currentTotalMinor(order)) {
      throw new SandboxInputError(
        `Refund of ${amount} exceeds what is left on order ${id}`,
      );
    }
    const refundId = this.#addRefund(order, amountMinor, note);
    this.#touch(order);
    return [
      { topic: "refunds/create", order, refundId },
      { topic: "orders/updated", order },
    ];
  }

  /**
   * Cancels an order (refunding what is left unless told not to); fires
   * `orders/cancelled`, `refunds/create` when refunding, and `orders/updated`.
   */
  cancelOrder(
    domain: string,
    id: number,
    options: CancelOrderOptions = {},
  ): ShopEvent[] {
    const order = this.#order(domain, id);
    if (order.cancelledAt !== null) {
      throw new SandboxInputError(`Order ${id} is already cancelled`);
    }
    const events: ShopEvent[] = [];
    this.#touch(order);
    order.cancelledAt = order.updatedAt;
    order.cancelReason = options.reason ?? "customer";
    events.push({ topic: "orders/cancelled", order });
    const left = currentTotalMinor(order);
    if ((options.refund ?? true) && left > 0) {
      const refundId = this.#addRefund(order, left, "Order cancelled");
      events.push({ topic: "refunds/create", order, refundId });
    }
    events.push({ topic: "orders/updated", order });
    return events;
  }

  /** The shop's subscriptions, oldest first (live records). */
  subscriptions(domain: string): WebhookSubscription[] {
    return [...this.#shop(domain).subscriptions.values()];
  }

  /**
   * Subscribes `callbackUrl` to `topic`; the same topic and URL again returns
   * the existing subscription.
   */
  subscribe(
    domain: string,
    input: Pick<
      WebhookSubscription,
      "topic" | "callbackUrl" | "apiVersion" | "includeFields" | "metafieldNamespaces"
    >,
  ): WebhookSubscription {
    const shop = this.#shop(domain);
    const existing = [...shop.subscriptions.values()].find((sub) =>
      sub.topic === input.topic && sub.callbackUrl === input.callbackUrl
    );
    if (existing) return existing;
    const now = toWholeSecond(this.#now());
    const subscription: WebhookSubscription = {
      ...input,
      id: this.newId(),
      shop: shop.domain,
      format: "JSON",
      createdAt: now,
      updatedAt: now,
    };
    shop.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  /** Removes a subscription; false when the shop has none with that id. */
  unsubscribe(domain: string, id: number): boolean {
    return this.#shop(domain).subscriptions.delete(id);
  }

  /** Drops every subscription of the shop (as an uninstall does). */
  clearSubscriptions(domain: string): void {
    this.#shop(domain).subscriptions.clear();
  }

  #shop(domain: string): ShopRecord {
    const shop = this.#shops.get(domain.toLowerCase());
    if (!shop) throw new SandboxInputError(`Unknown shop: ${domain}`);
    return shop;
  }

  #customer(shop: ShopRecord, id: number): SandboxCustomer {
    const customer = shop.customers.get(id);
    if (!customer) throw new SandboxInputError(`Unknown customer ${id} on ${shop.domain}`);
    return customer;
  }

  #order(domain: string, id: number): SandboxOrder {
    const order = this.#shop(domain).orders.get(Number(id));
    if (!order) {
      throw new SandboxInputError(`Unknown order ${id} on ${domain}`);
    }
    return order;
  }

  #money(amount: string, currency: string): number {
    try {
      return parseMoney(amount, currency);
    } catch (error) {
      throw new SandboxInputError((error as Error).message);
    }
  }

  #addRefund(order: SandboxOrder, amountMinor: number, note: string | null) {
    const id = this.newId();
    order.refunds.push({
      id,
      createdAt: toWholeSecond(this.#now()),
      amountMinor,
      note,
    });
    return id;
  }

  /** Moves `updatedAt` to now, or one second past its last value if that is later. */
  #touch(order: SandboxOrder): void {
    order.updatedAt = Math.max(
      toWholeSecond(this.#now()),
      order.updatedAt + 1000,
    );
  }
}

function titleFromHandle(handle: string): string {
  return handle.split("-").filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1)).join(" ");
}
