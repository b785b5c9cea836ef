import assert from "node:assert/strict";
import { RateLimiter, type RateRule, RefusalLog } from "./rate_limit.ts";

const RULE: RateRule = { name: "sign_in_starts", limit: 5, windowMs: 60_000, message: "Too many." };

Deno.test("rate limit - concurrent hits from two instances on one KV allow exactly the limit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Two processes' worth of KV handles on one file, as two instances on one KV.
    using kvA = await Deno.openKv(`${dir}/kv.sqlite3`);
    using kvB = await Deno.openKv(`${dir}/kv.sqlite3`);
    let now = 1_000_000;
    const a = new RateLimiter(kvA, () => now);
    const b = new RateLimiter(kvB, () => now);
    const decisions = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).hit(RULE, "203.0.113.9")),
    );
    assert.equal(decisions.filter((d) => d.allowed).length, RULE.limit);
    const refused = decisions.find((d) => !d.allowed);
    assert.deepEqual(refused, { allowed: false, retryAfterS: 60 });
    // Another subject has its own window; the first one's resets after the window.
    assert.equal((await a.hit(RULE, "198.51.100.7")).allowed, true);
    now += 30_000;
    assert.deepEqual(await b.hit(RULE, "203.0.113.9"), { allowed: false, retryAfterS: 30 });
    now += 30_000;
    assert.equal((await a.hit(RULE, "203.0.113.9")).allowed, true, "a new window");
    assert.equal((await b.hit(RULE, "203.0.113.9")).allowed, true, "the other instance sees it too");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rate limit - a window's key expires with it, and long subjects are cut to a bounded key", async () => {
  using kv = await Deno.openKv(":memory:");
  const limiter = new RateLimiter(kv, () => 0);
  await limiter.hit(RULE, "x".repeat(5000));
  const entries = await Array.fromAsync(kv.list({ prefix: ["rate_limits"] }));
  assert.equal(entries.length, 1);
  assert.equal(String(entries[0].key[2]).length, 200);
});

Deno.test("rate limit - refusals are logged as one line, then one summary with the count a minute later", () => {
  let now = 0;
  const lines: { msg: string; rule?: unknown; subject?: unknown; count?: unknown }[] = [];
  const log = new RefusalLog(() => now, (_level, msg, fields = {}) => lines.push({ msg, ...fields }));
  for (let i = 0; i < 500; i++) log.record("auth_failures", "203.0.113.9", "The webhook signature is not valid.");
  for (let i = 0; i < 3; i++) log.record("auth_failures", "198.51.100.7");
  assert.equal(lines.length, 2, "the first refusal of each address");
  now = 61_000;
  log.record("sign_in_starts", "203.0.113.9");
  assert.deepEqual(
    lines.slice(2).map(({ msg, rule, subject, count }) => ({ msg, rule, subject, count })),
    [
      { msg: "requests refused", rule: "auth_failures", subject: "203.0.113.9", count: 500 },
      { msg: "requests refused", rule: "auth_failures", subject: "198.51.100.7", count: 3 },
      { msg: "request refused", rule: "sign_in_starts", subject: "203.0.113.9", count: undefined },
    ],
  );
});
