/**
 * Test helpers for the Shopify integration: an open competition, and a
 * merchant's browser joining it through the real OAuth round trip against
 * the simulated Shopify.
 */
import assert from "node:assert/strict";
import type { TestApp } from "./test_app.ts";
import { type Competition, createCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { keys } from "../lib/core/db.ts";
import type { Participant } from "../lib/competitions/participants.ts";
import { SANDBOX_APP } from "../lib/shopify/library.ts";
import { signBody } from "../sandbox/shopify/hmac.ts";
import type { ShopifySandbox } from "../sandbox/shopify/mod.ts";
import { approveInstall, BROWSER_UA } from "../sandbox/shopify/install_page.ts";

export { approveInstall, BROWSER_UA };

/**
 * Creates a competition, funds it and (unless `upcoming`) starts it: the
 * test clock moves to one minute after the start.
 */
export async function openCompetition(
  t: TestApp,
  {
    currency = "USD",
    days = 7,
    upcoming = false,
    creatorId = "creator",
    rules = {},
  }: {
    currency?: string;
    days?: number;
    upcoming?: boolean;
    creatorId?: string;
    /** More of the create input, e.g. `{ customerCap: "100.00", metric: "orders" }`. */
    rules?: Record<string, unknown>;
  } = {},
): Promise<Competition> {
  const start = t.clock.now() + 3600_000;
  const competition = await createCompetition(t.kv, creatorId, {
    title: "Holiday Cup",
    prize: "500.00",
    currency,
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + days * 86_400_000).toISOString(),
    ...rules,
  }, { now: t.clock.now(), minDurationS: 3600 });
  await updateCompetition(t.kv, competition.id, t.clock.now(), "status", (c) => ({ ...c, status: "UPCOMING" }));
  if (upcoming) return (await t.kv.get<Competition>(keys.competition(competition.id))).value!;
  t.clock.ms = start + 60_000;
  const { competition: active } = await updateCompetition(
    t.kv,
    competition.id,
    t.clock.now(),
    "status",
    (c) => ({ ...c, status: "ACTIVE" }),
  );
  return active;
}

/** The `Cookie` header a browser sends back after `response`. */
export function cookiesFrom(response: Response): string {
  return response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ");
}

/** A merchant's browser: user token, browser UA, cookies carried between steps. */
export async function browserHeaders(t: TestApp, userId: string, cookie = ""): Promise<Headers> {
  const headers = new Headers({ "User-Agent": BROWSER_UA });
  headers.set("x-whop-user-token", await t.signer.sign(userId));
  if (cookie) headers.set("Cookie", cookie);
  return headers;
}

/** Starts a join over HTTP; returns the response (JSON `{authorizeUrl}` on success). */
export async function postJoin(t: TestApp, competitionId: string, userId: string, shop: unknown): Promise<Response> {
  const headers = await browserHeaders(t, userId);
  headers.set("content-type", "application/json");
  return fetch(`${t.url}/api/competitions/${competitionId}/join`, {
    method: "POST",
    headers,
    body: JSON.stringify({ shop }),
  });
}

/** The whole join: POST join, install page, Approve, callback. Returns the callback's response (a 303). */
export async function joinStore(
  t: TestApp,
  competitionId: string,
  userId: string,
  shop: string,
): Promise<{ callback: Response; callbackUrl: string; cookie: string; joinBody: { authorizeUrl: string } }> {
  const join = await postJoin(t, competitionId, userId, shop);
  const joinBody = await join.json();
  assert.equal(join.status, 200, JSON.stringify(joinBody));
  const cookie = cookiesFrom(join);
  const callbackUrl = await approveInstall(joinBody.authorizeUrl);
  const callback = await fetch(callbackUrl, { headers: await browserHeaders(t, userId, cookie), redirect: "manual" });
  await callback.body?.cancel();
  return { callback, callbackUrl, cookie, joinBody };
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The participant of `shop` in a competition. */
export async function participantOf(t: TestApp, competitionId: string, shop: string): Promise<Participant | undefined> {
  const id = (await t.kv.get<string>(keys.participantByShop(shop, competitionId))).value;
  return id ? (await t.kv.get<Participant>(keys.participant(id))).value ?? undefined : undefined;
}

/** Waits until the participant's sync is done (or failed) and returns it. */
export function settledSync(t: TestApp, participantId: string, timeoutMs = 20_000): Promise<Participant> {
  return waitFor(
    async () => {
      const p = (await t.kv.get<Participant>(keys.participant(participantId))).value;
      return p && (p.sync.state === "done" || p.sync.state === "failed") ? p : undefined;
    },
    "the sync to settle",
    timeoutMs,
  );
}

/** Reads a participant. */
export async function readParticipant(t: TestApp, participantId: string): Promise<Participant> {
  return (await t.kv.get<Participant>(keys.participant(participantId))).value!;
}

/** One webhook delivery as Shopify sends it; `topic` defaults to `orders/create`, `secret` to the simulated app's. */
export interface ShopifyDelivery {
  shop: string;
  body: string;
  topic?: string;
  secret?: string;
  /** The signature header as given (a forgery), instead of the body's HMAC with `secret`. */
  hmac?: string;
  webhookId?: string;
}

/**
 * The headers Shopify sends with a webhook: its topic, the shop, a fresh
 * delivery id and the body's HMAC.
 *
 * @example
 * await fetch(`${url}/api/shopify/webhooks`, { method: "POST", headers: await shopifyWebhookHeaders({ shop, body }), body });
 */
export async function shopifyWebhookHeaders(delivery: ShopifyDelivery): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "x-shopify-topic": delivery.topic ?? "orders/create",
    "x-shopify-shop-domain": delivery.shop,
    "x-shopify-webhook-id": delivery.webhookId ?? crypto.randomUUID(),
    "x-shopify-hmac-sha256": delivery.hmac ?? await signBody(delivery.secret ?? SANDBOX_APP.apiSecret, delivery.body),
  };
}

/**
 * Gives a simulated shop sales before `startMs` (100 orders of 100.00 over
 * the 30 days before): its hourly average (about 13.89) makes a race's
 * ordinary hours no spikes.
 */
export function addSalesHistory(shopify: ShopifySandbox, shop: string, startMs: number): void {
  for (let i = 0; i < 100; i++) {
    shopify.createOrder(shop, { totalPrice: "100.00", createdAt: startMs - (i + 1) * 7 * 3600_000 });
  }
}
