import assert from "node:assert/strict";
import { commit, keys } from "../lib/core/db.ts";
import { SANDBOX_APP } from "../lib/shopify/library.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { JOBS, triggerJob } from "../cron/schedule.ts";
import { shopifyWebhookHeaders } from "../testing/shopify.ts";

/** The value of one sample line (`name{labels} value`), 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function scrape(t: TestApp, token?: string): Promise<string> {
  const res = await t.request("/metrics", { headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  return await res.text();
}

async function postOrder(t: TestApp, shop: string, orderId: number, secret: string = SANDBOX_APP.apiSecret) {
  const at = new Date(t.clock.now()).toISOString();
  const body = JSON.stringify({
    id: orderId,
    created_at: at,
    updated_at: at,
    currency: "USD",
    current_total_price: "10.00",
    test: false,
    cancelled_at: null,
  });
  const res = await t.request("/api/shopify/webhooks", {
    method: "POST",
    headers: await shopifyWebhookHeaders({ shop, body, secret }),
    body,
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("metrics - webhooks by topic and outcome, record latency, live clients, jobs, payouts, refusals", async () => {
  await using t = await createTestApp();
  const { competition, participants } = await activeCompetition(t.kv, { start: t.clock.now() - 60_000, stores: 1 });
  const before = await scrape(t);
  const accepted = 'cartbrawl_webhooks_received_total{source="shopify",topic="orders/create",outcome="accepted"}';
  const refused = 'cartbrawl_webhooks_received_total{source="shopify",topic="orders/create",outcome="bad_signature"}';
  const recorded = 'cartbrawl_order_record_seconds_count{outcome="recorded"}';

  assert.equal(await postOrder(t, participants[0].shop, 1), 200);
  assert.equal(await postOrder(t, participants[0].shop, 2), 200);
  assert.equal(await postOrder(t, participants[0].shop, 3, "wrong-secret"), 401);
  const stream = await t.request(`/api/competitions/${competition.id}/events`);
  const reader = stream.body!.getReader();
  await reader.read();
  await triggerJob(t.deps.lifecycle!, JOBS.find((job) => job.name === "status")!);
  await t.kv.set(keys.payout(competition.id), { state: "sent", attempts: 1 });
  // Failed authentication past the limit (30 a minute per address; one failed above): the 31st is refused.
  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) statuses.push(await postOrder(t, participants[0].shop, 10 + i, "wrong-secret"));
  assert.deepEqual([statuses.filter((s) => s === 401).length, statuses.at(-1)], [29, 429]);
  let locked = true;
  await commit(() => {
    if (!locked) return t.kv.atomic().set(["metrics_test"], 1);
    locked = false;
    throw new Error("database is locked");
  });

  const after = await scrape(t);
  assert.equal(sample(after, accepted) - sample(before, accepted), 2);
  assert.equal(sample(after, refused) - sample(before, refused), 30, "every forged delivery, refused or limited");
  assert.equal(sample(after, recorded) - sample(before, recorded), 2);
  assert.equal(sample(after, "cartbrawl_sse_clients"), 1);
  assert.equal(
    sample(after, 'cartbrawl_job_runs_total{job="status",outcome="ok"}') -
      sample(before, 'cartbrawl_job_runs_total{job="status",outcome="ok"}'),
    1,
  );
  assert.equal(sample(after, 'cartbrawl_payouts{state="sent"}'), 1);
  assert.equal(
    sample(after, 'cartbrawl_rate_limit_refusals_total{kind="auth_failures"}') -
      sample(before, 'cartbrawl_rate_limit_refusals_total{kind="auth_failures"}'),
    1,
  );
  assert.equal(
    sample(after, "cartbrawl_kv_commit_retries_total") - sample(before, "cartbrawl_kv_commit_retries_total"),
    1,
  );

  await reader.cancel();
  assert.equal(sample(await scrape(t), "cartbrawl_sse_clients"), 0);
});

Deno.test("metrics - METRICS_TOKEN guards the endpoint", async () => {
  await using t = await createTestApp({ METRICS_TOKEN: "s3cret-token" });
  const anonymous = await t.request("/metrics");
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get("www-authenticate"), 'Bearer realm="metrics"');
  assert.match(await anonymous.text(), /METRICS_TOKEN/);
  const wrong = await t.request("/metrics", { headers: { authorization: "Bearer s3cret-tokem" } });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  assert.match(await scrape(t, "s3cret-token"), /cartbrawl_webhooks_received_total/);
});
