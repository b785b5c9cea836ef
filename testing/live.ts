/**
 * Test support for the live view: an active competition with stores, orders,
 * the app served on loopback, and a small reader of event streams.
 */
import { type AppDeps, createApp } from "../app.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import { LiveHub, type LiveHubOptions, SlowClientError } from "../lib/live/hub.ts";
import type { Participant } from "../lib/competitions/participants.ts";
import { activeCompetition } from "./fixtures.ts";
import type { OrderDelivery } from "../lib/competitions/revenue.ts";
import { leaderboardView } from "../lib/competitions/views.ts";

/** Start of the test competitions' window. */
export const START_MS = Date.parse("2026-12-02T00:00:00Z");
/** An instant inside the window. */
export const DURING_MS = START_MS + 3600_000;

/**
 * Creates an ACTIVE competition with `stores` participants; `nameLength`
 * pads display names to make the leaderboard JSON larger.
 */
export function liveCompetition(
  kv: Deno.Kv,
  stores = 1,
  nameLength = 0,
): Promise<{ competition: Competition; participants: Participant[] }> {
  return activeCompetition(kv, { start: START_MS, stores, nameOf: (i) => `Store ${i}`.padEnd(nameLength, ".") });
}

/** An order created inside the window, in USD cents. */
export function orderOf(orderId: string, amount: number): OrderDelivery {
  const at = new Date(DURING_MS).toISOString();
  return { orderId, createdAt: at, updatedAt: at, amount, currency: "USD", test: false, cancelled: false };
}

/** A hub rendering the API's leaderboard JSON, with fast timings unless overridden. */
export function testHub(kv: Deno.Kv, options: Partial<LiveHubOptions> = {}): LiveHub {
  return new LiveHub({
    kv,
    render: (competition, viewerId, division) => leaderboardView(kv, competition, 100, viewerId, division),
    heartbeatMs: 60_000,
    ...options,
  });
}

/** The app served on 127.0.0.1 with a port chosen by the system. */
export interface ServedApp extends AsyncDisposable {
  url: string;
  server: Deno.HttpServer<Deno.NetAddr>;
}

/**
 * Serves the app built from `deps` on loopback; drops of slow clients are
 * expected, so they are not reported as server errors.
 */
export function serveApp(deps: AppDeps): ServedApp {
  const app = createApp(deps);
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    onError: (error) => {
      if (!(error instanceof SlowClientError)) console.error(error);
      return new Response(null, { status: 500 });
    },
  }, app.fetch);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    server,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** One event read from a stream; `comment` holds a `:` line's text. */
export interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

/** Reads server-sent events from a response, one at a time. */
export class SseReader implements AsyncDisposable {
  #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";

  constructor(response: Response) {
    this.#reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next event (or comment, or retry hint); rejects after `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return parseBlock(block);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), deadline - Date.now());
      });
      try {
        const { done, value } = await Promise.race([this.#reader.read(), timeout]);
        if (done) throw new Error("the stream ended");
        this.#buffer += value;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** The next named event, skipping comments and hints. */
  async nextEvent(timeoutMs = 2000): Promise<SseEvent> {
    for (;;) {
      const event = await this.next(timeoutMs);
      if (event.event) return event;
    }
  }

  /** Cancels the stream (the client going away). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

function parseBlock(block: string): SseEvent {
  const event: SseEvent = {};
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "") event.comment = value;
    else if (field === "event") event.event = value;
    else if (field === "id") event.id = value;
    else if (field === "data") event.data = event.data === undefined ? value : `${event.data}\n${value}`;
    else if (field === "retry") event.retry = Number(value);
  }
  return event;
}
