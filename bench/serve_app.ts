/**
 * The server side of the ingest, freshness and fan-out benchmarks, run as
 * its own process so that its CPU and memory are measured alone: seeds an
 * active competition with `--stores` connected stores (shops
 * `{prefix}-{i}.myshopify.com`) in the KV file `--kv`, serves the real app
 * on 127.0.0.1 and prints one JSON line `{"ready":true,url,competitionId}`.
 * With `--competition <id>` it seeds nothing and serves that competition of
 * the KV file (another instance on the same data); with `--live` it also
 * starts the lean stream server (`LIVE_PORT`'s) and prints its `liveUrl`.
 * Stops on SIGTERM or SIGINT (or after `--max-seconds`, a safety bound).
 *
 *   LOG_LEVEL=warn deno run -A bench/serve_app.ts --kv /tmp/x/kv.sqlite3 --stores 1000 [--live] [--competition id]
 */
import { parseArgs } from "node:util";
import { seedCompetition, serveFileApp } from "./support.ts";
import { serveLiveStreams } from "../lib/live/stream_server.ts";

const { values } = parseArgs({
  options: {
    kv: { type: "string" },
    stores: { type: "string", default: "100" },
    prefix: { type: "string", default: "bench" },
    competition: { type: "string" },
    live: { type: "boolean", default: false },
    "max-seconds": { type: "string", default: "900" },
  },
});
if (!values.kv) throw new Error("--kv is required");

const app = await serveFileApp({ kvPath: values.kv });
const competitionId = values.competition ??
  (await seedCompetition(app.kv, { stores: Number(values.stores), prefix: values.prefix })).competition.id;
const streams = values.live
  ? serveLiveStreams({ kv: app.kv, hub: app.live, hostname: "127.0.0.1", port: 0 })
  : undefined;
const liveUrl = streams && `http://127.0.0.1:${streams.addr.port}`;
console.log(JSON.stringify({ ready: true, url: app.url, liveUrl, competitionId, pid: Deno.pid }));

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // Open event streams never end by themselves: give the shutdown two seconds.
  await Promise.race([
    Promise.resolve(streams?.close()).then(() => app.live.close()).then(() => app[Symbol.asyncDispose]()).catch(
      () => {},
    ),
    new Promise((resolve) => setTimeout(resolve, 2000)),
  ]);
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
setTimeout(stop, Number(values["max-seconds"]) * 1000);
