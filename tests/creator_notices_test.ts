/**
 * What the creator of a community competition is told, in the app and
 * through Whop (pushed to the creator alone, leading to the manage page):
 * a store joined; orders held or flagged for their judgement, coalesced to
 * one notice per store per hour, with what still waits counted when it is
 * sent; and, as before, the orders still undecided before the results
 * freeze. A pending payment is not news; a flag decided before the notice
 * goes out is dropped untold; two instances running the status job at once
 * send each notice once.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { joinStore, participantOf, settledSync } from "../testing/shopify.ts";
import { createCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { listNotifications, type Notification } from "../lib/competitions/notifications.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { keys } from "../lib/core/db.ts";
import { flagIdOf } from "../lib/competitions/order_book.ts";

const EXPERIENCE = "exp_NoticeClub01";
const CREATOR = "creator_notices";
const OWNER = "owner_notices";
const SHOP = "cara-goods.myshopify.com";
const HOUR = 3_600_000;

/** A funded, running competition of the community, and Cara Goods in it (joined through Shopify). */
async function racing(t: TestApp) {
  t.whop!.experiences.add({
    id: EXPERIENCE,
    name: "Notice Club",
    members: { [CREATOR]: "admin", [OWNER]: "customer" },
  });
  // The start at the top of an hour and two minutes: the hourly slots below do not straddle an hour.
  const start = Math.ceil((t.clock.ms + HOUR) / HOUR) * HOUR + 2 * 60_000;
  const draft = await createCompetition(t.kv, CREATOR, {
    title: "Spring Brawl",
    prize: "500.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 2 * 86_400_000).toISOString(),
    experienceId: EXPERIENCE,
  }, { now: t.clock.ms, minDurationS: 3600 });
  await updateCompetition(t.kv, draft.id, t.clock.ms, "status", (c) => ({ ...c, status: "UPCOMING", fundsTxId: "p1" }));
  t.clock.ms = start + 60_000;
  const { competition } = await updateCompetition(t.kv, draft.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "ACTIVE",
  }));
  t.shopify!.createShop({ shop: SHOP, name: "Cara Goods", currency: "USD" });
  const { callback } = await joinStore(t, competition.id, OWNER, SHOP);
  assert.equal(callback.status, 303);
  const participant = (await participantOf(t, competition.id, SHOP))!;
  await settledSync(t, participant.id);
  return { competition, participant };
}

/** The creator's in-app notifications of `kind`, oldest first. */
async function creatorsNotices(t: TestApp, kind: Notification["kind"]): Promise<Notification[]> {
  return (await listNotifications(t.kv, CREATOR, 100)).notifications.filter((n) => n.kind === kind).reverse();
}

Deno.test("creator notices - a store joining is told at once, in the app and on Whop, leading to the manage page", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const { competition } = await racing(t);
  const [joined] = await creatorsNotices(t, "store_joined");
  assert.equal(joined.title, "“Spring Brawl”: “Cara Goods” joined");
  assert.equal(joined.body, "1 store in the competition now.");
  assert.equal(joined.path, `/competitions/${competition.id}/manage`);
  const pushed = t.whop!.notifications.filter((n) => n.title === joined.title);
  assert.equal(pushed.length, 1, "pushed through Whop once");
  assert.deepEqual(pushed[0].deliveredTo, [CREATOR], "to the creator alone");
  assert.equal(pushed[0].experienceId, EXPERIENCE);
  assert.equal(pushed[0].body.rest_path, `/competitions/${competition.id}/manage`);
  assert.equal((await listNotifications(t.kv, OWNER)).notifications.length, 0, "the store's owner is not told");
});

