import assert from "node:assert/strict";
import { SHARED_FOR_MS, SHARED_RENDERS_KEPT, SharedRenders } from "./shared_renders.ts";

/** A render that answers `version` with numbered HTML when released, counting its calls. */
function renderer(version: string) {
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  return {
    get calls() {
      return calls;
    },
    release,
    render: async () => {
      calls++;
      const n = calls;
      await gate;
      return { version, html: `html ${version} #${n}` };
    },
  };
}

Deno.test("shared renders - readers of one version wait for one rendering and reuse it while fresh", async () => {
  const renders = new SharedRenders<{ version: string; html: string }>();
  const r = renderer("ACTIVE:");
  const waiting = Array.from({ length: 5 }, () => renders.rendering("k", "ACTIVE:", 1000, r.render));
  r.release();
  const answers = await Promise.all(waiting);
  assert.equal(r.calls, 1);
  assert.deepEqual(answers.map((a) => a.source), ["rendered", "shared", "shared", "shared", "shared"]);
  assert.ok(answers.every((a) => a.rendering.html === "html ACTIVE: #1"));
  assert.equal((await renders.rendering("k", "ACTIVE:", 1000 + SHARED_FOR_MS - 1, r.render)).source, "shared");
  // Aged: rendered again.
  assert.equal(
    (await renders.rendering("k", "ACTIVE:", 1000 + SHARED_FOR_MS, r.render)).rendering.html,
    "html ACTIVE: #2",
  );
  // A clock moved back does not stretch a rendering's life.
  assert.equal((await renders.rendering("k", "ACTIVE:", 0, r.render)).rendering.html, "html ACTIVE: #3");
  // Another key is its own rendering.
  assert.equal((await renders.rendering("other", "ACTIVE:", 1000, r.render)).source, "rendered");
});

Deno.test("shared renders - a rendering is kept under the version it found, not the one asked for", async () => {
  const renders = new SharedRenders<{ version: string; html: string }>();
  const newer = renderer("SETTLING:");
  newer.release();
  // A reader behind the stream asks for the old version and is answered with the truth…
  assert.equal((await renders.rendering("k", "ACTIVE:", 0, newer.render)).rendering.html, "html SETTLING: #1");
  // …which answers the readers who heard of the new one, and not those asking for the old one again.
  assert.deepEqual(await renders.rendering("k", "SETTLING:", 1, newer.render), {
    rendering: { version: "SETTLING:", html: "html SETTLING: #1" },
    source: "shared",
  });
  assert.equal((await renders.rendering("k", "ACTIVE:", 2, newer.render)).source, "rendered");
});

Deno.test("shared renders - a failed rendering fails its waiters and is forgotten", async () => {
  const renders = new SharedRenders<{ version: string; html: string }>();
  let calls = 0;
  const failing = async () => {
    calls++;
    await Promise.resolve();
    throw new Error("no such competition");
  };
  const results = await Promise.allSettled([
    renders.rendering("k", "ACTIVE:", 0, failing),
    renders.rendering("k", "ACTIVE:", 0, failing),
  ]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  assert.equal(calls, 1);
  const ok = renderer("ACTIVE:");
  ok.release();
  assert.deepEqual(await renders.rendering("k", "ACTIVE:", 0, ok.render), {
    rendering: { version: "ACTIVE:", html: "html ACTIVE: #1" },
    source: "rendered",
  });
});

Deno.test("shared renders - at most SHARED_RENDERS_KEPT are kept, the oldest forgotten first", async () => {
  const renders = new SharedRenders<{ version: string; html: string }>();
  const r = renderer("V");
  r.release();
  for (let i = 0; i <= SHARED_RENDERS_KEPT; i++) await renders.rendering(`k${i}`, "V", 0, r.render);
  assert.equal(r.calls, SHARED_RENDERS_KEPT + 1);
  // The newest is still kept; the first was forgotten when the limit was passed.
  assert.equal((await renders.rendering(`k${SHARED_RENDERS_KEPT}`, "V", 0, r.render)).source, "shared");
  assert.equal((await renders.rendering("k0", "V", 0, r.render)).source, "rendered");
});
