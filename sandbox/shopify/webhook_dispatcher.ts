/**
 * Sends webhooks as Shopify does (signed JSON POSTs with Shopify's headers),
 * one at a time in order, logging every attempt, and applying the webhook
 * faults: drop, duplicate, hold (for release in any order).
 */
import type { ShopifyFaults } from "./faults.ts";
import { signBody } from "./hmac.ts";

/** One attempt to deliver one webhook; its status moves as the attempt proceeds. */
export interface WebhookDelivery {
  /** Position in the log, from 1. */
  seq: number;
  /** `X-Shopify-Webhook-Id`: the same for a duplicate or a retry of this delivery. */
  webhookId: string;
  /** `X-Shopify-Event-Id`: the same for every delivery of one event. */
  eventId: string;
  topic: string;
  shop: string;
  url: string;
  apiVersion: string;
  /** The exact body sent (and signed). */
  body: string;
  /** `X-Shopify-Triggered-At`. */
  triggeredAt: string;
  /** 1 for the first attempt, 2 and up for retries. */
  attempt: number;
  /** True for the extra copy sent by the duplicate fault. */
  duplicate: boolean;
  status: "queued" | "held" | "dropped" | "delivered" | "failed";
  /** The app's HTTP status, once answered. */
  responseStatus: number | null;
  /** Network error or timeout, if any. */
  error: string | null;
}

/** An event to deliver to one URL. */
export interface WebhookMessage {
  shop: string;
  topic: string;
  url: string;
  apiVersion: string;
  eventId: string;
  payload: unknown;
}

const DELIVERY_TIMEOUT_MS = 5_000;

/** The delivery queue and its log. */
export class WebhookDispatcher {
  /** Every attempt, in the order it was queued. */
  readonly deliveries: WebhookDelivery[] = [];
  #held: WebhookDelivery[] = [];
  #tail: Promise<void> = Promise.resolve();
  #apiSecret: string;
  #faults: ShopifyFaults;
  #now: () => number;

  constructor(apiSecret: string, faults: ShopifyFaults, now: () => number) {
    this.#apiSecret = apiSecret;
    this.#faults = faults;
    this.#now = now;
  }

  /** Queues a message (or drops or holds it, as the faults say). */
  dispatch(message: WebhookMessage): void {
    const delivery = this.#log({
      webhookId: crypto.randomUUID(),
      eventId: message.eventId,
      topic: message.topic,
      shop: message.shop,
      url: message.url,
      apiVersion: message.apiVersion,
      body: JSON.stringify(message.payload),
      triggeredAt: new Date(this.#now()).toISOString(),
      attempt: 1,
      duplicate: false,
    });
    if (this.#faults.dropWebhooks > 0) {
      this.#faults.dropWebhooks--;
      delivery.status = "dropped";
      return;
    }
    const copies = [delivery];
    if (this.#faults.duplicateWebhooks > 0) {
      this.#faults.duplicateWebhooks--;
      copies.push(this.#log({ ...delivery, duplicate: true }));
    }
    for (const copy of copies) {
      if (this.#faults.holdWebhooks) {
        copy.status = "held";
        this.#held.push(copy);
      } else {
        this.#enqueue(copy);
      }
    }
  }

  /** Sends the held deliveries, newest first by default, and waits for them. */
  releaseHeld(order: "reverse" | "fifo" = "reverse"): Promise<void> {
    const held = this.#held.splice(0);
    if (order === "reverse") held.reverse();
    for (const delivery of held) this.#enqueue(delivery);
    return this.flush();
  }

  /**
   * Attempts again every delivery whose latest attempt failed (same webhook
   * id, next attempt number), and waits for them.
   */
  retryFailed(): Promise<void> {
    const latest = new Map<string, WebhookDelivery>();
    for (const delivery of this.deliveries) {
      if (!delivery.duplicate) latest.set(delivery.webhookId, delivery);
    }
    for (const delivery of latest.values()) {
      if (delivery.status !== "failed") continue;
      this.#enqueue(this.#log({
        ...delivery,
        attempt: delivery.attempt + 1,
      }));
    }
    return this.flush();
  }

  /** Resolves once every queued (not held) delivery has been attempted. */
  async flush(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.#tail;
      await tail;
    } while (tail !== this.#tail);
  }

  #log(
    fields: Omit<WebhookDelivery, "seq" | "status" | "responseStatus" | "error">,
  ): WebhookDelivery {
    const delivery: WebhookDelivery = {
      ...fields,
      seq: this.deliveries.length + 1,
      status: "queued",
      responseStatus: null,
      error: null,
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  #enqueue(delivery: WebhookDelivery): void {
    delivery.status = "queued";
    this.#tail = this.#tail.then(() => this.#attempt(delivery));
  }

  async #attempt(delivery: WebhookDelivery): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), DELIVERY_TIMEOUT_MS);
    try {
      const response = await fetch(delivery.url, {
        method: "POST",
        signal: controller.signal,
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "Shopify-Captain-Hook",
          "X-Shopify-Topic": delivery.topic,
          "X-Shopify-Hmac-Sha256": await signBody(this.#apiSecret, delivery.body),
          "X-Shopify-Shop-Domain": delivery.shop,
          "X-Shopify-Webhook-Id": delivery.webhookId,
          "X-Shopify-Event-Id": delivery.eventId,
          "X-Shopify-API-Version": delivery.apiVersion,
          "X-Shopify-Triggered-At": delivery.triggeredAt,
        },
        body: delivery.body,
      });
      await response.body?.cancel();
      delivery.responseStatus = response.status;
      delivery.status = response.ok ? "delivered" : "failed";
    } catch (error) {
      delivery.status = "failed";
      delivery.error = (error as Error).message;
    } finally {
      clearTimeout(timer);
    }
  }
}
