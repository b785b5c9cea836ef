/**
 * The simulated Shopify as one HTTP server: OAuth, the Admin GraphQL API,
 * webhooks to the app, an overview page, and the controls tests and demos use
 * to place orders, uninstall the app and inject faults.
 */
import { Hono } from "hono";
import { registerAdminRoutes } from "./admin_routes.ts";
import { CostBucket, type ThrottleStatus } from "./cost_bucket.ts";
import { createFaults, type ShopifyFaults } from "./faults.ts";
import { formatRestMoney } from "./money.ts";
import {
  currentTotalMinor,
  financialStatus,
  type PrivacyTopic,
  type RiskRecommendation,
  type SandboxCustomer,
  type SandboxOrder,
  type SandboxShop,
  type WebhookSubscription,
  type WebhookTopic,
} from "./model.ts";
import { APP_HANDLE, registerOAuthRoutes } from "./oauth_routes.ts";
import { MerchantSessions, refuseFraming, registerAdminSessionRoute, startAccountsServer } from "./merchant_login.ts";
import { errorPage, overviewPage } from "./pages.ts";
import { restoreShopify, SHOPIFY_STATE_KIND, shopifyStateSchema, snapshotShopify } from "./persistence.ts";
import { orderPayload, refundPayload, riskAssessmentPayload, shopPayload } from "./rest_payloads.ts";
import {
  type CancelOrderOptions,
  type CreateOrderInput,
  type CreateShopInput,
  SandboxInputError,
  type ShopEvent,
  ShopStore,
  type UpdateOrderPatch,
} from "./shop_store.ts";
import { readStateFile, StateFileWriter } from "../state_file.ts";
import { SHOPIFY_TOKEN_LIFETIMES, TokenIssuer, type TokenLifetimes } from "./tokens.ts";
import { type WebhookDelivery, WebhookDispatcher } from "./webhook_dispatcher.ts";

/** How to start the sandbox. */
export interface ShopifySandboxOptions {
  /** The app's client id. */
  apiKey: string;
  /** The app's client secret: signs OAuth redirects and webhooks. */
  apiSecret: string;
  /** Listen address, default `127.0.0.1`. */
  hostname?: string;
  /** Listen port, default 0 (any free port). */
  port?: number;
  /** Where privacy webhooks (and `appWebhookTopics`) go, as set in the app's configuration. */
  appWebhookUrl?: string;
  /** Topics sent to `appWebhookUrl` for every installed shop, like app-level subscriptions. */
  appWebhookTopics?: WebhookTopic[];
  /** The clock, epoch ms; default `Date.now`. Orders, tokens and the cost bucket follow it. */
  now?: () => number;
  /**
   * The app's App URL (`{APP_URL}/shopify`): the admin's app launcher
   * (`/{shop}/admin/apps/cartbrawl`, linked from the overview) sends the
   * merchant there with a signed query, as Shopify does on an install from
   * the admin or the App Store. Without it there is no launcher.
   */
  appUrl?: string;
  /** Name on the install page, default `CartBrawl`. */
  appName?: string;
  /** Skip the install page and approve at once (also settable later). */
  autoApprove?: boolean;
  /** API version on webhooks sent to `appWebhookUrl`, default `2026-07`. */
  apiVersion?: string;
  /** Token lifetimes in seconds; default Shopify's (1 hour, 90 days). */
  tokenLifetimes?: Partial<TokenLifetimes>;
  /**
   * A JSON file that keeps shops, orders, subscriptions, installs and tokens
   * across restarts (see `persistence.ts`). Loaded at start when it exists;
   * a file that is not a valid version-1 Shopify sandbox document makes the
   * start reject with `SandboxStateError` (nothing is overwritten). Saved
   * about 100 ms after each change (temp file + rename) and on `close()`.
   * Without it, everything lives in memory only.
   */
  statePath?: string;
}

