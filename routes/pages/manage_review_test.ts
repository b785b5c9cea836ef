/**
 * The manage page's review queue without JavaScript: held orders first, then
 * flagged ones; a decision is a form post that comes back to the queue (303),
 * moves the board, is logged with the creator's name and reaches the store's
 * "Your orders" with the note quoted as the creator's; once the results are
 * final the queue is read-only and a post is refused with a sentence.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../testing/test_app.ts";
import { competitionStartedAnHourAgo, HOUR, postForm } from "../../testing/page_fixtures.ts";
import { orderAt } from "../../testing/orders.ts";
import { ensureIslandBundles } from "../../lib/web/island_build.ts";
import { recordOrder } from "../../lib/competitions/revenue.ts";
import { updateCompetition } from "../../lib/competitions/competitions.ts";
import { flagIdOf } from "../../lib/competitions/order_book.ts";
import { updateParticipant } from "../../lib/competitions/participants.ts";
import { saveUser } from "../../lib/core/users.ts";
import { REVIEW_SHOWN } from "../../lib/competitions/page_views/manage.ts";

await ensureIslandBundles();

const CREATOR = "user_casey";

/** A race with two stores: store 0 has a draft order and a pending payment held, and an order Shopify says to investigate. */
async function raceWithFlags(t: TestApp) {
  await saveUser(t.kv, { id: CREATOR, name: "Casey Creator" }, t.clock.ms);
  const { competition, participants } = await competitionStartedAnHourAgo(t, CREATOR, 2);
  const [store] = participants;
  for (const p of participants) {
    await updateParticipant(t.kv, p.id, t.clock.ms, "sync", (current) => ({
      ...current,
      history: { revenue: 7_200_000, hours: 720, orders: 720 },
    }));
  }
  const at = Date.parse(competition.startDate) + 10 * 60_000;
  await recordOrder(t.kv, store.id, orderAt(at + 3000, "1003", 15_00, 0, { risk: "investigate" }), t.clock.ms);
  await recordOrder(t.kv, store.id, orderAt(at, "1001", 90_00, 0, { manual: true }), t.clock.ms);
  await recordOrder(t.kv, store.id, orderAt(at + 2000, "1002", 25_00, 0, { payment: "pending" }), t.clock.ms);
  await recordOrder(t.kv, participants[1].id, orderAt(at, "2001", 50_00), t.clock.ms);
  return { competition, store, other: participants[1] };
}

/** The review items of the queue, in order: `orderId state`. */
function queue(html: string): string[] {
  const open = html.match(/<ol class="review-list" aria-label="Orders waiting for a decision">([\s\S]*?)<\/ol>/)?.[1] ??
    "";
  return [...open.matchAll(/<span class="tag[^"]*">([^<]+)<\/span>[\s\S]*?<strong>Order #(\d+)<\/strong>/g)]
    .map((m) => `${m[2]} ${m[1]}`);
}

async function managePage(t: TestApp, id: string): Promise<string> {
  const res = await t.request(`/competitions/${id}/manage`, { userId: CREATOR });
  assert.equal(res.status, 200);
  return await res.text();
}

Deno.test("manage review - held orders first, then flagged; a form post decides, moves the board, is logged and reaches the store", async () => {
  await using t = await createTestApp();
  const { competition, store } = await raceWithFlags(t);
  const html = await managePage(t, competition.id);
  assert.deepEqual(queue(html), [
    "1001 Held · draft or manual order",
    "1002 Held · payment pending",
    "1003 Counting, flagged · Shopify fraud analysis",
  ]);
  assert.match(html, /Orders to review<span class="count">3<\/span>/);
  assert.match(html, /Created from a draft order or paid through a manual gateway/);
  const flagId = flagIdOf(store.id, "1001");
  assert.match(html, new RegExp(`<form method="post" action="/competitions/${competition.id}/manage/flags/${flagId}"`));
  // The board counts the store's orders: 1 counted (the flagged one), 2 held.
  assert.match(html, /<td class="num hide-narrow">1<span class="order-counts"><span>2 held<\/span><\/span><\/td>/);

  const res = await postForm(
    t,
    `/competitions/${competition.id}/manage/flags/${flagId}`,
    { decision: "count", note: "Paid by bank transfer, I checked" },
    CREATOR,
  );
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), `/competitions/${competition.id}/manage?decided=${flagId}#review`);
  const after = await (await t.request(res.headers.get("location")!, { userId: CREATOR })).text();
  assert.match(after, /Order #1001 of Store 0 now counts: the board has moved and the store has been told\./);
  assert.deepEqual(queue(after), ["1002 Held · payment pending", "1003 Counting, flagged · Shopify fraud analysis"]);
  assert.match(
    after,
    /Counted by you[\s\S]*?Order #1001[\s\S]*?Your note to the store: <q>Paid by bank transfer, I checked<\/q>/,
  );
  // The audit log names the creator and says what was done to which order, and why it was held.
  assert.match(
    after,
    /<td data-label="Who"><span title="Whop user user_casey">Casey Creator<\/span><\/td><td data-label="What"><span class="audit-what">Counted order #1001 of Store 0 <span class="muted">store-0\.myshopify\.com<\/span><span class="audit-why">draft or manual order<\/span><\/span><\/td><td data-label="Reason or note">Paid by bank transfer, I checked<\/td>/,
  );
  assert.doesNotMatch(after, /Reinstated/);
  const board = await (await t.request(`/api/competitions/${competition.id}/leaderboard`)).json();
  const entry = board.entries.find((e: { participantId: string }) => e.participantId === store.id);
  assert.deepEqual([entry.revenue, entry.orderCounts], ["105.00", { counted: 2, held: 1, excluded: 0 }]);

  // The store sees the decision and the note, quoted as the creator's.
  const own = await (await t.request(`/competitions/${competition.id}`, { userId: store.userId })).text();
  assert.match(
    own,
    /#1001<\/th>[\s\S]*?<strong>Yes: counted by the creator<\/strong><span class="order-why">The creator reviewed it \(draft or manual order\) and counted it in full\.<\/span><span class="order-note">The creator's note: <q>Paid by bank transfer, I checked<\/q>/,
  );
  assert.match(
    own,
    /#1002<\/th>[\s\S]*?<strong>Held<\/strong><span class="order-why">Shopify says the payment is still pending/,
  );

  // The same decision again answers the same state; the other one is refused with a sentence.
  const again = await postForm(
    t,
    `/competitions/${competition.id}/manage/flags/${flagId}`,
    { decision: "count" },
    CREATOR,
  );
  assert.equal(again.status, 303);
  const refused = await postForm(
    t,
    `/competitions/${competition.id}/manage/flags/${flagId}`,
    { decision: "exclude" },
    CREATOR,
  );
  assert.equal(refused.status, 409);
  assert.match(await refused.text(), /This order was already counted; a decision is taken once\./);
  const bad = await postForm(t, `/competitions/${competition.id}/manage/flags/${flagIdOf(store.id, "1002")}`, {
    decision: "maybe",
  }, CREATOR);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Decide count or exclude\./);
});

