/**
 * The lean stream server: `GET /api/competitions/:id/events` on its own port
 * (`LIVE_PORT`), speaking just enough HTTP/1.1 to open an event stream on a
 * raw TCP connection. Under `Deno.serve` an open event stream costs ~60 KiB
 * (the connection, plus a native channel of 1,024 buffer slots behind every
 * streamed body); here it costs the socket, one small object and a pending
 * read (see BENCHMARKS.md), so one process holds several times more
 * subscribers. The frames are the hub's, shared with the `Deno.serve` route.
 *
 * Each connection carries one stream and ends with it (`connection: close`):
 * no keep-alive, no request body, no chunked encoding.
 */
import { ID_PATTERN, keys } from "../core/db.ts";
import { log } from "../core/log.ts";
import type { LiveHub } from "./hub.ts";
import type { Competition } from "../competitions/competitions.ts";
import { isPubliclyVisible } from "../competitions/privacy.ts";
import { requestedDivision } from "../competitions/divisions.ts";
import { ValidationError } from "../core/errors.ts";

/** How the lean stream server is started. */
export interface LiveStreamServerOptions {
  kv: Deno.Kv;
  hub: LiveHub;
  port: number;
  /** The address to listen on: the app's own (`LISTEN_ADDRESS`), never a default that opens it wider. */
  hostname: string;
  /** A connection that has not sent its whole request head by then is closed, ms (default 10 000). */
  requestTimeoutMs?: number;
}

/** A running lean stream server. */
export interface LiveStreamServer extends AsyncDisposable {
  addr: Deno.NetAddr;
  /** Stops accepting; open streams end with the hub. */
  close(): Promise<void>;
}

const MAX_HEAD_BYTES = 8 * 1024;
const ACCEPT_BACKOFF_MS = 100;
const PATH = /^\/api\/competitions\/([^/?#]+)\/events(?:\?(.*))?$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The response head of every event stream (the same headers as the `Deno.serve` route). */
const STREAM_HEAD = encoder.encode(
  "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n" +
    "x-accel-buffering: no\r\nconnection: close\r\n\r\n",
);

/**
 * Listens on `port` and serves event streams from `hub`.
 *
 * @example
 * const server = serveLiveStreams({ kv, hub, hostname: config.listenAddress, port: 8001 });
 */
export function serveLiveStreams(options: LiveStreamServerOptions): LiveStreamServer {
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const accepting = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) return; // closed
        // Out of file descriptors (or another transient failure): wait for connections to close, keep listening.
        log("warn", "live stream server cannot accept", { error });
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_BACKOFF_MS));
        continue;
      }
      accept(options, conn, timeoutMs).catch((error) => {
        log("warn", "live stream connection failed", { error });
        closeQuietly(conn);
      });
    }
  })();
  const close = async () => {
    closeQuietly(listener);
    await accepting;
  };
  return { addr: listener.addr as Deno.NetAddr, close, [Symbol.asyncDispose]: close };
}

/** Reads one request head, answers an error or hands the connection to the hub. */
async function accept(options: LiveStreamServerOptions, conn: Deno.Conn, timeoutMs: number): Promise<void> {
  const timer = setTimeout(() => closeQuietly(conn), timeoutMs);
  let head: string | undefined;
  try {
    head = await readHead(conn);
  } finally {
    clearTimeout(timer);
  }
  if (head === undefined) return answer(conn, 400, { error: "The request head is incomplete or too large." });
  const [method, target] = head.slice(0, head.indexOf("\r\n")).split(" ");
  const match = PATH.exec(target ?? "");
  if (!match) return answer(conn, 404, { error: "Not found." });
  if (method !== "GET") return answer(conn, 405, { error: "Event streams are read with GET." });
  const id = match[1];
  // No cookies or tokens here: only competitions anyone may follow (funded, not a Whop community's). Their
  // creators and community members follow the others through the app's own path.
  const competition = ID_PATTERN.test(id) ? (await options.kv.get<Competition>(keys.competition(id))).value : null;
  if (!competition || !isPubliclyVisible(competition)) {
    return answer(conn, 404, { error: "There is no competition with that id." });
  }
  let division: number | undefined;
  try {
    division = requestedDivision(competition, new URLSearchParams(match[2] ?? "").get("division") ?? undefined);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return answer(conn, 400, { error: error.message });
  }
  options.hub.openSocket(id, conn, STREAM_HEAD, division);
}

/** The request head (up to the blank line), or undefined when the peer stopped or it is too large. */
async function readHead(conn: Deno.Conn): Promise<string | undefined> {
  // Most request heads fit the first kibibyte; the buffer grows only for larger ones.
  let buffer = new Uint8Array(1024);
  let length = 0;
  for (;;) {
    if (length === buffer.byteLength) {
      if (length >= MAX_HEAD_BYTES) return undefined;
      const larger = new Uint8Array(length * 2);
      larger.set(buffer);
      buffer = larger;
    }
    const n = await conn.read(buffer.subarray(length)).catch(() => null);
    if (n === null) return undefined;
    length += n;
    const text = decoder.decode(buffer.subarray(0, length));
    if (text.includes("\r\n\r\n")) return text;
  }
}

/** Answers a JSON error and closes the connection. */
async function answer(conn: Deno.Conn, status: 400 | 404 | 405, body: { error: string }): Promise<void> {
  const json = encoder.encode(JSON.stringify(body));
  const reason = { 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed" }[status];
  const head =
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${json.byteLength}\r\n` +
    "connection: close\r\n\r\n";
  try {
    const bytes = new Uint8Array([...encoder.encode(head), ...json]);
    for (let offset = 0; offset < bytes.byteLength;) offset += await conn.write(bytes.subarray(offset));
  } catch {
    // The peer left; nothing to answer.
  }
  closeQuietly(conn);
}

function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch {
    // Already closed.
  }
}
