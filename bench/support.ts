/**
 * Shared parts of the ingest, freshness, fan-out and resilience scripts: an
 * active competition seeded in KV, Shopify order payloads from the simulated
 * Shopify, signed webhook deliveries, the app served on a KV file, and small
 * helpers for child processes (resident memory, JSON lines on stdout).
 */
import { loadConfig } from "../config.ts";
import { createApp } from "../app.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import type { Participant } from "../lib/competitions/participants.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { createLiveHub, type LiveHub } from "../lib/live/hub.ts";
import { signBody } from "../sandbox/shopify/hmac.ts";
import { orderPayload } from "../sandbox/shopify/rest_payloads.ts";
import type { OrderSnapshot, SandboxShop, ShopifySandbox } from "../sandbox/shopify/mod.ts";
import { createShopifyServices, SANDBOX_APP, WEBHOOK_PATH } from "../lib/shopify/mod.ts";
import { createUserTokenVerifier } from "../lib/whop/user_token.ts";
import { testShopifyEnv } from "../testing/test_app.ts";

/** The secret the app checks webhooks with (`SHOPIFY_API_SECRET` of the served app). */
export const WEBHOOK_SECRET = SANDBOX_APP.apiSecret;

/** The shop domain of the i-th seeded store. */
export function shopOf(prefix: string, i: number): string {
  return `${prefix}-${i}.myshopify.com`;
}

/**
 * Creates an ACTIVE USD competition whose window opened `openedMsAgo` before
 * `now` (and lasts a week) with `stores` connected participants, shops
 * `shopOf(prefix, i)`.
 */
export function seedCompetition(
  kv: Deno.Kv,
  { stores, prefix = "bench", now = Date.now(), openedMsAgo = 3600_000 }: {
    stores: number;
    prefix?: string;
    now?: number;
    openedMsAgo?: number;
  },
): Promise<{ competition: Competition; participants: Participant[] }> {
  return activeCompetition(kv, {
    start: Math.floor((now - openedMsAgo) / 1000) * 1000,
    stores,
    creatorId: "bench_creator",
    title: `Bench ${prefix}`,
    prize: "1000.00",
    shopOf: (i) => shopOf(prefix, i),
    ownerOf: (i) => `owner_${prefix}_${i}`,
  });
}

/** One webhook as Shopify would send it: headers and the exact signed body. */
export interface Delivery {
  topic: string;
  shop: string;
  webhookId: string;
  body: string;
  hmac: string;
}

/** Signs `payload` (or a raw string body) as a Shopify webhook of `topic` from `shop`. */
export async function signedDelivery(
  shop: string,
  topic: string,
  payload: unknown,
  webhookId: string = crypto.randomUUID(),
  secret: string = WEBHOOK_SECRET,
): Promise<Delivery> {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  return { topic, shop, webhookId, body, hmac: await signBody(secret, body) };
}

/** The REST body of an `orders/*` webhook for an order of the simulated Shopify, as it is now. */
export function orderBody(sandbox: ShopifySandbox, order: OrderSnapshot): Record<string, unknown> {
  let shops = shopCache.get(sandbox);
  if (!shops?.has(order.shop)) {
    shops = new Map(sandbox.shops().map((shop) => [shop.domain, shop]));
    shopCache.set(sandbox, shops);
  }
  const shop = shops.get(order.shop);
  if (!shop) throw new Error(`unknown shop ${order.shop}`);
  const customer = order.customerId === null
    ? undefined
    : sandbox.customers(order.shop).find((candidate) => candidate.id === order.customerId);
  return orderPayload(order, shop, customer);
}

const shopCache = new WeakMap<ShopifySandbox, Map<string, SandboxShop>>();

