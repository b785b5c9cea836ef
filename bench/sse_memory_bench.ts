/**
 * Where the memory of an open event stream goes: the same `--count` raw
 * HTTP/1.1 clients (`bench/fanout_clients.ts`, in their own process) held
 * open against minimal servers that differ only in how they carry a stream,
 * each alone in its process. Reported: the server's resident memory above
 * idle per connection.
 *
 * - `serve-idle`: `Deno.serve` answering a complete body; the connection
 *   then stays open idle (keep-alive): the cost of a `Deno.serve` connection.
 * - `serve-stream`: `Deno.serve` with a `ReadableStream` body per client (what
 *   `GET …/events` does): adds the native channel behind every streamed body.
 * - `node-http`: `node:http` `createServer`, `res.write` per client.
 * - `raw-tcp`: `Deno.listen`, the response head and frames written to the
 *   socket (what the lean stream server does), with a pending read per
 *   connection to notice the peer closing.
 *
 *   LOG_LEVEL=warn deno run -A bench/sse_memory_bench.ts [--count 4000]
 */
import { parseArgs } from "node:util";
import { createServer, type ServerResponse } from "node:http";
import { machine, report } from "./stats.ts";
import { JsonLines, residentMemory, spawnProcess } from "./support.ts";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "4000" },
    server: { type: "string" },
  },
});
const MODES = ["serve-idle", "serve-stream", "node-http", "raw-tcp"] as const;
type Mode = typeof MODES[number];
const encoder = new TextEncoder();
const frame = encoder.encode('event: leaderboard\nid: 1\ndata: {"entries":[]}\n\n');

/** The server side of one mode: listens on a free port and prints `{"port":n}`. */
async function serve(mode: Mode): Promise<void> {
  const ready = (port: number) => console.log(JSON.stringify({ port }));
  if (mode === "node-http") {
    const open = new Set<ServerResponse>();
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(frame);
      open.add(res);
      req.on("close", () => open.delete(res));
    });
    server.listen(0, "127.0.0.1", () => ready((server.address() as { port: number }).port));
    return;
  }
  if (mode === "raw-tcp") {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    ready(listener.addr.port);
    const head = encoder.encode("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n");
    const ignored = new Uint8Array(256);
    for await (const conn of listener) {
      (async () => {
        await conn.read(new Uint8Array(1024));
        await conn.write(head);
        await conn.write(frame);
        while ((await conn.read(ignored)) !== null) {
          // wait for the peer to close
        }
      })().catch(() => {});
    }
    return;
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    if (mode === "serve-idle") return new Response(frame, { headers: { "content-type": "text/event-stream" } });
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(frame) });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  ready(server.addr.port);
}

if (values.server) {
  await serve(values.server as Mode);
} else {
  const count = Number(values.count);
  console.log(`machine: ${machine()}; ${count} connections per server mode`);
  const script = new URL(import.meta.url).pathname;
  for (const mode of MODES) {
    const server = spawnProcess([Deno.execPath(), "run", "-A", script, "--server", mode], count + 100);
    const serverLines = new JsonLines(server.stdout);
    const { port } = await serverLines.next<{ port: number }>();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = await residentMemory(server.pid);
    const clients = spawnProcess([
      Deno.execPath(),
      "run",
      "-A",
      new URL("./fanout_clients.ts", import.meta.url).pathname,
      "--port",
      String(port),
      "--path",
      "/events",
      "--count",
      String(count),
      "--expect",
      "a marker no server sends",
      "--timeout",
      "600",
    ], count + 100);
    const clientLines = new JsonLines(clients.stdout);
    const { connected } = await clientLines.next<{ connected: number }>(180_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const held = await residentMemory(server.pid);
    report(
      `${mode}: RSS per open connection above idle (${connected} connected; ${idle.rssMb.toFixed(1)} → ${
        held.rssMb.toFixed(1)
      } MiB)`,
      ((held.rssMb - idle.rssMb) * 1024) / connected,
      "KiB",
    );
    clients.kill("SIGKILL");
    await clients.status;
    await clientLines.cancel();
    server.kill("SIGKILL");
    await server.status;
    await serverLines.cancel();
  }
}
