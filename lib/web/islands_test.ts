import assert from "node:assert/strict";
import { h } from "preact";
import { island, serializeIslandProps } from "./islands.ts";

Deno.test("islands - props JSON escapes HTML and line separators", () => {
  const json = serializeIslandProps({
    to: "</script><script>alert(1)</script>",
    note: "a & b\u2028\u2029",
  });
  assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(json), {
    to: "</script><script>alert(1)</script>",
    note: "a & b\u2028\u2029",
  });
});

Deno.test("islands - props that are not JSON are refused", () => {
  assert.throws(() => serializeIslandProps({ onClick: () => {} }), TypeError);
  assert.throws(() => serializeIslandProps({ children: h("p", null) }), TypeError);
});

Deno.test("islands - island names must be snake_case file names", () => {
  assert.throws(() => island(() => null, "Count-Down"));
  assert.equal(island(() => null, "live_board").displayName, "Island(live_board)");
});
