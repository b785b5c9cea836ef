/**
 * What an operator watches, in the Prometheus text format (`GET /metrics`):
 * webhooks by source, topic and outcome; how long recording an order takes;
 * open live streams; job runs, failures and durations; payouts by state;
 * rate-limit refusals; KV commit retries; competition pages' regions, shared or rendered.
 *
 * The instruments live in one registry of this module (not prom-client's
 * global one): the modules that count things (the commit helper, the job
 * runner, the rate limiter, …) have no app at hand, so they call the
 * `count…`/`observe…` functions here. Several apps in one process (tests)
 * share the counters; a test asserts on the change it caused. Gauges that
 * describe one app (its live clients, its payouts) are read from that app's
 * sources when it is scraped.
 */
import client from "prom-client";

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: "cartbrawl_" });

const webhooks = new client.Counter({
  name: "cartbrawl_webhooks_received_total",
  help: "Webhook deliveries received, by source (shopify, whop), topic and outcome.",
  labelNames: ["source", "topic", "outcome"] as const,
  registers: [registry],
});

const recordSeconds = new client.Histogram({
  name: "cartbrawl_order_record_seconds",
  help: "Time to record one order delivery for one participant (waiting for earlier ones included), by outcome.",
  labelNames: ["outcome"] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

const liveClients = new client.Gauge({
  name: "cartbrawl_sse_clients",
  help: "Open live event streams (GET /api/competitions/:id/events) on this process.",
  registers: [registry],
});

const liveCompetitions = new client.Gauge({
  name: "cartbrawl_sse_competitions",
  help: "Competitions with at least one open live stream on this process (one KV watch each).",
  registers: [registry],
});

const jobRuns = new client.Counter({
  name: "cartbrawl_job_runs_total",
  help: "Scheduled job runs on this process, by job and outcome (ok, failed).",
  labelNames: ["job", "outcome"] as const,
  registers: [registry],
});

const jobSeconds = new client.Histogram({
  name: "cartbrawl_job_duration_seconds",
  help: "Duration of scheduled job runs, by job.",
  labelNames: ["job"] as const,
  buckets: [0.05, 0.25, 1, 5, 15, 60, 300],
  registers: [registry],
});

const payouts = new client.Gauge({
  name: "cartbrawl_payouts",
  help: "Prize payouts by state (pending, sending, sent, failed, gave_up), read from KV at scrape time.",
  labelNames: ["state"] as const,
  registers: [registry],
});

const rateLimitRefusals = new client.Counter({
  name: "cartbrawl_rate_limit_refusals_total",
  help: "Requests answered 429 by a rate limit, by kind.",
  labelNames: ["kind"] as const,
  registers: [registry],
});

const competitionPageRegions = new client.Counter({
  name: "cartbrawl_competition_page_regions_total",
  help: "Competition pages' regions served, by request (a page load, or a live page's refresh after a status or " +
    "disqualification change) and source: rendered for the reader, or shared (another reader's rendering of the " +
    "same version).",
  labelNames: ["request", "source"] as const,
  registers: [registry],
});

const commitRetries = new client.Counter({
  name: "cartbrawl_kv_commit_retries_total",
  help: "KV commits retried because another process held the local database's lock.",
  registers: [registry],
});

/** The content type of the exposition. */
export const METRICS_CONTENT_TYPE = registry.contentType;

/** How a webhook delivery ended, from the status the app answered. */
export type WebhookOutcome = "accepted" | "malformed" | "bad_signature" | "too_large" | "rate_limited" | "failed";

/** Counts one webhook delivery. */
export function countWebhook(source: "shopify" | "whop", topic: string, outcome: WebhookOutcome): void {
  webhooks.inc({ source, topic, outcome });
}

/** Records how long recording one order took, in milliseconds, and what it did. */
export function observeOrderRecord(outcome: string, ms: number): void {
  recordSeconds.observe({ outcome }, ms / 1000);
}

/** Counts one run of a scheduled job and its duration in milliseconds. */
export function countJobRun(job: string, failed: boolean, ms: number): void {
  jobRuns.inc({ job, outcome: failed ? "failed" : "ok" });
  jobSeconds.observe({ job }, ms / 1000);
}

/**
 * Counts a request refused by a rate limit, by kind (e.g. `webhook_auth`,
 * `sign_in`, `create_competition`).
 *
 * @example
 * countRateLimitRefusal("sign_in");
 */
export function countRateLimitRefusal(kind: string): void {
  rateLimitRefusals.inc({ kind });
}

/**
 * Counts one competition page's regions served, for a page load or a live
 * page's refresh, by where their HTML came from (`lib/web/shared_renders.ts`).
 */
export function countCompetitionPageRegions(request: "page" | "refresh", source: "rendered" | "shared"): void {
  competitionPageRegions.inc({ request, source });
}

/** Counts one retry of a KV commit (`commit` in `db.ts`). */
export function countKvCommitRetry(): void {
  commitRetries.inc();
}

/** What one app reports at scrape time besides the process-wide counters. */
export interface MetricsSources {
  /** The app's live hub counters. */
  live: () => { clients: number; competitions: number };
  /** The number of payouts in each state. */
  payouts: () => Promise<Record<string, number>>;
}

/**
 * The exposition text, with the gauges of the app described by `sources`.
 *
 * @example
 * const text = await renderMetrics({ live: () => hub.stats(), payouts: () => countPayoutsByState(kv) });
 */
export async function renderMetrics(sources: MetricsSources): Promise<string> {
  const live = sources.live();
  liveClients.set(live.clients);
  liveCompetitions.set(live.competitions);
  for (const [state, count] of Object.entries(await sources.payouts())) payouts.set({ state }, count);
  return await registry.metrics();
}