Deno.test("creator notices - held and flagged orders: one notice per store per hour, counting what still waits", async () => {
  await using t = await createTestApp({}, { whop: true, shopify: true });
  const { competition, participant } = await racing(t);
  const shopify = t.shopify!;
  // Three orders entered by hand (held), one whose payment is pending (not news), and one ordinary order: the
  // store had no sales before the start, so its first sale is its one spike flag (counting, flagged).
  for (let i = 0; i < 3; i++) shopify.createOrder(SHOP, { totalPrice: "40.00", draft: true });
  shopify.createOrder(SHOP, { totalPrice: "15.00", payment: "pending" });
  shopify.createOrder(SHOP, { totalPrice: "25.00" });
  await shopify.flushWebhooks();
  assert.equal(
    await creatorsNotices(t, "orders_held").then((n) => n.length),
    0,
    "told by the status job, not per order",
  );

  // Two instances run the job at the same minute: one notice.
  await Promise.all([runStatusJob(t.deps.lifecycle), runStatusJob(t.deps.lifecycle)]);
  let notices = await creatorsNotices(t, "orders_held");
  assert.equal(notices.length, 1);
  assert.equal(notices[0].title, "“Spring Brawl”: 4 orders from “Cara Goods” to review");
  assert.equal(
    notices[0].body,
    "3 held orders stay out unless you count them; 1 flagged order counts unless you exclude it. " +
      "Decide on the manage page.",
  );
  assert.equal(notices[0].path, `/competitions/${competition.id}/manage`);
  const pushed = t.whop!.notifications.filter((n) => n.title === notices[0].title);
  assert.deepEqual(pushed.map((n) => n.deliveredTo), [[CREATOR]], "pushed once, to the creator");

  // More within the hour wait for the next hour's notice; one decided meanwhile is dropped untold.
  t.clock.ms += 10 * 60_000;
  const later = [1, 2].map(() => shopify.createOrder(SHOP, { totalPrice: "10.00", draft: true }));
  await shopify.flushWebhooks();
  await runStatusJob(t.deps.lifecycle);
  assert.equal((await creatorsNotices(t, "orders_held")).length, 1, "nothing more this hour");
  const decided = await t.request(
    `/api/competitions/${competition.id}/flags/${flagIdOf(participant.id, String(later[0].id))}`,
    { method: "POST", userId: CREATOR, json: { decision: "count" } },
  );
  assert.equal(decided.status, 200, await decided.text());
  t.clock.ms += HOUR;
  await runStatusJob(t.deps.lifecycle);
  notices = await creatorsNotices(t, "orders_held");
  assert.equal(notices.length, 2);
  assert.equal(notices[1].title, "“Spring Brawl”: 1 order from “Cara Goods” to review");
  assert.equal(notices[1].body, "1 held order stays out unless you count it. Decide on the manage page.");
  await runStatusJob(t.deps.lifecycle);
  assert.equal((await creatorsNotices(t, "orders_held")).length, 2, "told once");
  const left = await Array.fromAsync(t.kv.list({ prefix: keys.reviewNotices(competition.id) }));
  assert.deepEqual(left, [], "every note was told or dropped");
});

Deno.test("creator notices - the reminder before the results freeze reads the same way and leads to the manage page", async () => {
  await using t = await createTestApp({ SETTLEMENT_DELAY_S: String(2 * 86_400) }, { whop: true, shopify: true });
  const { competition } = await racing(t);
  t.shopify!.createOrder(SHOP, { totalPrice: "40.00", draft: true });
  await t.shopify!.flushWebhooks();
  t.clock.ms = Date.parse(competition.endDate) + 60_000;
  await runStatusJob(t.deps.lifecycle); // ends: the settlement window opens
  t.clock.ms = Date.parse(competition.endDate) + 86_400_000 + 60_000; // a day before the results freeze
  await runStatusJob(t.deps.lifecycle);
  const [reminder] = await creatorsNotices(t, "orders_to_review");
  assert.ok(reminder, "the reminder was sent");
  assert.match(reminder.title, /^“Spring Brawl”: 1 order to review before /);
  assert.match(reminder.body, /1 held order will stay out unless you count them.*Decide on the manage page\.$/);
  assert.equal(reminder.path, `/competitions/${competition.id}/manage`);
  for (const kind of ["store_joined", "orders_held", "orders_to_review"] as const) {
    for (const notice of await creatorsNotices(t, kind)) {
      assert.match(notice.title, /^“Spring Brawl”: /, `${kind} starts with the quoted title`);
      assert.equal(notice.path, `/competitions/${competition.id}/manage`, `${kind} leads to the manage page`);
    }
  }
});