/** An order as tests read it: the record plus its amounts as Shopify writes them. */
export type OrderSnapshot = SandboxOrder & {
  /** `gid://shopify/Order/{id}`. */
  gid: string;
  /** REST decimal string, e.g. `"12.50"`. */
  totalPrice: string;
  /** After refunds, REST decimal string. */
  currentTotalPrice: string;
  financialStatus: string;
};

/** A running simulated Shopify. */
export interface ShopifySandbox {
  /** `http://127.0.0.1:{port}`: requests for `https://{shop}/x` go to `${origin}/{shop}/x`. */
  readonly origin: string;
  /** Live fault switches. */
  readonly faults: ShopifyFaults;
  /** Every webhook delivery attempt so far, in order. */
  readonly deliveries: readonly WebhookDelivery[];
  /** The login origin (`http://localhost:{port}`): a browser not logged in to the admin is sent there. */
  readonly accountsOrigin: string;
  /** When true, the authorize URL redirects to the app at once (a signed-in merchant approving at once). */
  autoApprove: boolean;
  /** How many installs merchants approved so far (OAuth round trips completed on Shopify's side). */
  readonly approvals: number;
  /** The admin's app launcher for `shop` (`{origin}/{shop}/admin/apps/cartbrawl`): it sends the merchant to the App URL. */
  appLauncherUrl(shop: string): string;
  /** Creates a shop (or returns the existing one); returns a copy. */
  createShop(input: CreateShopInput): SandboxShop;
  /** Every shop, as copies. */
  shops(): SandboxShop[];
  /** Places an order; sends `orders/create`. */
  createOrder(shop: string, input: CreateOrderInput): OrderSnapshot;
  /** Edits an order; sends `orders/updated`. */
  updateOrder(shop: string, id: number | string, patch: UpdateOrderPatch): OrderSnapshot;
  /** Refunds `amount` (decimal string); sends `refunds/create` and `orders/updated`. */
  refundOrder(shop: string, id: number | string, amount: string, note?: string): OrderSnapshot;
  /** Cancels (refunding the rest by default); sends `orders/cancelled`, `refunds/create`, `orders/updated`. */
  cancelOrder(shop: string, id: number | string, options?: CancelOrderOptions): OrderSnapshot;
  /** Captures a pending or authorized payment; sends `orders/paid` and `orders/updated`. */
  markOrderPaid(shop: string, id: number | string): OrderSnapshot;
  /** Voids a payment not yet captured; sends `orders/updated`. */
  voidOrderPayment(shop: string, id: number | string): OrderSnapshot;
  /** Gives the order Shopify's new risk recommendation; sends `orders/risk_assessment_changed`. */
  assessOrderRisk(shop: string, id: number | string, recommendation: RiskRecommendation): OrderSnapshot;
  /** Adds a customer to the shop (orders name them by `id`); returns a copy. */
  createCustomer(shop: string, input?: { email?: string }): SandboxCustomer;
  /** The shop's customers, oldest first, as copies. */
  customers(shop: string): SandboxCustomer[];
  /** The shop's orders, oldest first, as copies. */
  orders(shop: string): OrderSnapshot[];
  /** The shop's webhook subscriptions, as copies. */
  subscriptions(shop: string): WebhookSubscription[];
  /** Uninstalls the app: sends `app/uninstalled`, then revokes tokens and subscriptions. */
  uninstallApp(shop: string): void;
  /**
   * Sends a mandatory privacy webhook to `appWebhookUrl`; the customer topics
   * name `customerId` (from `createCustomer`) and its orders when given, else
   * a stand-in customer and every order of the shop.
   */
  sendPrivacyWebhook(shop: string, topic: PrivacyTopic, customerId?: number): void;
  /** Resolves when every queued delivery has been attempted. */
  flushWebhooks(): Promise<void>;
  /** Sends held deliveries (newest first by default) and waits for them. */
  releaseHeldWebhooks(order?: "reverse" | "fifo"): Promise<void>;
  /** Retries every delivery whose last attempt failed, and waits. */
  retryFailedWebhooks(): Promise<void>;
  /** The shop's GraphQL cost bucket now. */
  throttleStatus(shop: string): ThrottleStatus;
  /** Sets the shop's bucket level, e.g. 0 to make the next query THROTTLED. */
  setThrottleAvailable(shop: string, points: number): void;
  /** Waits for deliveries, stops the server, then writes any unsaved state to `statePath`. */
  close(): Promise<void>;
}

