/**
 * The Shopify side of CartBrawl, assembled: the library (with the
 * `SHOPIFY_ORIGIN` rewrite), encrypted connections with token refresh, the
 * Admin GraphQL client with its pacing and retries, joining, webhooks, and
 * the backfill and sync of orders.
 *
 * @example
 * const shopify = createShopifyServices({ kv, config, now: Date.now });
 * const lifecycle: LifecycleServices = { kv, now, syncParticipant: shopify.syncParticipant, ... };
 * registerShopifyJobs(worker, shopify); // the "backfill" and "order_risk" queue messages
 */
import { type EncryptionSettings, resolveEncryptionKey } from "../core/crypto.ts";
import { log } from "../core/log.ts";
import { getParticipant, type Participant } from "../competitions/participants.ts";
import { enqueue, type QueueWorker } from "../core/queue.ts";
import type { NotificationSender } from "../competitions/notifications.ts";
import { AdminClient } from "./admin.ts";
import { WEBHOOK_SUBSCRIPTION_MUTATION, webhookSubscriptionVariables } from "./admin_documents.ts";
import { ConnectionStore } from "./connections.ts";
import { createShopifyLibrary, type ShopifyLibrary, type ShopifySettings, WEBHOOK_PATH } from "./library.ts";
import type { JoinDeps } from "./join.ts";
import { realSleep, type Sleep } from "./retry.ts";
import { runOrderSync, type SyncRun } from "./sync.ts";
import { readOrderRisk } from "./risk.ts";
import { SUBSCRIBED_TOPICS, type WebhookDeps } from "./webhooks.ts";

declare module "../core/queue.ts" {
  interface QueueMessages {
    /** Fetch every order of a new participant's window so far (`lib/shopify/`). */
    backfill: { participantId: string };
  }
}

/** What the Shopify services are built from. */
export interface ShopifyServicesDeps {
  kv: Deno.Kv;
  config: ShopifySettings & EncryptionSettings;
  now: () => number;
  /** Waits between retries and for the cost bucket; tests pass one that moves their clock. */
  sleep?: Sleep;
  /** Orders per GraphQL page (default `MAX_PAGE_SIZE` in `sync.ts`: 199). */
  pageSize?: number;
  /**
   * Starts a backfill. Default: a `backfill` message on the KV queue (run by
   * the worker `registerShopifyJobs` sets up).
   */
  startBackfill?: (participantId: string) => Promise<void>;
  /** Delivers notifications outside the app (Whop): the creator's "a store joined". */
  sendNotification?: NotificationSender;
}

/** Everything the routes, the queue worker and the lifecycle need from Shopify. */
export interface ShopifyServices extends JoinDeps, WebhookDeps {
  /** `LifecycleServices.syncParticipant`: orders updated since the cursor; throws after marking `failed`. */
  syncParticipant(participant: Participant): Promise<void>;
  /** The join backfill (also what the `backfill` queue message runs); subscribes webhooks first if needed. */
  backfillParticipant(participantId: string): Promise<SyncRun>;
  /** Reads an order's risk recommendation and records it (what the `order_risk` queue message runs). */
  readOrderRisk(shop: string, orderId: string): Promise<number>;
}

/**
 * Builds the Shopify services. The encryption key is resolved on first use
 * (in sandbox mode it lives in KV).
 */