/** POSTs a delivery to the app at `baseUrl`; the caller consumes the response body. */
export function postDelivery(baseUrl: string, delivery: Delivery, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl}${WEBHOOK_PATH}`, {
    method: "POST",
    signal,
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": delivery.topic,
      "X-Shopify-Shop-Domain": delivery.shop,
      "X-Shopify-Webhook-Id": delivery.webhookId,
      "X-Shopify-Hmac-Sha256": delivery.hmac,
    },
    body: delivery.body,
  });
}

/** POSTs a delivery and returns its status (0 on a network error), consuming the body. */
export async function deliver(baseUrl: string, delivery: Delivery, timeoutMs = 10_000): Promise<number> {
  try {
    const res = await postDelivery(baseUrl, delivery, AbortSignal.timeout(timeoutMs));
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  }));
  return results;
}

/** A deterministic PRNG (mulberry32) for shuffles and fuzzing. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place with `random`. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** The app served on 127.0.0.1 (free port) over a KV file, as production runs it. */
export interface FileApp extends AsyncDisposable {
  kv: Deno.Kv;
  url: string;
  /** The hub serving its event streams (production timings unless one was passed). */
  live: LiveHub;
  server: Deno.HttpServer<Deno.NetAddr>;
}

/**
 * Serves the real app on `kvPath` (sandbox mode, Shopify credentials of the
 * simulated app so webhooks signed with `WEBHOOK_SECRET` verify). Shopify API
 * calls go to `shopifyOrigin` (none are made by webhooks).
 */
export async function serveFileApp(
  { kvPath, shopifyOrigin = "http://127.0.0.1:9", live }: { kvPath: string; shopifyOrigin?: string; live?: LiveHub },
): Promise<FileApp> {
  const kv = await Deno.openKv(kvPath);
  const hub = live ?? createLiveHub(kv);
  let handler: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    onError: (error) => {
      if (!(error instanceof Error && error.name === "SlowClientError")) console.error(error);
      return new Response(null, { status: 500 });
    },
  }, (request) => handler(request));
  const url = `http://127.0.0.1:${server.addr.port}`;
  const config = loadConfig({
    SANDBOX: "1",
    APP_URL: url,
    KV_PATH: kvPath,
    ...testShopifyEnv(shopifyOrigin),
  });
  const shopify = createShopifyServices({ kv, config, now: Date.now, startBackfill: async () => {} });
  const app = createApp({
    kv,
    config,
    now: Date.now,
    shopify,
    live: hub,
    verifyUserToken: createUserTokenVerifier({ jwksUrl: new URL("http://127.0.0.1:9/jwks.json"), appId: "bench" }),
  });
  handler = (request) => app.fetch(request);
  return {
    kv,
    url,
    live: hub,
    server,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      kv.close();
    },
  };
}

/** CPU time a process has used so far (user + system), in seconds, from `/proc/<pid>/stat` (Linux, 100 ticks/s). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (user + system) of each thread of a process, by thread name (`/proc/<pid>/task`, Linux). */
export async function threadCpuSeconds(pid: number): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  for await (const task of Deno.readDir(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = await Deno.readTextFile(`/proc/${pid}/task/${task.name}/stat`);
    } catch {
      continue; // the thread ended meanwhile
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
  }
  return byName;
}

