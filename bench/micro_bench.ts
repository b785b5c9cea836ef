/**
 * The per-call costs behind two choices, each against its alternative in
 * the same run: Intl formatters made once and kept (`lib/core/intl_formats.ts`,
 * `lib/core/money.ts`) against one made per call, and bearer ids hashed with
 * node:crypto's synchronous SHA-256 (`lib/core/crypto.ts`) against
 * WebCrypto's async `digest`. Each figure is µs per call, the best of
 * `--rounds` rounds of `--calls` calls.
 *
 *   deno run -A bench/micro_bench.ts [--calls 20000] [--rounds 3]
 */
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { machine, report, round } from "./stats.ts";
import { formatMoney } from "../lib/core/money.ts";
import { sha256Hex } from "../lib/core/crypto.ts";
import { dateTimeFormat } from "../lib/core/intl_formats.ts";
import { DATE_TIME } from "../lib/web/time_text.ts";

const { values } = parseArgs({
  options: { calls: { type: "string", default: "20000" }, rounds: { type: "string", default: "3" } },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
console.log(`machine: ${machine()}; best of ${rounds} rounds of ${calls} calls`);

/** The best µs per call of `work` over the rounds. */
async function perCall(work: (i: number) => unknown): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) await work(i);
    best = Math.min(best, ((performance.now() - started) / calls) * 1000);
  }
  return best;
}

const iso = (i: number) => new Date(Date.UTC(2026, 11, 1) + i * 60_000).toISOString();
const cases: [string, (i: number) => unknown][] = [
  [
    "currency format made per call",
    (i) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(i),
  ],
  ["currency format kept (formatMoney)", (i) => formatMoney(i, "USD")],
  [
    "date-time format made per call",
    (i) => new Intl.DateTimeFormat("en-US", { ...DATE_TIME, timeZone: "Europe/Paris" }).format(new Date(iso(i))),
  ],
  [
    "date-time format kept (readableTime's)",
    (i) => dateTimeFormat("en-US", { ...DATE_TIME, timeZone: "Europe/Paris" }).format(new Date(iso(i))),
  ],
  ["SHA-256 hex, WebCrypto digest", async (i) => {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`session-${i}`));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }],
  ["SHA-256 hex, node:crypto (sha256Hex)", (i) => sha256Hex(`session-${i}`)],
];
if (sha256Hex("abc") !== createHash("sha256").update("abc").digest("hex")) throw new Error("sha256Hex is not SHA-256");
for (const [name, work] of cases) report(name, round(await perCall(work), 3), "µs per call");