/** The legacy numeric id from `5000000000001`, `"5000000000001"` or `gid://shopify/Order/5000000000001`. */
function orderId(id: number | string): number {
  return typeof id === "number" ? id : Number(String(id).split("/").pop());
}

/** A detached copy of the shop's public fields. */
function shopView(shop: SandboxShop): SandboxShop {
  const { domain, id, name, currency, email, utcOffsetMinutes, installed, scopes } = shop;
  return { domain, id, name, currency, email, utcOffsetMinutes, installed, scopes: [...scopes] };
}

function snapshot(order: SandboxOrder): OrderSnapshot {
  return {
    ...structuredClone(order),
    gid: `gid://shopify/Order/${order.id}`,
    totalPrice: formatRestMoney(order.totalMinor, order.currency),
    currentTotalPrice: formatRestMoney(currentTotalMinor(order), order.currency),
    financialStatus: financialStatus(order),
  };
}

function privacyPayload(shop: SandboxShop, topic: PrivacyTopic, orderIds: number[], named?: SandboxCustomer) {
  const customer = {
    id: named?.id ?? shop.id + 1,
    email: named?.email ?? `customer@${shop.domain}`,
    phone: null,
  };
  const base = { shop_id: shop.id, shop_domain: shop.domain };
  if (topic === "shop/redact") return base;
  if (topic === "customers/redact") {
    return { ...base, customer, orders_to_redact: orderIds };
  }
  return {
    ...base,
    customer,
    orders_requested: orderIds,
    data_request: { id: shop.id + 2 },
  };
}

/**
 * Starts the simulated Shopify on loopback (any free port unless told).
 *
 * @example
 * const shopify = await startShopifySandbox({ apiKey: "key", apiSecret: "secret" });
 * shopify.createShop({ shop: "demo.myshopify.com", currency: "USD" });
 * await shopify.close();
 */
