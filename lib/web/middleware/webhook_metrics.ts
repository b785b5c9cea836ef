/**
 * Counts every webhook delivery by source, topic and outcome for `/metrics`,
 * from what the app answered — so refusals before the handler runs (body
 * too large, rate limited, bad signature) are counted like the rest.
 */
import type { MiddlewareHandler } from "hono";
import { countWebhook, type WebhookOutcome } from "../../core/metrics.ts";

/** The webhook paths of each source. */
export interface WebhookPaths {
  shopify: string;
  whop: string;
}

/**
 * The middleware; mount it for every path.
 *
 * @example
 * app.use(webhookMetrics({ shopify: "/api/shopify/webhooks", whop: "/api/webhooks/whop" }));
 */
export function webhookMetrics(paths: WebhookPaths): MiddlewareHandler {
  return async (c, next) => {
    const source = c.req.path === paths.shopify ? "shopify" : c.req.path === paths.whop ? "whop" : undefined;
    if (!source || c.req.method !== "POST") return next();
    await next();
    // The Whop handler read the body as text; Hono keeps it (as a promise), so it is not read twice.
    const topic = source === "shopify" ? c.req.header("x-shopify-topic") : await whopEventType(c.req.bodyCache.text);
    countWebhook(source, topic ?? "unknown", outcomeOf(c.res.status));
  };
}

/** The `type` of a Whop event body the handler has read, if it is readable. */
async function whopEventType(read: unknown): Promise<string | undefined> {
  if (!read) return undefined;
  try {
    const type = (JSON.parse(await read as string) as { type?: unknown }).type;
    return typeof type === "string" && /^[a-z_.]{1,64}$/.test(type) ? type : undefined;
  } catch {
    return undefined;
  }
}

function outcomeOf(status: number): WebhookOutcome {
  if (status < 300) return "accepted";
  if (status === 401) return "bad_signature";
  if (status === 413) return "too_large";
  if (status === 429) return "rate_limited";
  if (status < 500) return "malformed";
  return "failed";
}
