/**
 * The server side of the ingest, freshness and fan-out benchmarks, run as
 * its own process so that its CPU and memory are measured alone: seeds an
 * active competition with `--stores` connected stores (shops
 * `{prefix}-{i}.myshopify.com`) in the KV file `--kv`, serves the real app
 * on 127.0.0.1 and prints one JSON line `{"ready":true,url,competitionId}`.
 * Stops on SIGTERM or SIGINT (or after `--max-seconds`, a safety bound).
 *
 *   LOG_LEVEL=warn deno run -A bench/serve_app.ts --kv /tmp/x/kv.sqlite3 --stores 1000
 */
import { parseArgs } from "node:util";
import { seedCompetition, serveFileApp } from "./support.ts";

const { values } = parseArgs({
  options: {
    kv: { type: "string" },
    stores: { type: "string", default: "100" },
    prefix: { type: "string", default: "bench" },
    "max-seconds": { type: "string", default: "900" },
  },
});
if (!values.kv) throw new Error("--kv is required");

const app = await serveFileApp({ kvPath: values.kv });
const { competition } = await seedCompetition(app.kv, { stores: Number(values.stores), prefix: values.prefix });
console.log(JSON.stringify({ ready: true, url: app.url, competitionId: competition.id, pid: Deno.pid }));

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // Open event streams never end by themselves: give the shutdown two seconds.
  await Promise.race([
    Promise.resolve(app[Symbol.asyncDispose]()).catch(() => {}),
    new Promise((resolve) => setTimeout(resolve, 2000)),
  ]);
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
setTimeout(stop, Number(values["max-seconds"]) * 1000);
