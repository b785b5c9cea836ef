/**
 * Fuzzing every webhook and API endpoint over real HTTP with a deterministic
 * seed (`RESILIENCE_SEED`, printed on failure): random JSON, truncated JSON,
 * huge numbers, wrong types, bad or missing signatures, random content types,
 * methods and paths under `/api` — and validly signed Shopify and Whop
 * webhooks over random bodies, and the competitions API with valid user
 * tokens and random payloads. Every answer must be the expected 4xx (or a
 * 2xx where the request was valid), never a 5xx; totals stay the sum of the
 * stored orders, and `/healthz` still answers at the end.
 */
import assert from "node:assert/strict";
import { createTestApp, TEST_WHOP_SETTINGS } from "../testing/test_app.ts";
import { openCompetition } from "../testing/shopify.ts";
import { createCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant, type Participant } from "../lib/competitions/participants.ts";
import { sumStoredOrders } from "../lib/competitions/revenue.ts";
import { keys } from "../lib/core/db.ts";
import { signWebhook } from "../sandbox/whop/webhook_signing.ts";
import { signBody } from "../sandbox/shopify/hmac.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { pool, rng } from "../bench/support.ts";

const SEED = Number(Deno.env.get("RESILIENCE_SEED") ?? 20261203);
const REQUESTS = Number(Deno.env.get("FUZZ_REQUESTS") ?? 10_000);

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (random: Random, n: number) => Math.floor(random() * n);

const FIELDS = [
  "id",
  "admin_graphql_api_id",
  "created_at",
  "updated_at",
  "cancelled_at",
  "test",
  "currency",
  "current_total_price",
  "current_total_price_set",
  "shop_money",
  "amount",
  "currency_code",
  "title",
  "description",
  "prize",
  "startDate",
  "endDate",
  "shop",
  "type",
  "data",
  "metadata",
  "competitionId",
  "status",
  "total",
  "__proto__",
  "constructor",
  "",
];
const STRINGS = [
  "",
  " ",
  "USD",
  "usd",
  "EUR",
  "XXX",
  "12.50",
  "-1.00",
  "0.001",
  "1e3",
  "99999999999999999999999.99",
  "NaN",
  "Infinity",
  "2026-12-01T12:00:00Z",
  "2026-12-01T12:00:00-05:00",
  "not a date",
  "9999-99-99",
  "gid://shopify/Order/1",
  "gid://shopify/Order/-1",
  "payment.succeeded",
  "membership.went_valid",
  "demo.myshopify.com",
  "fuzz-0.myshopify.com",
  "evil.com",
  "https://evil.example/",
  "<script>alert(1)</script>",
  "\u0000",
  "\ud800",
  "😀".repeat(50),
  "x".repeat(5000),
];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, -1e21, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 64, 5e-324, 123456789012345];

function randomValue(random: Random, depth = 0): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.15) return pick(random, STRINGS);
  if (roll < 0.3) return pick(random, NUMBERS);
  if (roll < 0.38) return random() < 0.5;
  if (roll < 0.45) return null;
  if (roll < 0.6) return Array.from({ length: int(random, 4) }, () => randomValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = int(random, 6); i >= 0; i--) setField(object, pick(random, FIELDS), randomValue(random, depth + 1));
  return object;
}

/** Sets an own enumerable field, even `__proto__` (so it reaches the JSON). */
function setField(object: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `encodeURIComponent`, or the raw bytes of a lone surrogate (which it refuses). */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80";
  }
}

/** A plausible order with some fields mutated (reaches the deeper code). */
function mutatedOrder(random: Random, now: number): Record<string, unknown> {
  const at = new Date(now - int(random, 3600_000)).toISOString();
  const order: Record<string, unknown> = {
    id: 1 + int(random, 1_000_000),
    admin_graphql_api_id: undefined,
    created_at: at,
    updated_at: at,
    cancelled_at: null,
    test: false,
    currency: "USD",
    current_total_price: `${int(random, 100_000)}.${String(int(random, 100)).padStart(2, "0")}`,
  };
  if (random() < 0.3) {
    order.current_total_price_set = { shop_money: { amount: order.current_total_price, currency_code: "USD" } };
  }
  for (let i = int(random, 3); i > 0; i--) setField(order, pick(random, FIELDS), randomValue(random, 2));
  if (random() < 0.2) delete order[pick(random, Object.keys(order))];
  return order;
}

