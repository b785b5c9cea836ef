/**
 * The simulated Whop, served over HTTP on loopback: the REST API the
 * official SDK calls (`/api/v1`), hosted checkout pages, OAuth sign-in,
 * user-token keys and signed webhooks, with balances that really move.
 */
import type Whop from "@whop/sdk";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { readStateFile, SandboxStateError, StateFileWriter } from "../state_file.ts";
import { createUserTokenSigner } from "../user_tokens.ts";
import { apiRoutes } from "./api_routes.ts";
import { paymentJson } from "./api_shapes.ts";
import { checkoutRoutes } from "./checkout_routes.ts";
import { DEFAULT_DEMO_USERS, type DemoUser } from "./demo_users.ts";
import { WhopApiError } from "./errors.ts";
import { WhopFaults } from "./faults.ts";
import { ContractLog } from "./contracts/contract.ts";
import { toMajor, toMinor, type WhopFees } from "./money.ts";
import { OAuthGrants } from "./oauth_grants.ts";
import { oauthRoutes } from "./oauth_routes.ts";
import { overviewRoutes } from "./overview_page.ts";
import { restoreWhop, snapshotWhop, WHOP_STATE_KIND, whopStateSchema } from "./persistence.ts";
import type {
  CheckoutConfigurationRecord,
  NotificationRecord,
  PaymentRecord,
  RefundRecord,
  RefundStatus,
  TransferAttempt,
  TransferRecord,
} from "./records.ts";
import { type SendWebhookOptions, type WebhookDelivery, WebhookSender } from "./webhook_sender.ts";
import { type CompanyOwner, type SandboxCompany, WhopState } from "./whop_state.ts";
import { ALL_PERMISSIONS } from "./permissions.ts";
import type { Experiences } from "./experiences.ts";
import { experienceRoutes, startAppProxy } from "./app_proxy.ts";

/** Whop's published card pricing (docs.whop.com/fees): 2.7 % + 0.30; the app's `WHOP_FEE_*` defaults match. */
export const DEFAULT_WHOP_FEES: WhopFees = { percent: "2.7", fixed: "0.30" };

/** The company's owner unless told otherwise: not a demo user, so nobody signs in as them. */
export const DEFAULT_COMPANY_OWNER: CompanyOwner = {
  id: "user_SandboxOwner",
  name: "Sandbox Owner",
  username: "sandbox-owner",
};

/** How long the sandbox holds a payment's funds as pending (Whop: 1–7 days; here short enough for a demo). */
export const DEFAULT_HOLD_MS = 30_000;

/** How to start the simulated Whop (the same values the app gets as settings). */
export interface WhopSandboxOptions {
  /** `WHOP_API_KEY`: the bearer token `/api/v1` accepts. */
  apiKey: string;
  /** `WHOP_APP_ID`: the audience of user tokens. */
  appId: string;
  /** `WHOP_COMPANY_ID`: the company whose ledger holds prizes. */
  companyId: string;
  /** `WHOP_CLIENT_ID` of the OAuth client. */
  clientId: string;
  /** `WHOP_CLIENT_SECRET` of the OAuth client. */
  clientSecret: string;
  /** `WHOP_WEBHOOK_SECRET`: webhooks are signed with its bytes. */
  webhookSecret: string;
  /** The app's webhook endpoint; events are only recorded until one is set. */
  webhookUrl?: string;
  /** The app's origin, which the simulated Whop iframe (`/experiences/:id`) proxies to with user tokens. */
  appUrl?: string;
  /** Listen address, default `127.0.0.1`. */
  hostname?: string;
  /** Listen port, default 0 (any free port). */
  port?: number;
  /** The checkout pages' port, default 0 (any free port). */
  checkoutPort?: number;
  /** Demo users, default {@link DEFAULT_DEMO_USERS}. */
  users?: readonly DemoUser[];
  /** Opening company balances in decimal API units, e.g. `{ usd: 100 }`. */
  companyBalances?: Record<string, number>;
  /** Company display name, default `CartBrawl Sandbox`. */
  companyTitle?: string;
  /** The fee deducted from each payment, default {@link DEFAULT_WHOP_FEES}. */
  fees?: WhopFees;
  /** How long a payment's net amount is pending before it can be transferred, default {@link DEFAULT_HOLD_MS}. */
  holdMs?: number;
  /** Users on the company's team: the only ones `company_id` notifications reach (default none). */
  teamUserIds?: readonly string[];
  /** Who owns the company (`companies.retrieve`), default {@link DEFAULT_COMPANY_OWNER}. */
  companyOwner?: CompanyOwner;
  /**
   * The permissions `apiKey` holds (`permissions.ts`), default every one the
   * simulated endpoints require; a call needing another is refused with 403.
   */
  apiKeyPermissions?: readonly string[];
  /** Clock for record timestamps, holds, code and token expiry; default `Date.now`. */
  now?: () => number;
  /**
   * A JSON file that keeps users, balances, checkouts, payments, refunds,
   * transfers, notifications, OAuth tokens and the user-token signing key
   * across restarts (see `persistence.ts`). Loaded at start when it exists,
   * and then the saved balances win: `companyBalances` and the users' opening
   * balances only seed a fresh file (a user in `users` but not in the file is
   * added with its opening balances). A file that is not a valid version-1
   * Whop sandbox document, or belongs to another `companyId`, makes the start
   * reject with `SandboxStateError` (nothing is overwritten). Saved about
   * 100 ms after each change (temp file + rename) and on `close()`. Without
   * it, everything lives in memory only.
   */
  statePath?: string;
}