Deno.test("manage review - only the creator decides: another user's post is refused and changes nothing", async () => {
  await using t = await createTestApp();
  const { competition, store } = await raceWithFlags(t);
  const path = `/competitions/${competition.id}/manage/flags/${flagIdOf(store.id, "1001")}`;
  assert.equal((await postForm(t, path, { decision: "count" }, store.userId)).status, 403);
  assert.equal((await postForm(t, path, { decision: "count" })).status, 401);
  assert.equal(queue(await managePage(t, competition.id)).length, 3);
});

Deno.test("manage review - once the results are final the decisions are shown read-only and a post is refused", async () => {
  await using t = await createTestApp();
  const { competition, store } = await raceWithFlags(t);
  const flagId = flagIdOf(store.id, "1003");
  const decided = await postForm(t, `/competitions/${competition.id}/manage/flags/${flagId}`, {
    decision: "exclude",
    note: "Shopify was right",
  }, CREATOR);
  assert.equal(decided.status, 303);
  t.clock.ms += 8 * 24 * HOUR;
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "COMPLETED",
    resultsFrozenAt: new Date(t.clock.ms).toISOString(),
  }));
  const html = await managePage(t, competition.id);
  assert.doesNotMatch(html, /manage\/flags\//, "no decision form once final");
  assert.match(html, /The results are final/);
  assert.match(html, /Order #1001[\s\S]*?Not decided before the results were final: it stayed out\./);
  assert.match(html, /Excluded by you[\s\S]*?Order #1003[\s\S]*?Your note to the store: <q>Shopify was right<\/q>/);
  const late = await postForm(
    t,
    `/competitions/${competition.id}/manage/flags/${flagIdOf(store.id, "1001")}`,
    { decision: "count" },
    CREATOR,
  );
  assert.equal(late.status, 409);
  assert.match(await late.text(), /The results of this competition are final/);
});

Deno.test("manage review - a queue of thousands shows each list's first REVIEW_SHOWN, the totals and a link to all of it", async () => {
  await using t = await createTestApp();
  await saveUser(t.kv, { id: CREATOR, name: "Casey Creator" }, t.clock.ms);
  const { competition, participants } = await competitionStartedAnHourAgo(t, CREATOR, 2);
  const at = Date.parse(competition.startDate) + 10 * 60_000;
  const held = REVIEW_SHOWN + 12;
  // Cash on delivery: every order held until paid; the first five are paid (cleared), the rest wait.
  for (let i = 0; i < held; i++) {
    const order = orderAt(at + i * 1000, String(5000 + i), 20_00 + i, 0, { payment: "pending" });
    await recordOrder(t.kv, participants[i % 2].id, order, t.clock.ms);
    t.clock.advance(1000); // each held a second after the one before
  }
  for (let i = 0; i < 5; i++) {
    const paid = orderAt(at + i * 1000, String(5000 + i), 20_00 + i, 60_000, { payment: "paid" });
    await recordOrder(t.kv, participants[i % 2].id, paid, t.clock.ms);
  }
  const waiting = held - 5;
  const html = await managePage(t, competition.id);
  const shown = queue(html);
  assert.equal(shown.length, REVIEW_SHOWN);
  assert.deepEqual(shown.slice(0, 2), ["5005 Held · payment pending", "5006 Held · payment pending"], "oldest first");
  assert.match(html, new RegExp(`<span class="count">${waiting}</span>`));
  assert.match(html, new RegExp(`The first ${REVIEW_SHOWN} of ${waiting} \\(held first, oldest first\\)`));
  const href = `/competitions/${competition.id}/manage?review=all#review`;
  assert.ok(html.includes(`<a href="${href}">Show all ${waiting}</a>`));
  assert.match(html, /Nothing to decide \(5\)/);

  const whole = await (await t.request(href.replace("#review", ""), { userId: CREATOR })).text();
  assert.equal(queue(whole).length, waiting);
  assert.doesNotMatch(whole, /Show all/);
});
