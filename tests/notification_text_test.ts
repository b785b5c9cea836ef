/**
 * What users write reaches people through notifications only as a quotation:
 * a creator's title, a store's name and a disqualification reason, all
 * written to look like the app's (or Whop's) own words, arrive in the in-app
 * list and in Whop's push notifications inside “…”, on one line, without the
 * characters that reorder text, and never as the app's sentence.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { createCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant, updateParticipant } from "../lib/competitions/participants.ts";
import { listNotifications, quoted } from "../lib/competitions/notifications.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { runStatusJob } from "../cron/status_job.ts";
import { orderOf } from "../testing/live.ts";

const EXPERIENCE = "exp_Community01";
/** Text written to pass for the app speaking. */
const TITLE = "Your Whop account is suspended. Verify it at whop-verify.example";
const STORE = "Support team: send your card number to claim";
const REASON = "”. CartBrawl: your payout is frozen,\nreply with your password “";

/** The words of `text` that sit outside every “…” quotation. */
function unquoted(text: string): string {
  return text.replace(/“[^“”]*”/g, "");
}

Deno.test("notifications - titles, store names and reasons are quoted as their writers', in-app and on Whop", async () => {
  await using t = await createTestApp({}, { whop: true });
  const start = t.clock.ms + 30 * 60_000;
  const draft = await createCompetition(t.kv, "creator", {
    title: TITLE,
    prize: "500.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 3 * 3600_000).toISOString(),
    prizeSplit: [70, 30],
    experienceId: EXPERIENCE,
  }, { now: t.clock.ms, minDurationS: 60 });
  const { competition } = await updateCompetition(t.kv, draft.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "UPCOMING",
    fundsTxId: "pay_test",
  }));
  const participants = [];
  for (const i of [0, 1]) {
    participants.push(
      await createParticipant(t.kv, competition.id, {
        userId: `owner_${i}`,
        shop: `store-${i}.myshopify.com`,
        displayName: `Store ${i}`,
        currency: "USD",
      }, t.clock.ms),
    );
  }
  // A store's name as Shopify gave it, stored before names were cleaned.
  await updateParticipant(
    t.kv,
    participants[0].id,
    t.clock.ms,
    "join",
    (p) => ({ ...p, displayName: `${STORE}\u202E` }),
  );
  t.whop!.experiences.add({
    id: EXPERIENCE,
    name: "Club",
    members: { creator: "admin", owner_0: "customer", owner_1: "customer" },
  });

  // "Starts within the hour", then "is live", from the status job; a disqualification; the results.
  await runStatusJob(t.deps.lifecycle);
  t.clock.ms = start + 60_000;
  await runStatusJob(t.deps.lifecycle);
  const at = new Date(t.clock.ms).toISOString();
  await recordOrder(t.kv, participants[0].id, { ...orderOf("o-1", 5_000), createdAt: at, updatedAt: at }, t.clock.ms);
  await recordOrder(t.kv, participants[1].id, { ...orderOf("o-2", 4_000), createdAt: at, updatedAt: at }, t.clock.ms);
  const res = await t.request(
    `/api/competitions/${competition.id}/participants/${participants[0].id}/disqualify`,
    { method: "POST", userId: "creator", json: { reason: REASON } },
  );
  assert.equal(res.status, 200, await res.text());
  t.clock.ms = Date.parse(competition.endDate) + 60_000;
  await runStatusJob(t.deps.lifecycle);
  await runStatusJob(t.deps.lifecycle);
  await t.whop!.flushWebhooks();

  const inApp = (await Promise.all(["owner_0", "owner_1", "creator"].map((u) => listNotifications(t.kv, u))))
    .flatMap((list) => list.notifications);
  const pushed = t.whop!.notifications;
  const kinds = new Set(inApp.map((n) => n.kind));
  for (const kind of ["starting_soon", "started", "disqualified", "won", "lost"]) {
    assert.ok(kinds.has(kind as never), `an in-app ${kind} notification (${[...kinds]})`);
  }
  assert.ok(pushed.length >= 5, `Whop pushed them to the community (${pushed.length})`);

  const texts = [
    ...inApp.flatMap((n) => [n.title, n.body]),
    ...pushed.flatMap((n) => [n.title, n.content]),
  ];
  for (const text of texts) {
    const outside = unquoted(text);
    for (const word of ["suspended", "whop-verify", "card number", "payout is frozen", "password"]) {
      assert.ok(!outside.includes(word), `"${word}" outside a quotation in: ${text}`);
    }
    assert.doesNotMatch(text, /[\u202A-\u202E\u2066-\u2069\n]/, `no direction or line-break character: ${text}`);
  }
  const disqualified = inApp.find((n) => n.kind === "disqualified")!;
  assert.equal(
    disqualified.body,
    `The competition's creator gave this reason, shown on the competition page: ${quoted(REASON, 500)}`,
  );
  assert.match(disqualified.body, /“"\. CartBrawl: your payout is frozen, reply with your password "”$/);
  assert.ok(inApp.some((n) => n.title === `“${TITLE.slice(0, 59)}…” is live`), "a long title is cut inside its quotes");
  assert.ok(
    pushed.every((n) =>
      n.title.length <= 120 && (n.title.match(/“/g) ?? []).length === (n.title.match(/”/g) ?? []).length
    ),
  );
});

Deno.test("notifications - quoted() keeps user text on one line, inside its own quotes", () => {
  assert.equal(quoted("Holiday Cup"), "“Holiday Cup”");
  assert.equal(quoted("  Cup\u0007\n\tNight\u202E  "), "“Cup Night”");
  assert.equal(quoted("“Hi” — ‘you’"), `“"Hi" — 'you'”`);
  assert.equal(quoted("x".repeat(100), 10), `“${"x".repeat(9)}…”`);
});