export function createShopifyServices(deps: ShopifyServicesDeps): ShopifyServices {
  const { kv, config, now } = deps;
  const sleep = deps.sleep ?? realSleep;
  const library: ShopifyLibrary = createShopifyLibrary(config);
  let key: Promise<CryptoKey> | undefined;
  const resolveKey = () => {
    key ??= resolveEncryptionKey(kv, config).catch((error) => {
      key = undefined;
      throw error;
    });
    return key;
  };
  const connections = new ConnectionStore({ kv, now, library, key: resolveKey, sleep });
  const admin = new AdminClient({ library, connections, sleep, now });
  const webhookUrl = `${config.appUrl}${WEBHOOK_PATH}`;

  const ensureWebhooks = async (shop: string) => {
    for (const topic of SUBSCRIBED_TOPICS) {
      const data = await admin.query<
        { webhookSubscriptionCreate: { userErrors: { field?: string[]; message: string }[] } }
      >(
        shop,
        WEBHOOK_SUBSCRIPTION_MUTATION,
        webhookSubscriptionVariables(topic, webhookUrl),
      );
      const errors = data.webhookSubscriptionCreate.userErrors.filter((e) => !/already been taken/i.test(e.message));
      if (errors.length) throw new Error(`Shopify refused the ${topic} webhook: ${errors[0].message}`);
    }
    await connections.markWebhooks(shop, webhookUrl, SUBSCRIBED_TOPICS);
    log("info", "shopify webhooks subscribed", { shop, url: webhookUrl });
  };

  /**
   * Subscribes a connected store's webhooks when they are missing, deliver
   * to another address than the app's now (`APP_URL` changed) or miss a
   * topic the app now subscribes to. A failure is logged: the order sync
   * that follows heals what the webhooks miss.
   */
  const followWebhooks = async (participant: Participant) => {
    if (participant.connection !== "connected") return;
    const connection = await connections.get(participant.shop);
    const topics = new Set(connection?.webhookTopics ?? []);
    const current = connection?.webhooksUrl === webhookUrl && SUBSCRIBED_TOPICS.every((topic) => topics.has(topic));
    if (!connection || current) return;
    try {
      await ensureWebhooks(participant.shop);
    } catch (error) {
      log("warn", "shopify webhook subscription failed", { shop: participant.shop, error });
    }
  };

  const syncDeps = { kv, now, admin, pageSize: deps.pageSize };
  const services: ShopifyServices = {
    kv,
    now,
    library,
    connections,
    admin,
    ensureWebhooks,
    startBackfill: deps.startBackfill ?? ((participantId) => enqueue(kv, { type: "backfill", participantId })),
    sendNotification: deps.sendNotification,
    async syncParticipant(participant) {
      await followWebhooks(participant);
      await runOrderSync(syncDeps, participant.id, "sync");
    },
    async backfillParticipant(participantId) {
      await followWebhooks(await getParticipant(kv, participantId));
      return runOrderSync(syncDeps, participantId, "backfill");
    },
    readOrderRisk: (shop, orderId) => readOrderRisk({ kv, now, admin }, shop, orderId),
  };
  return services;
}

/**
 * Registers the `backfill` handler on the process's queue worker. A failed
 * backfill is marked `failed` on the participant and thrown, so the queue
 * redelivers it; the sync job heals whatever is left.
 *
 * @example
 * const worker = new QueueWorker(kv);
 * registerShopifyJobs(worker, shopify);
 * worker.listen();
 */
export function registerShopifyJobs(
  worker: QueueWorker,
  services: Pick<ShopifyServices, "backfillParticipant" | "readOrderRisk">,
): void {
  worker.on("backfill", async (message) => {
    await services.backfillParticipant(message.participantId);
  });
  worker.on("order_risk", async (message) => {
    await services.readOrderRisk(message.shop, message.orderId);
  });
}

export { CALLBACK_PATH, rewriteShopUrl, SANDBOX_APP, WEBHOOK_PATH } from "./library.ts";
export { normalizeShopDomain } from "./shop_domain.ts";
export { beginJoin, checkJoin, joinConnectedStore, type JoinDeps, JoinRefused } from "./join.ts";
export { issueJoinTicket, readJoinTicket, redeemJoinTicket, TicketGone } from "./join_tickets.ts";
export { beginInstall, CLAIM_TTL_MS, claimCookieName, claimStore, InstallLinkRefused } from "./install.ts";
export { type CallbackOutcome, completeShopifyOAuth } from "./callback.ts";
export { type OAuthStart, readOAuthState, type ShopifyOAuthState } from "./oauth.ts";
export { MAX_WEBHOOK_BYTES, processWebhook, verifyWebhookHmac } from "./webhooks.ts";
export type { ShopConnection } from "./connections.ts";
export type { Sleep } from "./retry.ts";
