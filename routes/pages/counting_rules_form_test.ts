/**
 * The create and edit forms' counting rules without JavaScript: counting
 * manual orders (a checkbox) and the customer cap (an amount, with a
 * suggested value in its hint). They are saved as the API saves them, a bad
 * cap is shown next to its field, an empty cap removes it, and both are
 * locked (shown, disabled) once the prize is funded.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../../testing/test_app.ts";
import { draftCompetition, fieldError, HOUR, postForm } from "../../testing/page_fixtures.ts";
import { ensureIslandBundles } from "../../lib/web/island_build.ts";
import { getCompetition, updateCompetition } from "../../lib/competitions/competitions.ts";

await ensureIslandBundles();

const CREATOR = "user_creator";

function form(start: number, patch: Record<string, string> = {}): Record<string, string> {
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  return {
    title: "Fair Cup",
    description: "",
    prize: "500.00",
    currency: "USD",
    prizeSplit: "100",
    metric: "revenue",
    startDate: iso(start),
    endDate: iso(start + 48 * HOUR),
    duration: "custom",
    timeZone: "UTC",
    ...patch,
  };
}

Deno.test("counting rules form - the create form offers both rules, suggests a cap, and saves them", async () => {
  await using t = await createTestApp();
  const page = await (await t.request("/competitions/new", { userId: CREATOR })).text();
  assert.match(page, /<legend>What counts<\/legend>/);
  assert.match(page, /<input type="checkbox" id="field-countManualOrders" name="countManualOrders" value="on"/);
  assert.match(page, /Draft orders and orders paid through a manual gateway/);
  assert.match(page, /name="customerCap"/);
  assert.match(page, /A quarter of the prize is a good start/, "no prize typed yet: the rule of thumb");

  const start = t.clock.ms + 2 * HOUR;
  const res = await postForm(
    t,
    "/competitions/new",
    form(start, { countManualOrders: "on", customerCap: "150" }),
    CREATOR,
  );
  assert.equal(res.status, 303);
  const created = await getCompetition(t.kv, res.headers.get("location")!.split("/")[2]);
  assert.deepEqual([created.countManualOrders, created.customerCap], [true, 15_000]);

  const plain = await postForm(t, "/competitions/new", form(start), CREATOR);
  const defaults = await getCompetition(t.kv, plain.headers.get("location")!.split("/")[2]);
  assert.equal(defaults.countManualOrders === true, false, "unticked: manual orders are held");
  assert.equal(defaults.customerCap, undefined, "empty: no cap");
});

Deno.test("counting rules form - a bad cap is shown next to its field, with the suggestion from the prize typed", async () => {
  await using t = await createTestApp();
  const start = t.clock.ms + 2 * HOUR;
  const cases: [string, string][] = [
    ["-5", "Enter the customer cap as an amount such as 250.00."],
    ["lots", "Enter the customer cap as an amount such as 250.00."],
    ["0", "The customer cap must be more than zero."],
    ["10.005", "USD amounts have at most 2 decimal places."],
  ];
  for (const [cap, message] of cases) {
    const res = await postForm(t, "/competitions/new", form(start, { customerCap: cap }), CREATOR);
    assert.equal(res.status, 400, cap);
    const html = await res.text();
    assert.equal(fieldError(html, "customerCap"), message, cap);
    assert.equal(fieldError(html, "prize"), undefined, cap);
    assert.match(html, /Suggested: 125\.00 USD, a quarter of the prize/, cap);
  }
  const orders = await postForm(t, "/competitions/new", form(start, { metric: "orders", customerCap: "x" }), CREATOR);
  assert.match(await orders.text(), /ranked by orders, one order per customer per day counts/);
});

Deno.test("counting rules form - editing a draft changes or removes them; once funded they are shown and locked", async () => {
  await using t = await createTestApp();
  const draft = await draftCompetition(t, CREATOR);
  const start = Date.parse(draft.startDate);
  const edit = (patch: Record<string, string>) =>
    postForm(t, `/competitions/${draft.id}/manage/edit`, form(start, patch), CREATOR);
  assert.equal((await edit({ countManualOrders: "on", customerCap: "80.00" })).status, 303);
  let stored = await getCompetition(t.kv, draft.id);
  assert.deepEqual([stored.countManualOrders, stored.customerCap], [true, 8_000]);
  let html = await (await t.request(`/competitions/${draft.id}/manage`, { userId: CREATOR })).text();
  assert.match(html, /name="countManualOrders" value="on" checked/);
  assert.match(html, /name="customerCap"[^>]*value="80\.00"|value="80\.00"[^>]*name="customerCap"/);

  assert.equal((await edit({})).status, 303, "unticked and empty");
  stored = await getCompetition(t.kv, draft.id);
  assert.deepEqual([stored.countManualOrders === true, stored.customerCap], [false, undefined]);

  assert.equal((await edit({ customerCap: "60" })).status, 303);
  await updateCompetition(t.kv, draft.id, t.clock.ms, "status", (c) => ({ ...c, status: "UPCOMING", fundsTxId: "p" }));
  html = await (await t.request(`/competitions/${draft.id}/manage`, { userId: CREATOR })).text();
  assert.match(html, /name="countManualOrders" value="on" disabled/);
  assert.match(html, /<input value="60\.00" disabled[^>]*name="customerCap"/);
  assert.match(html, /The prize is funded, so the rules are locked/);
  // A funded competition's form does not send its locked fields: a title edit keeps the cap.
  const { countManualOrders: _, customerCap: __, prize: ___, ...editable } = form(start, { title: "Fair Cup II" });
  const res = await postForm(t, `/competitions/${draft.id}/manage/edit`, editable, CREATOR);
  assert.equal(res.status, 303);
  stored = await getCompetition(t.kv, draft.id);
  assert.deepEqual([stored.title, stored.customerCap], ["Fair Cup II", 6_000]);
});
