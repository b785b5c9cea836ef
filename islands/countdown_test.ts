import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import Countdown, { formatRemaining } from "./countdown.tsx";

Deno.test("islands - countdown formats the remaining time", () => {
  assert.equal(formatRemaining(0), "0s");
  assert.equal(formatRemaining(-5000), "0s");
  assert.equal(formatRemaining(999), "1s");
  assert.equal(formatRemaining(3_723_000), "1h 2m");
  assert.equal(formatRemaining(6 * 86_400_000 + 23 * 3_600_000 + 59 * 60_000 + 50_000), "6d 23h");
  assert.equal(formatRemaining(125_000), "2m 5s");
  assert.equal(formatRemaining(2 * 86_400_000 + 5000), "2d 0h");
});

Deno.test("islands - countdown renders its text on the server", () => {
  const to = new Date(Date.now() + 90_500).toISOString();
  const html = renderToString(h(Countdown, { to }));
  assert.match(html, /^<time class="countdown" datetime="[^"]+" role="timer">1m 3[01]s<\/time>$/);
  assert.equal(
    renderToString(h(Countdown, { to: "soon" })),
    '<time class="countdown" datetime="soon" role="timer">soon</time>',
  );
});