/** A random body: JSON, truncated JSON, huge numbers as raw text, garbage bytes, empty, or oversize. */
function randomBody(random: Random, json: () => unknown): string {
  const roll = random();
  const text = JSON.stringify(json()) ?? "null";
  if (roll < 0.55) return text;
  if (roll < 0.7) return text.slice(0, int(random, text.length));
  if (roll < 0.78) {
    return text.replace(
      /\d+(\.\d+)?/g,
      () => pick(random, ["1e999", "-1e999", "9".repeat(400), "0.0000000000000000000001"]),
    );
  }
  if (roll < 0.86) return String.fromCharCode(...Array.from({ length: int(random, 200) }, () => int(random, 256)));
  if (roll < 0.93) return pick(random, ["", "null", "[]", "{}", '""', "0", "true", '{"a":', "[[[[[[[[[[[[[[[[[["]);
  if (roll < 0.995) return `[${"1,".repeat(int(random, 20_000))}1]`;
  return `{"padding":"${"x".repeat(1_100_000)}"}`; // over every limit
}

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "",
  "application/json; charset=nonsense",
];
const SHOPIFY_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/paid",
  "orders/edited",
  "refunds/create",
  "app/uninstalled",
  "shop/redact",
  "customers/redact",
  "customers/data_request",
  "products/create",
  "",
  "../../etc",
];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"];

interface Case {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Statuses that are right for this request. */
  allowed: number[];
}

const OK = [200, 201, 303];

/** A header value fetch accepts (printable ASCII); the fuzz is in the content, not in client-side errors. */
function headerValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "?").slice(0, 300);
}

/** Whether a browser could send this content type cross-site without CORS (the CSRF check refuses those with 403). */
function simpleContentType(type: string): boolean {
  return type === "" || /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)/i.test(type);
}
const CLIENT = [400, 401, 403, 404, 405, 409, 413, 415, 422];

