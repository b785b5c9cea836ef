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

/** A season form as a browser posts it: two weekly rounds of $300.00, one board, with `fields` over it. */
function seasonForm(fields: Record<string, string> = {}): Record<string, string> {
  return {
    title: "Store League",
    description: "",
    rounds: "2",
    every: "week",
    roundHours: "",
    startDate: "2026-12-07T09:00",
    currency: "USD",
    prize: "300.00",
    prizeSplit: "100",
    metric: "revenue",
    privacy: "open",
    points: "25, 18, 15",
    seasonPrize: "",
    seasonPrizeSplit: "100",
    timeZone: "UTC",
    ...fields,
  };
}

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

  const res = await postForm(
    t,
    "/seasons/new",
    seasonForm({ title: "Tokyo League", rounds: "3", prize: "30.00", timeZone: "Asia/Tokyo" }),
    CREATOR,
  );
  assert.equal(res.status, 303, await res.clone().text());
  const season = await getSeason(t.kv, res.headers.get("location")!.split("/")[2]);
  assert.equal(season.startDate, "2026-12-07T00:00:00.000Z", "09:00 in Tokyo");
  assert.ok(Date.parse(season.startDate) > t.clock.ms + 12 * HOUR);
});

Deno.test("season form - the rounds' divisions are the competition form's rows; a refused row keeps its text and says why", async () => {
  await using t = await createTestApp();
  t.clock.ms = Date.parse("2026-12-06T10:20:00Z");
  const page = await (await t.request("/seasons/new", { userId: CREATOR })).text();
  assert.match(page, /<summary>Divisions \(optional\): boards by store size<\/summary>/);
  assert.match(
    page,
    /<input[^>]*form="create-season"[^>]*name="divisions.0.name"|name="divisions.0.name"[^>]*form="create-season"/,
  );

  const rising = { "divisions.0.name": "Rising", "divisions.0.upTo": "1000.00", "divisions.0.prize": "100.00" };
  // A row without a name, with a split that is not 100 %: each message beside its row's field, the rows as posted.
  const refused = await postForm(
    t,
    "/seasons/new",
    seasonForm({
      ...rising,
      "divisions.0.prizeSplit": "70, 30",
      "divisions.1.prize": "200.00",
      "divisions.1.prizeSplit": "60, 30, 150",
    }),
    CREATOR,
  );
  assert.equal(refused.status, 400);
  const html = await refused.text();
  assert.match(html, /<details class="division-fields" open/);
  assert.match(html, /value="60, 30, 150"/, "the rows come back as posted");
  assert.match(html, /name="divisions.1.name"[\s\S]{0,400}Give division 2 a name\./);
  assert.match(html, /name="divisions.1.prizeSplit"[\s\S]{0,400}The shares add up to 240%/);
  // Divisions' prizes that do not make the round's prize: said beside the prize.
  const short = await postForm(
    t,
    "/seasons/new",
    seasonForm({
      ...rising,
      "divisions.1.name": "Established",
      "divisions.1.prize": "150.00",
    }),
    CREATOR,
  );
  assert.equal(short.status, 400);
  assert.match(await short.text(), /the divisions(&#39;|')? prizes add up to 250\.00/);

  const res = await postForm(
    t,
    "/seasons/new",
    seasonForm({
      ...rising,
      "divisions.0.prizeSplit": "70, 30",
      "divisions.1.name": "Established",
      "divisions.1.prize": "200.00",
      "divisions.1.prizeSplit": "60, 30, 10",
    }),
    CREATOR,
  );
  assert.equal(res.status, 303, await res.clone().text());
  const season = await getSeason(t.kv, res.headers.get("location")!.split("/")[2]);
  assert.deepEqual(season.template.divisions, [
    { name: "Rising", upTo: 100_000, prize: 10_000, prizeSplit: [70, 30] },
    { name: "Established", prize: 20_000, prizeSplit: [60, 30, 10] },
  ]);
});