/** Resident memory of a process from `/proc` (Linux): current and peak, in MiB. */
export async function residentMemory(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** Reads JSON lines from a child's stdout; `next()` resolves with the next parsed line. */
export class JsonLines {
  #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";

  constructor(stream: ReadableStream<Uint8Array<ArrayBuffer>>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next line that parses as JSON (other lines are echoed to stderr); rejects after `timeoutMs`. */
  async next<T = Record<string, unknown>>(timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf("\n");
      if (end >= 0) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 1);
        if (line.startsWith("{")) return JSON.parse(line) as T;
        if (line.trim()) console.error(`[child] ${line}`);
        continue;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("no line from the child in time")),
          Math.max(0, deadline - Date.now()),
        );
      });
      try {
        const { done, value } = await Promise.race([this.#reader.read(), timeout]);
        if (done) throw new Error("the child's output ended");
        this.#buffer += value;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Stops reading. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The app serving alone in its own process (`bench/serve_app.ts`), on a KV file in `dir`. */
export interface ChildApp {
  child: Deno.ChildProcess;
  url: string;
  /** The lean stream server's origin, when started with `live`. */
  liveUrl?: string;
  competitionId: string;
  /** Stops the process and its output reader. */
  stop(): Promise<void>;
}

/** How a child app is started beyond its KV folder and store count. */
export interface ChildAppOptions {
  /** Serve this competition of the KV file instead of seeding one (a further instance). */
  competitionId?: string;
  /** Also start the lean stream server. */
  live?: boolean;
  /** Raise the open-files limit of the process to this (`ulimit -n`, up to the hard limit). */
  openFiles?: number;
}

/** Starts `bench/serve_app.ts` with `stores` connected stores and waits for its address. */
export async function startChildApp(dir: string, stores: number, options: ChildAppOptions = {}): Promise<ChildApp> {
  const args = [
    "run",
    "-A",
    new URL("./serve_app.ts", import.meta.url).pathname,
    "--kv",
    `${dir}/app.sqlite3`,
    "--stores",
    String(stores),
    ...(options.competitionId ? ["--competition", options.competitionId] : []),
    ...(options.live ? ["--live"] : []),
  ];
  const child = spawnProcess([Deno.execPath(), ...args], options.openFiles, { LOG_LEVEL: "warn" });
  const lines = new JsonLines(child.stdout);
  const { url, liveUrl, competitionId } = await lines.next<{ url: string; liveUrl?: string; competitionId: string }>(
    120_000,
  );
  return {
    child,
    url,
    liveUrl,
    competitionId,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await lines.cancel();
    },
  };
}

/**
 * Spawns `command` (a program and its arguments, e.g. `[Deno.execPath(), "run", …]`)
 * with stdout piped; with `openFiles`, through `sh -c` after `ulimit -n` so
 * the child may hold that many sockets (the child is the `exec`ed program
 * itself, so its pid is the one measured).
 */
export function spawnProcess(
  command: string[],
  openFiles?: number,
  env: Record<string, string> = {},
): Deno.ChildProcess {
  const [program, ...args] = command;
  if (!openFiles) return new Deno.Command(program, { args, env, stdout: "piped", stderr: "inherit" }).spawn();
  const quoted = command.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
  return new Deno.Command("sh", {
    args: ["-c", `ulimit -n ${openFiles} && exec ${quoted}`],
    env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** One call a KV handle was asked, as {@link observedKv} reports it. */
export type KvCall =
  | { kind: "get"; key: Deno.KvKey }
  | { kind: "getMany"; keys: Deno.KvKey[] }
  | { kind: "list"; selector: Deno.KvListSelector; options?: Deno.KvListOptions }
  | { kind: "commit"; mutations: KvMutation[] };

/** A mutation of an atomic operation: the method called and its arguments. */
export interface KvMutation {
  method: "set" | "delete" | "sum" | "enqueue";
  args: unknown[];
}

/**
 * `kv` telling `observe` of every read as it is asked and of every atomic
 * commit, with its mutations, as it is sent (for benchmarks that count or
 * record what the app asks of KV).
 */
export function observedKv(kv: Deno.Kv, observe: (call: KvCall) => void): Deno.Kv {
  return new Proxy(kv, {
    get(target, name) {
      if (name === "get") return (key: Deno.KvKey) => (observe({ kind: "get", key }), target.get(key));
      if (name === "getMany") {
        return (keys: Deno.KvKey[]) => (observe({ kind: "getMany", keys }), target.getMany(keys));
      }
      if (name === "list") {
        return (selector: Deno.KvListSelector, options?: Deno.KvListOptions) => (
          observe({ kind: "list", selector, options }), target.list(selector, options)
        );
      }
      if (name === "atomic") {
        return () => {
          const op = target.atomic();
          const mutations: KvMutation[] = [];
          for (const method of ["set", "delete", "sum", "enqueue"] as const) {
            const original = op[method].bind(op) as (...args: unknown[]) => Deno.AtomicOperation;
            (op as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
              mutations.push({ method, args });
              original(...args);
              return op;
            };
          }
          const commit = op.commit.bind(op);
          op.commit = () => (observe({ kind: "commit", mutations }), commit());
          return op;
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