export async function startShopifySandbox(
  options: ShopifySandboxOptions,
): Promise<ShopifySandbox> {
  const now = options.now ?? Date.now;
  const store = new ShopStore(now);
  const faults = createFaults();
  const tokens = new TokenIssuer(now, {
    ...SHOPIFY_TOKEN_LIFETIMES,
    ...options.tokenLifetimes,
  });
  let persist: StateFileWriter | undefined;
  if (options.statePath !== undefined) {
    const saved = await readStateFile(options.statePath, SHOPIFY_STATE_KIND, shopifyStateSchema);
    if (saved) restoreShopify(store, tokens, saved);
    persist = new StateFileWriter({
      path: options.statePath,
      kind: SHOPIFY_STATE_KIND,
      snapshot: () => snapshotShopify(store, tokens),
      lastWritten: saved,
    });
    // Writes a fresh file at once, so a path that cannot be written fails the start.
    await persist.flush();
  }
  /** Notes a possible change of durable state (saved shortly after, if it did change). */
  const changed = () => persist?.schedule();
  const bucket = new CostBucket(now);
  const dispatcher = new WebhookDispatcher(options.apiSecret, faults, now);
  const appApiVersion = options.apiVersion ?? "2026-07";
  const appTopics = new Set(options.appWebhookTopics ?? []);

  const send = (shop: SandboxShop, topic: WebhookTopic, payload: unknown) => {
    const eventId = crypto.randomUUID();
    const targets = new Map<string, string>();
    for (const sub of store.subscriptions(shop.domain)) {
      if (sub.topic === topic && !targets.has(sub.callbackUrl)) {
        targets.set(sub.callbackUrl, sub.apiVersion);
      }
    }
    if (options.appWebhookUrl && appTopics.has(topic) && shop.installed) {
      if (!targets.has(options.appWebhookUrl)) {
        targets.set(options.appWebhookUrl, appApiVersion);
      }
    }
    for (const [url, apiVersion] of targets) {
      dispatcher.dispatch({ shop: shop.domain, topic, url, apiVersion, eventId, payload });
    }
  };
  const payloadOf = (event: ShopEvent, shop: SandboxShop) => {
    if (event.topic === "refunds/create") return refundPayload(event.order, event.refundId, shop);
    if (event.topic === "orders/risk_assessment_changed") return riskAssessmentPayload(event.order, shop, now());
    const customer = store.customers(shop.domain).find((candidate) => candidate.id === event.order.customerId);
    return orderPayload(event.order, shop, customer);
  };
  const publish = (events: ShopEvent[]) => {
    changed();
    for (const event of events) {
      const shop = store.findShop(event.order.shop)!;
      send(shop, event.topic, payloadOf(event, shop));
    }
    return snapshot(events[0].order);
  };
  const requireShop = (domain: string) => {
    const shop = store.findShop(domain);
    if (!shop) throw new SandboxInputError(`Unknown shop: ${domain}`);
    return shop;
  };

  const sandbox = {
    autoApprove: options.autoApprove ?? false,
    approvals: 0,
  } as { autoApprove: boolean; approvals: number };
  const hostname = options.hostname ?? "127.0.0.1";
  const sessions = new MerchantSessions();
  let adminOrigin = "";
  const accounts = startAccountsServer({
    hostname,
    adminOrigin: () => adminOrigin,
    sessions,
    emailOf: (shop) => store.findShop(shop)?.email,
  });
  const app = new Hono();
  app.use(refuseFraming);
  // Any request may change durable state (installs, tokens, subscriptions, orders).
  app.use(async (_c, next) => {
    try {
      await next();
    } finally {
      changed();
    }
  });
  registerOAuthRoutes(app, {
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    appName: options.appName ?? "CartBrawl",
    store,
    tokens,
    faults,
    autoApprove: () => sandbox.autoApprove,
    sessions,
    accountsOrigin: () => accounts.origin,
    appUrl: options.appUrl,
    onApproval: () => sandbox.approvals++,
  });
  registerAdminSessionRoute(app, sessions);
  registerAdminRoutes(app, { store, tokens, bucket, faults, now });
  app.get("/", (c) => {
    // One shop's orders when a shop is chosen, so your own do not scroll away among the demo stores'.
    const shop = store.shops().find((candidate) => candidate.domain === c.req.query("shop"))?.domain;
    return c.html(overviewPage({
      shops: store.shops(),
      shop,
      appLauncher: options.appUrl ? (domain) => `/${domain}/admin/apps/${APP_HANDLE}` : undefined,
      orders: (shop ? store.orders(shop) : store.shops().flatMap((candidate) => store.orders(candidate.domain)))
        .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id).slice(0, shop ? 100 : 25),
      deliveries: dispatcher.deliveries.filter((delivery) => !shop || delivery.shop === shop).slice(-25).reverse(),
    }));
  });
  app.post("/_sandbox/orders", async (c) => {
    const form = await c.req.parseBody();
    publish(store.createOrder(String(form.shop), {
      totalPrice: String(form.totalPrice),
      test: form.test !== undefined,
    }));
    return c.redirect(`/?${new URLSearchParams({ shop: String(form.shop) })}`, 303);
  });
  // The merchant refunds part or all of an order from the overview: the same `refunds/create` and `orders/updated`.
  app.post("/_sandbox/orders/refund", async (c) => {
    const form = await c.req.parseBody();
    publish(store.refundOrder(String(form.shop), orderId(String(form.id)), String(form.amount ?? "").trim()));
    return c.redirect(`/?${new URLSearchParams({ shop: String(form.shop) })}`, 303);
  });
  app.post("/_sandbox/orders/cancel", async (c) => {
    const form = await c.req.parseBody();
    publish(store.cancelOrder(String(form.shop), orderId(String(form.id))));
    return c.redirect(`/?${new URLSearchParams({ shop: String(form.shop) })}`, 303);
  });
  app.onError((error, c) => {
    if (error instanceof SandboxInputError) {
      return c.html(errorPage("Sandbox input error", error.message), 400);
    }
    console.error("shopify sandbox:", error);
    return c.json({ errors: "Internal Server Error" }, 500);
  });

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname, port: options.port ?? 0, onListen: () => {} }, app.fetch);
  } catch (error) {
    await accounts.close();
    throw error;
  }
  const address = server.addr;
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  adminOrigin = `http://${host}:${address.port}`;

  return Object.assign(sandbox, {
    origin: adminOrigin,
    accountsOrigin: accounts.origin,
    appLauncherUrl: (shop: string) => `${adminOrigin}/${shop}/admin/apps/${APP_HANDLE}`,
    faults,
    deliveries: dispatcher.deliveries,
    createShop: (input: CreateShopInput) => {
      const shop = store.createShop(input);
      changed();
      return shopView(shop);
    },
    shops: () => store.shops().map(shopView),
    createOrder: (shop: string, input: CreateOrderInput) => publish(store.createOrder(shop, input)),
    updateOrder: (shop: string, id: number | string, patch: UpdateOrderPatch) =>
      publish(store.updateOrder(shop, orderId(id), patch)),
    refundOrder: (shop: string, id: number | string, amount: string, note?: string) =>
      publish(store.refundOrder(shop, orderId(id), amount, note)),
    cancelOrder: (shop: string, id: number | string, cancel?: CancelOrderOptions) =>
      publish(store.cancelOrder(shop, orderId(id), cancel)),
    markOrderPaid: (shop: string, id: number | string) => publish(store.markPaid(shop, orderId(id))),
    voidOrderPayment: (shop: string, id: number | string) => publish(store.voidPayment(shop, orderId(id))),
    assessOrderRisk: (shop: string, id: number | string, recommendation: RiskRecommendation) =>
      publish(store.assessRisk(shop, orderId(id), recommendation)),
    createCustomer: (shop: string, input?: { email?: string }) => {
      const customer = store.createCustomer(shop, input);
      changed();
      return structuredClone(customer);
    },
    customers: (shop: string) => structuredClone(store.customers(shop)),
    orders: (shop: string) => store.orders(shop).map(snapshot),
    subscriptions: (shop: string) => store.subscriptions(shop).map((sub) => structuredClone(sub)),
    uninstallApp: (domain: string) => {
      const shop = requireShop(domain);
      if (!shop.installed) return;
      send(shop, "app/uninstalled", shopPayload(shop));
      tokens.revokeShop(shop.domain);
      store.clearSubscriptions(shop.domain);
      shop.installed = false;
      shop.scopes = [];
      changed();
    },
    sendPrivacyWebhook: (domain: string, topic: PrivacyTopic, customerId?: number) => {
      const shop = requireShop(domain);
      const named = store.customers(shop.domain).find((customer) => customer.id === customerId);
      if (customerId !== undefined && !named) throw new SandboxInputError(`Unknown customer ${customerId}`);
      if (!options.appWebhookUrl) {
        throw new SandboxInputError("Privacy webhooks need appWebhookUrl");
      }
      dispatcher.dispatch({
        shop: shop.domain,
        topic,
        url: options.appWebhookUrl,
        apiVersion: appApiVersion,
        eventId: crypto.randomUUID(),
        payload: privacyPayload(
          shop,
          topic,
          store.orders(shop.domain).filter((order) => !named || order.customerId === named.id).map((order) => order.id),
          named,
        ),
      });
    },
    flushWebhooks: () => dispatcher.flush(),
    releaseHeldWebhooks: (order?: "reverse" | "fifo") => dispatcher.releaseHeld(order),
    retryFailedWebhooks: () => dispatcher.retryFailed(),
    throttleStatus: (shop: string) => bucket.status(requireShop(shop).domain),
    setThrottleAvailable: (shop: string, points: number) => bucket.setAvailable(requireShop(shop).domain, points),
    close: async () => {
      await dispatcher.flush();
      await server.shutdown();
      await accounts.close();
      await persist?.close();
    },
  });
}