/** Simulate a buyer paying a checkout configuration. */
export interface PayOptions {
  /** The paying demo user. */
  userId: string;
  /** Decimal amount paid; defaults to the plan price (pass less to underpay). */
  amount?: number;
  /** Currency paid; defaults to the plan's. */
  currency?: string;
}

/** A running simulated Whop and everything it has recorded. */
export interface WhopSandbox {
  /** `http://127.0.0.1:{port}`: use as `WHOP_ORIGIN`. */
  readonly origin: string;
  /** Where the hosted checkout pages are (`purchase_url`s): another origin than the API's, as whop.com is. */
  readonly checkoutOrigin: string;
  /** `${origin}/api/v1`: the SDK's `baseURL`. */
  readonly apiBaseUrl: string;
  /** `${origin}/.well-known/jwks.json`: user-token keys. */
  readonly jwksUrl: string;
  /** The demo users (with `statePath`, those saved plus any new ones from `users`). */
  readonly users: readonly DemoUser[];
  /** The company (`companyId`). */
  readonly company: SandboxCompany;
  /** Checkout configurations created, oldest first. */
  readonly checkoutConfigurations: readonly CheckoutConfigurationRecord[];
  /** Payments made, oldest first. */
  readonly payments: readonly PaymentRecord[];
  /** Refunds made, oldest first. */
  readonly refunds: readonly RefundRecord[];
  /** Transfers that moved money, oldest first (idempotent repeats excluded). */
  readonly transfers: readonly TransferRecord[];
  /** Every `POST /transfers` received, repeats and failures included. */
  readonly transferAttempts: readonly TransferAttempt[];
  /** Notifications received, oldest first. */
  readonly notifications: readonly NotificationRecord[];
  /** Webhooks sent or attempted, oldest first. */
  readonly webhookDeliveries: readonly WebhookDelivery[];
  /** Injected failures, settable at any time. */
  readonly faults: WhopFaults;
  /** Experiences (communities), their members and admins, and the access checks answered. */
  readonly experiences: Experiences;
  /** The simulated Whop apps domain: the origin of the experience iframe, which adds user tokens. */
  readonly appProxyOrigin: string;
  /** Requests checked against Whop's published schemas (`@whop/mcp` 0.0.6), and those refused. */
  readonly contract: ContractLog;
  /** The permissions the API key holds; delete one to see the app refused as Whop would refuse it (403). */
  readonly apiKeyPermissions: Set<string>;
  /** A user token (`x-whop-user-token`) for `userId`, signed with the served JWKS. */
  signUserToken(
    userId: string,
    options?: { ttlSeconds?: number; audience?: string },
  ): Promise<string>;
  /** Points webhooks at the app (undefined: record only). */
  setWebhookUrl(url: string | undefined): void;
  /** Pays a checkout configuration and awaits delivery of `payment.succeeded`. */
  pay(checkoutConfigurationId: string, options: PayOptions): Promise<PaymentRecord>;
  /** The `payment.succeeded` `data` object of a recorded payment. */
  paymentData(paymentId: string): Whop.Payment;
  /** Signs and sends any event; options forge the signature or timestamp. */
  sendWebhook(
    type: string,
    data: unknown,
    options?: SendWebhookOptions,
  ): Promise<WebhookDelivery>;
  /** Waits for every webhook in flight. */
  flushWebhooks(): Promise<void>;
  /** A user's or the company's available balance, decimal. */
  balance(ownerId: string, currency: string): number;
  /** A user's or the company's pending (held) balance, decimal. */
  pendingBalance(ownerId: string, currency: string): number;
  /** Settles a refund left pending (`faults.refundOutcome("pending")`). */
  setRefundStatus(refundId: string, status: Exclude<RefundStatus, "pending">): void;
  /** Sets a user's or the company's balance, decimal. */
  setBalance(ownerId: string, currency: string, amount: number): void;
  /** Stops the server after in-flight webhooks finish, then writes any unsaved state to `statePath`. */
  close(): Promise<void>;
}