Deno.test("resilience - fuzzing every webhook and API endpoint: never a 5xx, the right 4xx, still healthy", async () => {
  await using t = await createTestApp({ COMPETITION_MIN_DURATION_S: "60" }, { shopify: true, whop: true });
  const competition = await openCompetition(t);
  const now = t.clock.now();
  const participants: Participant[] = [];
  for (let i = 0; i < 3; i++) {
    const shop = `fuzz-${i}.myshopify.com`;
    t.shopify!.createShop({ shop, currency: "USD" });
    participants.push(
      await createParticipant(t.kv, competition.id, {
        userId: `fuzz_owner_${i}`,
        shop,
        displayName: `Fuzz ${i}`,
        currency: "USD",
      }, now),
    );
  }
  const draft = await createCompetition(t.kv, "fuzz_user", {
    title: "Draft",
    prize: "10.00",
    currency: "USD",
    startDate: new Date(now + 86_400_000).toISOString(),
    endDate: new Date(now + 2 * 86_400_000).toISOString(),
  }, { now, minDurationS: 60 });
  const users = ["fuzz_user", "creator", "fuzz_owner_0", "someone_else"];
  const tokens = new Map<string, string>();
  for (const user of users) tokens.set(user, await t.signer.sign(user));
  const ids = [competition.id, draft.id, "nope", "0", "%00", "x".repeat(300), "y".repeat(3000), "..%2F..%2Fhealthz"];
  const shops = [...participants.map((p) => p.shop), "unknown-store.myshopify.com", "not a shop", "", "x".repeat(300)];

  const random = rng(SEED);
  const cases: Case[] = [];
  while (cases.length < REQUESTS) {
    const roll = random();
    const contentType = random() < 0.7 ? "application/json" : pick(random, CONTENT_TYPES);
    if (roll < 0.22) {
      // Shopify webhook, validly signed, random or mutated body, random headers.
      const body = randomBody(random, () => random() < 0.6 ? mutatedOrder(random, now) : randomValue(random));
      const headers: Record<string, string> = {
        "content-type": contentType,
        "x-shopify-hmac-sha256": await signBody(SANDBOX_APP.apiSecret, body),
      };
      if (random() < 0.95) headers["x-shopify-topic"] = pick(random, SHOPIFY_TOPICS);
      if (random() < 0.95) headers["x-shopify-shop-domain"] = headerValue(pick(random, shops));
      if (random() < 0.95) {
        headers["x-shopify-webhook-id"] = random() < 0.9 ? crypto.randomUUID() : headerValue(pick(random, STRINGS));
      }
      cases.push({
        kind: "shopify signed",
        method: "POST",
        path: "/api/shopify/webhooks",
        headers,
        body,
        allowed: [200, 400, 413],
      });
    } else if (roll < 0.3) {
      // Shopify webhook with a bad, malformed or missing signature.
      const body = randomBody(random, () => mutatedOrder(random, now));
      const headers: Record<string, string> = {
        "content-type": contentType,
        "x-shopify-topic": "orders/create",
        "x-shopify-shop-domain": participants[0].shop,
        "x-shopify-webhook-id": crypto.randomUUID(),
      };
      const bad = random();
      if (bad < 0.3) headers["x-shopify-hmac-sha256"] = await signBody("wrong-secret", body);
      else if (bad < 0.5) headers["x-shopify-hmac-sha256"] = headerValue(pick(random, STRINGS));
      else if (bad < 0.7) {
        headers["x-shopify-hmac-sha256"] = (await signBody(SANDBOX_APP.apiSecret, body + " ")).slice(0, 44);
      }
      const method = random() < 0.9 ? "POST" : pick(random, METHODS);
      cases.push({
        kind: "shopify unsigned",
        method,
        path: "/api/shopify/webhooks",
        headers,
        body: method === "GET" || method === "HEAD" ? undefined : body,
        allowed: method === "POST" ? [401, 413, 429] : [404],
      });
    } else if (roll < 0.42) {
      // Whop webhook: signed over a random body, or not.
      const event = () =>
        random() < 0.5
          ? {
            id: `evt_${int(random, 1e6)}`,
            type: pick(random, ["payment.succeeded", "payment.failed", "x"]),
            data: randomValue(random),
            ...(random() < 0.3 ? randomValue(random) as object : {}),
          }
          : randomValue(random);
      const body = randomBody(random, event);
      const webhookId = `msg_${int(random, 1e9)}`;
      const timestamp = Math.floor(Date.now() / 1000) - (random() < 0.1 ? 3600 : 0);
      const signed = random() < 0.7;
      const headers: Record<string, string> = {
        "content-type": contentType,
        "webhook-id": webhookId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signed
          ? await signWebhook(TEST_WHOP_SETTINGS.webhookSecret, webhookId, timestamp, body)
          : await signWebhook("wrong", webhookId, timestamp, body),
      };
      const incomplete = random() < 0.1;
      if (incomplete) delete headers[pick(random, ["webhook-id", "webhook-timestamp", "webhook-signature"])];
      // A failed authentication counts against the address: past the limit, 429. A valid delivery never is.
      const valid = signed && !incomplete && Math.floor(Date.now() / 1000) - timestamp < 60;
      cases.push({
        kind: valid ? "whop signed" : signed ? "whop signed, stale or incomplete" : "whop unsigned",
        method: "POST",
        path: "/api/webhooks/whop",
        headers,
        body,
        allowed: valid
          ? [200, 400, 404, 409, 413, 422]
          : signed
          ? [200, 400, 401, 404, 409, 413, 422, 429]
          : [401, 413, 429],
      });
    } else if (roll < 0.8) {
      // The JSON API with a valid user token (mostly) and random payloads.
      const user = pick(random, users);
      const headers: Record<string, string> = { "content-type": contentType };
      const authed = random() < 0.9;
      if (authed) headers["x-whop-user-token"] = tokens.get(user)!;
      const id = encode(pick(random, ids)).replaceAll("%25", "%");
      const competitionJson = () => {
        const body: Record<string, unknown> = {
          title: random() < 0.8 ? "Fuzz Cup" : randomValue(random),
          prize: random() < 0.7
            ? pick(random, ["10.00", "0.01", "1000000.00", "-5", "abc", "1e3"])
            : randomValue(random),
          currency: random() < 0.8 ? "USD" : randomValue(random),
          startDate: new Date(now + int(random, 10) * 3600_000 - 3600_000).toISOString(),
          endDate: new Date(now + int(random, 100) * 3600_000).toISOString(),
        };
        for (let i = int(random, 3); i > 0; i--) setField(body, pick(random, FIELDS), randomValue(random));
        return random() < 0.2 ? randomValue(random) : body;
      };
      const routes: [string, string, () => unknown][] = [
        ["POST", "/api/competitions", competitionJson],
        ["PATCH", `/api/competitions/${id}`, competitionJson],
        ["POST", `/api/competitions/${id}/cancel`, () => randomValue(random)],
        ["POST", `/api/competitions/${id}/fund`, () => randomValue(random)],
        [
          "POST",
          `/api/competitions/${id}/join`,
          () => random() < 0.6 ? { shop: pick(random, [...shops, ...STRINGS]) } : randomValue(random),
        ],
        [
          "GET",
          `/api/competitions?status=${encode(pick(random, [...STRINGS, "active", "DRAFT", "UPCOMING"]))}`,
          () => undefined,
        ],
        ["GET", `/api/competitions?creator=${encode(pick(random, ["me", ...users, ...STRINGS]))}`, () => undefined],
        ["GET", `/api/competitions/${id}`, () => undefined],
        ["GET", `/api/competitions/${id}/leaderboard?limit=${encode(String(randomValue(random)))}`, () => undefined],
        ["GET", "/api/user", () => undefined],
        ["GET", `/api/notifications?limit=${encode(String(randomValue(random)))}`, () => undefined],
        ["POST", "/api/notifications/read", () => randomValue(random)],
      ];
      const [method, path, json] = pick(random, routes);
      const body = method === "GET" ? undefined : randomBody(random, json);
      // A form post without a user token must come from our own origin (CSRF): 403.
      cases.push({
        kind: `api ${authed ? "authed" : "anonymous"} ${method}`,
        method,
        path,
        headers,
        body,
        // 429: competition creation and join attempts are limited per user.
        allowed: [...OK, ...CLIENT, 429],
      });
    } else {
      // Random methods and paths under /api.
      const segments = [
        "api",
        ...Array.from({ length: 1 + int(random, 4) }, () =>
          pick(random, [
            "competitions",
            "shopify",
            "webhooks",
            "whop",
            "user",
            "admin",
            "jobs",
            "events",
            "..",
            "%2e%2e",
            "x",
            encode(pick(random, STRINGS)).slice(0, 100),
            pick(random, ids),
          ])),
      ];
      const method = pick(random, METHODS);
      const headers: Record<string, string> = { "content-type": pick(random, CONTENT_TYPES) };
      if (random() < 0.5) {
        headers["x-whop-user-token"] = random() < 0.5
          ? tokens.get(pick(random, users))!
          : headerValue(pick(random, STRINGS));
      }
      const path = "/" + segments.join("/");
      // The event stream is a long-lived 200: skip it here (tests/sse_load_test.ts covers it).
      if (/\/events\/?$/.test(path) && method === "GET") continue;
      cases.push({
        kind: "random path",
        method,
        path,
        headers,
        body: method === "GET" || method === "HEAD" ? undefined : randomBody(random, () => randomValue(random)),
        // 429: bad user tokens count against the address.
        allowed: [...OK, ...CLIENT, 429],
      });
    }
  }

  const failures: string[] = [];
  /**
   * The right answers for a case: an oversize body is refused with 413 (the
   * server may close the connection before the client finished sending: 0),
   * or 403 where the CSRF check comes first; a state-changing request with a
   * simple content type and no user token is refused by the CSRF check (403);
   * otherwise the case's own list.
   */
  const allowedFor = (c: Case): number[] => {
    if ((c.body?.length ?? 0) > 1024 * 1024) return [403, 413, 0];
    const unsafe = c.method !== "GET" && c.method !== "HEAD" && c.method !== "OPTIONS";
    if (unsafe && !("x-whop-user-token" in c.headers) && simpleContentType(c.headers["content-type"] ?? "")) {
      return [403];
    }
    return c.allowed;
  };
  const counts = new Map<string, number>();
  await pool(cases, 16, async (c, i) => {
    let status: number;
    let text = "";
    try {
      const res = await fetch(`${t.url}${c.path}`, {
        method: c.method,
        headers: c.headers,
        body: c.body,
        redirect: "manual",
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      text = c.method === "HEAD" ? "" : (await res.text()).slice(0, 300);
    } catch (error) {
      status = 0;
      text = String(error);
    }
    counts.set(`${c.kind} ${status}`, (counts.get(`${c.kind} ${status}`) ?? 0) + 1);
    if (!allowedFor(c).includes(status)) {
      failures.push(
        `#${i} ${c.kind}: ${c.method} ${c.path.slice(0, 120)} → ${status} (allowed ${c.allowed.join(",")}) ` +
          `headers ${JSON.stringify(c.headers).slice(0, 300)} body ${
            JSON.stringify(c.body?.slice(0, 200))
          } answer ${text}`,
      );
    }
  });
  const summary = [...counts].sort().map(([k, v]) => `${k}: ${v}`).join("\n");
  // One example per kind of wrong answer (kind, method, route shape, status).
  const examples = new Map<string, string>();
  for (const failure of failures) {
    const shape = /^#\d+ (.*?): (\S+) (\S+?)(?:\?(\w+)\S*)? → (\d+)/.exec(failure);
    const route = shape?.[3].replace(/competitions\/[^/]+/, "competitions/:id");
    const key = shape ? `${shape[1]} ${shape[2]} ${route}?${shape[4] ?? ""} ${shape[5]}` : failure;
    if (!examples.has(key)) examples.set(key, failure);
  }
  assert.deepEqual(
    [...examples.values()],
    [],
    `${failures.length} of ${cases.length} answers were wrong (RESILIENCE_SEED=${SEED}):\n${summary}`,
  );
  console.log(`${cases.length} fuzzed requests (seed ${SEED}):\n${summary}`);

  // Still serving, and the totals are still the sums of the stored orders.
  const health = await fetch(`${t.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { ok: true });
  for (const p of participants) {
    const record = (await t.kv.get<Participant>(keys.participant(p.id))).value!;
    assert.deepEqual(await sumStoredOrders(t.kv, p.id), { revenue: record.revenue, orders: record.orders });
  }
});
