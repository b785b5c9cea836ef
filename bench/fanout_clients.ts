/**
 * A worker of `bench/fanout_bench.ts`: opens `--count` raw HTTP/1.1
 * connections to an event stream, waits for each one's first `leaderboard`
 * event (then it is subscribed), prints `{"connected":n}`, and records when
 * each connection first sees each marker of `--expect` (`|`-separated
 * strings such as `"revenue":"10000.00"`, which arrive in that order and stay
 * in every later frame, as the bench's totals do). Prints `{"received":[[epochMs…]…]}`
 * (one array per marker, one time per connection that saw it) once every
 * connection saw every marker, or after `--timeout` seconds. Both lines carry
 * `cpu`, the CPU seconds the worker had used by then.
 *
 * The worker shares the cores with the servers it measures, so a read costs
 * what it must and no more: each read is decoded once, together with the
 * tail of the one before (a marker split across two reads is found), into
 * one flat string; no string grows across reads.
 *
 *   deno run -A bench/fanout_clients.ts --port 8000 --path /api/competitions/x/events --count 2500 --expect 'a|b'
 */
import { parseArgs } from "node:util";
import { cpuSeconds, epochMs } from "./support.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    path: { type: "string" },
    count: { type: "string", default: "2500" },
    expect: { type: "string", default: "" },
    timeout: { type: "string", default: "120" },
    batch: { type: "string", default: "100" },
    buffer: { type: "string", default: "8192" },
  },
});
const count = Number(values.count);
const markers = values.expect.split("|").filter(Boolean);
const SUBSCRIBED = "event: leaderboard";
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Bytes kept from the end of one read for the next, so a marker split across two reads is found. */
const TAIL = Math.max(...[SUBSCRIBED, ...markers].map((marker) => encoder.encode(marker).byteLength)) - 1;
const received: number[][] = markers.map(() => []);
const request = encoder.encode(
  `GET ${values.path} HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n`,
);
let subscribed = 0;
let complete = 0;
let failed = 0;
const conns: Deno.TcpConn[] = [];
let finish: () => void = () => {};
const done = new Promise<void>((resolve) => (finish = resolve));

async function client(): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(values.port) });
  conns.push(conn);
  await conn.write(request);
  // [tail of the previous read | this read]
  const buffer = new Uint8Array(TAIL + Number(values.buffer));
  let kept = 0;
  let next = 0;
  let isSubscribed = false;
  let isComplete = false;
  for (;;) {
    const n = await conn.read(buffer.subarray(kept)).catch(() => null);
    if (n === null) {
      failed++;
      return;
    }
    const at = epochMs();
    const length = kept + n;
    const text = decoder.decode(buffer.subarray(0, length));
    if (!isSubscribed && text.includes(SUBSCRIBED)) {
      isSubscribed = true;
      subscribed++;
    }
    // Markers arrive in order and stay (each update gives one more store its unique total): the ones a read holds
    // are the next unseen ones, so the search stops at the first missing one.
    while (next < markers.length && text.includes(markers[next])) received[next++].push(at);
    // Counted once: the reads after the last marker (heartbeats, later frames) are not more completions.
    if (!isComplete && next === markers.length && isSubscribed) {
      isComplete = true;
      if (++complete === count) finish();
    }
    kept = Math.min(TAIL, length);
    buffer.copyWithin(0, length - kept, length);
  }
}

for (let i = 0; i < count; i += Number(values.batch)) {
  const size = Math.min(Number(values.batch), count - i);
  for (let j = 0; j < size; j++) client().catch(() => failed++);
  const target = i + size;
  const deadline = Date.now() + 30_000;
  while (subscribed + failed < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}
console.log(JSON.stringify({ connected: subscribed, failed, cpu: await cpuSeconds(Deno.pid) }));
const timer = setTimeout(finish, Number(values.timeout) * 1000);
if (markers.length === 0 || complete === count) finish();
await done;
clearTimeout(timer);
console.log(JSON.stringify({ received, complete, failed, cpu: await cpuSeconds(Deno.pid) }));
for (const conn of conns) {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
Deno.exit(0);
