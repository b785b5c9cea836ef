/**
 * The season form without JavaScript: its start is offered and read in the
 * reader's zone (the `tz` cookie their browser last set), named beside the
 * field, as on the competition form; its currency is the server's list.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../../testing/test_app.ts";
import { HOUR, postForm } from "../../testing/page_fixtures.ts";
import { ensureIslandBundles } from "../../lib/web/island_build.ts";
import { getSeason } from "../../lib/seasons/seasons.ts";

await ensureIslandBundles();

const CREATOR = "user_creator";

Deno.test("season form - the start is in the reader's zone, named, and saved as that instant", async () => {
  await using t = await createTestApp();
  t.clock.ms = Date.parse("2026-12-06T10:20:00Z");
  const page = await (await t.request("/seasons/new", { userId: CREATOR, headers: { cookie: "tz=Asia/Tokyo" } }))
    .text();
  assert.match(page, /In your time zone: Asia\/Tokyo/);
  assert.match(page, /<input type="hidden" name="timeZone" value="Asia\/Tokyo"/);
  assert.match(page, /<input value="2026-12-06T20:00"[^>]*name="startDate"/, "the next full hour, 11:00 UTC, in Tokyo");
  assert.match(page, /<select[^>]*name="currency"/, "the currency is chosen from the list");
  assert.match(page, /<option value="JPY"/);

  const res = await postForm(t, "/seasons/new", {
    title: "Tokyo League",
    description: "",
    rounds: "3",
    every: "week",
    roundHours: "",
    startDate: "2026-12-07T09:00",
    currency: "USD",
    prize: "30.00",
    prizeSplit: "100",
    metric: "revenue",
    privacy: "open",
    points: "25, 18, 15",
    seasonPrize: "",
    seasonPrizeSplit: "100",
    timeZone: "Asia/Tokyo",
  }, CREATOR);
  assert.equal(res.status, 303, await res.clone().text());
  const season = await getSeason(t.kv, res.headers.get("location")!.split("/")[2]);
  assert.equal(season.startDate, "2026-12-07T00:00:00.000Z", "09:00 in Tokyo");
  assert.ok(Date.parse(season.startDate) > t.clock.ms + 12 * HOUR);
});
