/**
 * The attacker of tests/security_burst_test.ts, a process of its own that
 * floods an app from this machine's one address: forged Shopify webhooks
 * (some with 1 MB bodies) and sign-in starts, `concurrency` in flight, at
 * most `perSecond` a second. The test runs it at the lowest CPU priority
 * (`nice`): a real attacker's own work happens on its machine, not on the
 * app's, so on these shared 2 cores it must not take the reader's or the
 * app's time. What the app spends on each request is unchanged.
 *
 * Standard input: one `FloodOrder` as JSON per line; standard output: one
 * `{ done: true, webhooks, logins, retryAfterMissing }` line per order.
 */

/** What to send. */
export interface FloodOrder {
  url: string;
  shop: string;
  /** Requests in this slice. */
  count: number;
  /** Every how many requests one is a sign-in start (0: none); the rest are forged webhooks. */
  signInEvery: number;
  /** Index of the first request (so slices differ). */
  from: number;
  concurrency: number;
  /** Every how many requests one forged body is 1 MB (0: none). */
  bigEvery: number;
  /** Requests per second to send at most (0: as fast as the concurrency allows). */
  perSecond: number;
}

function orderBody(id: number, padding = 0): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    id,
    created_at: now,
    updated_at: now,
    currency: "USD",
    current_total_price: "1.00",
    note: "x".repeat(padding),
  });
}

/** One 1 MB body, encoded once (the attacker's own work stays small). */
const bigBody = new TextEncoder().encode(orderBody(1, 1024 * 1024 - 200));

/** Sends one order's requests; the statuses counted. */
async function flood(order: FloodOrder) {
  const webhooks: Record<number, number> = {};
  const logins: Record<number, number> = {};
  let retryAfterMissing = 0;
  let next = order.from;
  const end = order.from + order.count;
  const started = performance.now();
  await Promise.all(Array.from({ length: order.concurrency }, async () => {
    while (next < end) {
      const i = next++;
      const due = order.perSecond > 0 ? started + ((i - order.from) * 1000) / order.perSecond : 0;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (order.signInEvery > 0 && i % order.signInEvery === order.signInEvery - 1) {
        const response = await fetch(`${order.url}/login`, { redirect: "manual" });
        await response.body?.cancel();
        logins[response.status] = (logins[response.status] ?? 0) + 1;
        continue;
      }
      const big = order.bigEvery > 0 && i % order.bigEvery === 0;
      const response = await fetch(`${order.url}/api/shopify/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": "orders/create",
          "x-shopify-shop-domain": order.shop,
          "x-shopify-webhook-id": crypto.randomUUID(),
          "x-shopify-hmac-sha256": "bm90IGEgc2lnbmF0dXJlIG9mIHRoaXMgYm9keSBhdCBhbGw=",
        },
        body: big ? bigBody : orderBody(100_000 + i),
      });
      await response.body?.cancel();
      if (response.status === 429 && !(Number(response.headers.get("retry-after")) > 0)) retryAfterMissing++;
      webhooks[response.status] = (webhooks[response.status] ?? 0) + 1;
    }
  }));
  return { done: true, webhooks, logins, retryAfterMissing };
}

if (import.meta.main) {
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  let pending = "";
  for await (const chunk of lines) {
    pending += chunk;
    for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
      const order = JSON.parse(pending.slice(0, end)) as FloodOrder;
      pending = pending.slice(end + 1);
      console.log(JSON.stringify(await flood(order)));
    }
  }
}
