/** Delivery of signed Whop webhook events to the app's endpoint. */
import { newId } from "./ids.ts";
import { signWebhook } from "./webhook_signing.ts";

/** One webhook the sandbox sent (or tried to send). */
export interface WebhookDelivery {
  /** The event id; also the `webhook-id` header. */
  id: string;
  /** Event type, e.g. `payment.succeeded`. */
  type: string;
  /** Where it went; null when no webhook URL was set (nothing was sent). */
  url: string | null;
  /** The exact JSON body sent. */
  body: string;
  /** The Standard Webhooks headers sent. */
  headers: Record<string, string>;
  /** The receiver's HTTP status; null if not sent or the connection failed. */
  status: number | null;
  /** The connection error, if any. */
  error: string | null;
}

/** Ways to forge a webhook, for testing the receiver's checks. */
export interface SendWebhookOptions {
  /** Sign with a wrong key, so verification must fail. */
  forgeSignature?: boolean;
  /** `webhook-timestamp` in unix seconds (default: the wall clock, as the SDK checks it). */
  timestamp?: number;
  /** Event id to reuse (to test duplicate delivery); default a fresh `evt_…`. */
  id?: string;
  /** Send to this URL instead of the configured one. */
  url?: string;
}

/** Signs and posts events; remembers every delivery. */
export class WebhookSender {
  /** Every delivery, oldest first. */
  readonly deliveries: WebhookDelivery[] = [];
  /** The app's webhook endpoint; events are recorded but not sent while unset. */
  url: string | undefined;
  readonly #secret: string;
  readonly #companyId: string;
  readonly #now: () => number;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(
    options: {
      secret: string;
      companyId: string;
      now: () => number;
      url?: string;
    },
  ) {
    this.#secret = options.secret;
    this.#companyId = options.companyId;
    this.#now = options.now;
    this.url = options.url;
  }

  /** Builds, signs and posts `{ id, api_version, type, timestamp, company_id, data }`. */
  send(
    type: string,
    data: unknown,
    options: SendWebhookOptions = {},
  ): Promise<WebhookDelivery> {
    const sending = this.#send(type, data, options);
    this.#inFlight.add(sending);
    sending.finally(() => this.#inFlight.delete(sending));
    return sending;
  }

  /** Resolves once every delivery started so far has finished. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled(this.#inFlight);
  }

  async #send(
    type: string,
    data: unknown,
    options: SendWebhookOptions,
  ): Promise<WebhookDelivery> {
    const id = options.id ?? newId("evt");
    const body = JSON.stringify({
      id,
      api_version: "v1",
      type,
      timestamp: new Date(this.#now()).toISOString(),
      company_id: this.#companyId,
      data,
    });
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const secret = options.forgeSignature ? `forged-${this.#secret}` : this.#secret;
    const headers = {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": await signWebhook(secret, id, timestamp, body),
    };
    const url = options.url ?? this.url ?? null;
    const delivery: WebhookDelivery = {
      id,
      type,
      url,
      body,
      headers,
      status: null,
      error: null,
    };
    this.deliveries.push(delivery);
    if (url) {
      try {
        const response = await fetch(url, { method: "POST", headers, body });
        await response.body?.cancel();
        delivery.status = response.status;
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
      }
    }
    return delivery;
  }
}
