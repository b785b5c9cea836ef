/**
 * The soak's CI version (`bench/soak.ts`, 10 minutes by hand): 60 s of two
 * instances on one KV file under ten times the demo customers' pace, 200
 * open streams, instance B killed with SIGKILL every 15 s and restarted.
 * Every total must equal Shopify's accepted orders, no transfer be made
 * twice, and no stream stay stale more than 5 s after a restart. Memory
 * growth is printed, not asserted here: in 60 s the KV and group-commit
 * caches are still filling (the 10-minute run shows them level off after
 * about 5 minutes; BENCHMARKS.md), so the 5 % rule is the long run's.
 */
import assert from "node:assert/strict";
import { runSoak } from "../bench/soak.ts";

Deno.test({
  name: "soak - 60 s, two instances on one KV file, one killed every 15 s: totals exact, paid once, streams fresh",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const lines: string[] = [];
    const report = await runSoak({
      seconds: 60,
      killEverySeconds: 15,
      streams: 200,
      stores: 10,
      ordersPerMinute: 20,
      seed: 20261206,
      print: (line) => lines.push(line),
    });
    const failures = report.failures.filter((failure) => !/^instance \w grew/.test(failure));
    assert.deepEqual(failures, [], lines.join("\n"));
    console.log(report.memoryGrowth.map((m) => `instance ${m.instance}: ${(m.growth * 100).toFixed(1)} %`).join("; "));
    assert.ok(report.ordersAccepted > 100, `orders accepted: ${report.ordersAccepted}`);
    assert.equal(report.restarts, 3);
    assert.equal(report.transfers.competitionsSettled, report.transfers.competitionsToSettle);
    assert.ok(report.transfers.made > 0, "ended competitions were paid out during the soak");
  },
});
