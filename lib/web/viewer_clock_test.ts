import assert from "node:assert/strict";
import { Hono } from "hono";
import { h } from "preact";
import { useContext } from "preact/hooks";
import { readableTime, readTimeZone, relativeTime, ViewerClockContext } from "./viewer_clock.ts";
import { formatDateTime } from "./time_text.ts";
import { renderPage } from "./render.tsx";

Deno.test("reader clock - a zone cookie is read only when it names a zone the runtime knows", () => {
  assert.equal(readTimeZone("America/Los_Angeles"), "America/Los_Angeles");
  assert.equal(readTimeZone("Asia/Tokyo"), "Asia/Tokyo");
  // A three-part name is read, by the name the runtime gives the zone (an alias may be given as its zone): the same times.
  const buenosAires = readTimeZone("America/Argentina/Buenos_Aires");
  assert.ok(buenosAires);
  const iso = "2026-12-02T00:00:00.000Z";
  assert.equal(formatDateTime(iso, buenosAires), formatDateTime(iso, "America/Argentina/Buenos_Aires"));
  for (const forged of [undefined, "", "Mars/Olympus", "<b>", "Europe/../../etc", "x".repeat(65), "UTC; path=/"]) {
    assert.equal(readTimeZone(forged), undefined, String(forged));
  }
  // Asked again (the answer remembered), the same.
  assert.equal(readTimeZone("Asia/Tokyo"), "Asia/Tokyo");
  assert.equal(readTimeZone("Mars/Olympus"), undefined);
  // Any spelling the runtime accepts is the zone by its own name: one zone, one set of formatters and renderings.
  assert.equal(readTimeZone("europe/paris"), "Europe/Paris");
  assert.equal(readTimeZone("EUROPE/PARIS"), "Europe/Paris");
  assert.equal(readTimeZone("utc"), "UTC");
});

Deno.test("reader clock - a time is written in the reader's zone, named, or relative to now before the zone is known", () => {
  const iso = "2026-12-02T00:00:00.000Z";
  const now = Date.parse(iso) - 3 * 86_400_000 - 3_600_000;
  assert.equal(readableTime(iso, "America/Los_Angeles", now), "Dec 1, 2026, 16:00 PST");
  assert.equal(readableTime(iso, "Asia/Tokyo", now), "Dec 2, 2026, 09:00 GMT+9");
  assert.equal(readableTime(iso, undefined, now), "in 3 days");
  assert.equal(relativeTime(-2 * 3_600_000 - 5), "2 hours ago");
  assert.equal(relativeTime(-90_000), "1 minute ago");
  assert.equal(relativeTime(20_000), "just now");
  assert.equal(formatDateTime(iso, "UTC"), "Dec 2, 2026, 00:00 UTC");
});

Deno.test("reader clock - a page is rendered with the zone its browser put in the cookie, else with none", async () => {
  const Probe = () => {
    const clock = useContext(ViewerClockContext);
    return h("p", { id: "clock" }, `${clock.timeZone ?? "none"} ${clock.now}`);
  };
  const app = new Hono().get("/", (c) => renderPage(c, { title: "T", body: h(Probe, null), now: 1234 }));
  const page = async (cookie?: string) => await (await app.request("/", { headers: cookie ? { cookie } : {} })).text();
  assert.match(await page("tz=Asia/Tokyo"), /<p id="clock">Asia\/Tokyo 1234<\/p>/);
  assert.match(await page("tz=Nowhere/Land"), /<p id="clock">none 1234<\/p>/);
  assert.match(await page(), /<p id="clock">none 1234<\/p>/);
});
