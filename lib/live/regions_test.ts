import assert from "node:assert/strict";
import { liveRegionsVersion, REFRESH_WITHIN_MAX_MS, REFRESH_WITHIN_MIN_MS, refreshWithinMs } from "./regions.ts";

Deno.test("live regions - the version names the status and the disqualified stores, with no white space at its edges", () => {
  assert.equal(liveRegionsVersion("ACTIVE", []), "ACTIVE:");
  assert.equal(liveRegionsVersion("SETTLING", ["p_1", "p_7"]), "SETTLING:p_1,p_7");
  assert.equal(liveRegionsVersion("ACTIVE", []).trim(), liveRegionsVersion("ACTIVE", []));
});

Deno.test("live regions - a refresh's window: a second up to a thousand readers, a millisecond per reader, at most 20 s", () => {
  assert.deepEqual([0, 1, 1000, 2500, 10_000, 20_000, 50_000].map(refreshWithinMs), [
    REFRESH_WITHIN_MIN_MS,
    REFRESH_WITHIN_MIN_MS,
    1000,
    2500,
    10_000,
    REFRESH_WITHIN_MAX_MS,
    REFRESH_WITHIN_MAX_MS,
  ]);
});