/** Starts the simulated Whop on loopback and resolves once it listens. */
export async function startWhopSandbox(
  options: WhopSandboxOptions,
): Promise<WhopSandbox> {
  const now = options.now ?? Date.now;
  const hostname = options.hostname ?? "127.0.0.1";
  const saved = options.statePath === undefined
    ? undefined
    : await readStateFile(options.statePath, WHOP_STATE_KIND, whopStateSchema);
  if (options.statePath !== undefined && saved && saved.whop.company.id !== options.companyId) {
    throw new SandboxStateError(
      options.statePath,
      `belongs to company ${saved.whop.company.id}, not ${options.companyId}`,
    );
  }
  const optionUsers = options.users ?? DEFAULT_DEMO_USERS;
  const state = new WhopState({
    company: {
      id: options.companyId,
      title: options.companyTitle ?? "CartBrawl Sandbox",
      route: "cartbrawl-sandbox",
    },
    companyOwner: options.companyOwner ?? DEFAULT_COMPANY_OWNER,
    users: optionUsers,
    now,
    fees: options.fees ?? DEFAULT_WHOP_FEES,
    holdMs: options.holdMs ?? DEFAULT_HOLD_MS,
    teamUserIds: options.teamUserIds,
  });
  const grants = new OAuthGrants(now);
  if (saved) {
    restoreWhop(state, grants, saved);
    for (const user of optionUsers) {
      if (!state.users.has(user.id)) state.addUser(user);
    }
  } else {
    for (
      const [currency, amount] of Object.entries(options.companyBalances ?? {})
    ) {
      state.ledger.set(options.companyId, currency, toMinor(amount, currency));
    }
  }
  const users: readonly DemoUser[] = saved ? [...state.users.values()] : optionUsers;
  const webhooks = new WebhookSender({
    secret: options.webhookSecret,
    companyId: options.companyId,
    now,
    url: options.webhookUrl,
  });
  const faults = new WhopFaults();
  const contract = new ContractLog();
  const apiKeyPermissions = new Set(options.apiKeyPermissions ?? ALL_PERMISSIONS);
  const signer = await createUserTokenSigner(options.appId, saved?.signingKey);
  let persist: StateFileWriter | undefined;
  if (options.statePath !== undefined) {
    persist = new StateFileWriter({
      path: options.statePath,
      kind: WHOP_STATE_KIND,
      snapshot: () => snapshotWhop(state, grants, signer.signingKey),
      lastWritten: saved,
    });
    // Writes at once (a fresh file keeps the new signing key), so a path that cannot be written fails the start.
    await persist.flush();
  }
  /** Notes a possible change of durable state (saved shortly after, if it did change). */
  const changed = () => persist?.schedule();
  let origin = "";
  let checkoutOrigin = "";

  async function pay(
    checkoutConfigurationId: string,
    input: PayOptions,
  ): Promise<PaymentRecord> {
    const payment = state.pay(checkoutConfigurationId, input);
    changed();
    await webhooks.send("payment.succeeded", paymentJson(state, payment));
    return payment;
  }

  const app = new Hono();
  // Any request may change durable state (ledger account ids are even created by reads).
  app.use(async (_c, next) => {
    try {
      await next();
    } finally {
      changed();
    }
  });
  app.onError((error, c) => {
    const apiError = error instanceof WhopApiError ? error : new WhopApiError(500, "api_error", String(error));
    return c.json(apiError.toJSON(), apiError.status as 400);
  });
  app.get("/.well-known/jwks.json", (c) => c.json(signer.jwks, 200, { "cache-control": "public, max-age=300" }));
  app.route(
    "/api/v1",
    apiRoutes({
      state,
      faults,
      grants,
      webhooks,
      contract,
      apiKey: options.apiKey,
      apiKeyPermissions,
      checkoutOrigin: () => checkoutOrigin,
    }),
  );
  app.route(
    "/",
    oauthRoutes({
      state,
      grants,
      client: { clientId: options.clientId, clientSecret: options.clientSecret },
      origin: () => origin,
    }),
  );
  app.route("/", overviewRoutes(state, webhooks));
  const appProxy = startAppProxy({ appUrl: () => options.appUrl, sign: (userId) => signer.sign(userId), hostname });
  app.route("/", experienceRoutes(state, () => appProxy.origin));

  // The checkout pages on an origin of their own, as Whop's are on whop.com and its API on api.whop.com
  // (paying saves the state itself: `pay` above).
  const checkoutApp = new Hono();
  checkoutApp.onError((error, c) =>
    c.text(error.message, (error instanceof WhopApiError ? error.status : 500) as ContentfulStatusCode)
  );
  checkoutApp.route("/", checkoutRoutes(state, pay));

  const abort = new AbortController();
  let server: Deno.HttpServer<Deno.NetAddr>;
  let checkoutServer: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname, port: options.port ?? 0, signal: abort.signal, onListen() {} }, app.fetch);
    checkoutServer = Deno.serve(
      { hostname, port: options.checkoutPort ?? 0, signal: abort.signal, onListen() {} },
      checkoutApp.fetch,
    );
  } catch (error) {
    // A port in use: nothing of this start keeps listening (the caller may try other ports).
    abort.abort();
    await appProxy.close();
    throw error;
  }
  origin = `http://${hostname}:${server.addr.port}`;
  checkoutOrigin = `http://${hostname}:${checkoutServer.addr.port}`;

  return {
    origin,
    checkoutOrigin,
    apiBaseUrl: `${origin}/api/v1`,
    jwksUrl: `${origin}/.well-known/jwks.json`,
    users,
    company: state.company,
    checkoutConfigurations: state.checkoutConfigurations,
    payments: state.payments,
    refunds: state.refunds,
    transfers: state.transfers,
    transferAttempts: state.transferAttempts,
    notifications: state.notifications,
    webhookDeliveries: webhooks.deliveries,
    faults,
    experiences: state.experiences,
    appProxyOrigin: appProxy.origin,
    contract,
    apiKeyPermissions,
    signUserToken: (userId, tokenOptions) => signer.sign(userId, tokenOptions),
    setWebhookUrl(url) {
      webhooks.url = url;
    },
    pay,
    paymentData: (paymentId) => paymentJson(state, state.requirePayment(paymentId)),
    sendWebhook: (type, data, sendOptions) => webhooks.send(type, data, sendOptions),
    flushWebhooks: () => webhooks.flush(),
    balance: (ownerId, currency) => toMajor(state.ledger.balance(ownerId, currency), currency),
    pendingBalance: (ownerId, currency) => toMajor(state.ledger.pending(ownerId, currency), currency),
    setRefundStatus(refundId, status) {
      state.setRefundStatus(refundId, status);
      changed();
    },
    setBalance(ownerId, currency, amount) {
      state.ledger.set(ownerId, currency, toMinor(amount, currency));
      changed();
    },
    async close() {
      await webhooks.flush();
      abort.abort();
      await server.finished;
      await checkoutServer.finished;
      await appProxy.close();
      await persist?.close();
    },
  };
}
