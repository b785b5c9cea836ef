/**
 * Start and weight.
 *
 * - Cold start: `deno run -A main.ts` in sandbox mode on a fresh temp KV path
 *   (islands already built; the module graph cached, as after `deno task
 *   build` or a first start), from spawn to the first 200 on `/healthz`;
 *   median of `--runs` (≥ 5).
 * - Weight: the JavaScript each page ships — every `<script src>` and
 *   `<link rel="modulepreload">`, gzip-compressed — the same rule as
 *   `tests/page_weight_test.ts` (budget 20 KB per page).
 *
 *   LOG_LEVEL=warn deno run -A bench/start_bench.ts [--runs 7]
 */
import { parseArgs } from "node:util";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { createTestApp } from "../testing/test_app.ts";
import { competitionStartedAnHourAgo, draftCompetition } from "../testing/page_fixtures.ts";
import { machine, median, report, round } from "./stats.ts";
import { pageScripts } from "../testing/page_weight.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const runs = Math.max(5, Number(values.runs));
const root = new URL("../", import.meta.url).pathname;

await ensureIslandBundles();

/** A free loopback port (bound then released). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function coldStart(): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl-start-" });
  const port = freePort();
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: root,
    env: { PORT: String(port), KV_PATH: `${dir}/data/cartbrawl.sqlite3`, SANDBOX: "1", LOG_LEVEL: "warn" },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  try {
    const deadline = started + 60_000;
    for (;;) {
      if (performance.now() > deadline) throw new Error("no 200 on /healthz within 60 s");
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        await res.body?.cancel();
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

console.log(`machine: ${machine()}; ${runs} cold starts`);
await coldStart(); // fills the module cache if anything is missing
const times: number[] = [];
for (let i = 0; i < runs; i++) times.push(await coldStart());
console.log(`cold starts: ${times.map((t) => round(t)).join(", ")} ms`);
report("cold start to first 200 on /healthz (median)", median(times), "ms");
report("cold start, slowest", Math.max(...times), "ms");

{
  await using t = await createTestApp();
  const { competition } = await competitionStartedAnHourAgo(t, "creator", 3);
  const draft = await draftCompetition(t, "creator");
  const pages: [string, string, string | undefined][] = [
    ["browse /", "/", undefined],
    ["sign-in /signin", "/signin", undefined],
    ["competition /competitions/:id", `/competitions/${competition.id}`, undefined],
    ["new /competitions/new", "/competitions/new", "creator"],
    ["manage /competitions/:id/manage", `/competitions/${draft.id}/manage`, "creator"],
    ["dashboard /dashboard", "/dashboard", "creator"],
    ["dashboard create tab", "/dashboard?tab=create", "creator"],
    ["my competitions /my-competitions", "/my-competitions", "owner_0"],
  ];
  for (const [name, path, userId] of pages) {
    const { files, gzip } = await pageScripts(t, path, userId);
    report(`JavaScript, ${name} (${files} files)`, gzip, "B gzip (budget 20480)");
  }
}
