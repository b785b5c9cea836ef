import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { createApp } from "../app.ts";
import { getCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { commit, keys } from "../lib/core/db.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import type { SeasonServices } from "../lib/seasons/season_end.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";
import type { SandboxCompetition } from "../sandbox/demo/fast_forward.ts";
import { competitionStartedAnHourAgo, draftCompetition, HOUR } from "../testing/page_fixtures.ts";

const CREATOR = "user_creator";

/** The app with lifecycle services whose payout is recorded as sent at once. */
function appWithLifecycle(t: TestApp, sandbox = true) {
  const payouts: string[] = [];
  const lifecycle: SeasonServices = {
    ...t.deps.lifecycle,
    kv: t.kv,
    now: t.clock.now,
    syncParticipant: async () => {},
    async requestPayout(competition, winner) {
      // Idempotent, as the real one: the status job asks again for every recently completed competition.
      const result = await commit(() =>
        t.kv.atomic().check({ key: keys.payout(competition.id), versionstamp: null })
          .set(keys.payout(competition.id), { state: "sent", attempts: 1 })
      );
      if (result.ok) payouts.push(`${competition.id}:${winner.userId}`);
    },
    refundPrize: async () => {},
    returnUnearned: async () => {},
  };
  const config = { ...t.config, sandbox, shopify: { ...t.config.shopify, ...SANDBOX_APP } };
  const app = createApp({ ...t.deps, config, lifecycle });
  return { app, payouts };
}

async function post(t: TestApp, app: ReturnType<typeof createApp>, path: string, userId?: string, body = "") {
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded", origin: t.config.appUrl });
  if (userId) {
    headers.set("cookie", `${sessionCookieName(t.config.appUrl)}=${await createSession(t.kv, userId, t.clock.ms)}`);
  }
  return app.fetch(new Request(new URL(path, t.config.appUrl), { method: "POST", headers, body }));
}

Deno.test("sandbox routes - absent outside sandbox mode", async () => {
  await using t = await createTestApp();
  const { competition } = await competitionStartedAnHourAgo(t, CREATOR);
  const { app } = appWithLifecycle(t, false);
  for (const action of ["fast-forward", "start-now"]) {
    const response = await post(t, app, `/sandbox/competitions/${competition.id}/${action}`, CREATOR);
    await response.body?.cancel();
    assert.equal(response.status, 404, action);
  }
  assert.equal((await getCompetition(t.kv, competition.id)).status, "ACTIVE");
});

Deno.test("sandbox routes - fast-forward is the creator's: the end moves to now, the status job settles and pays", async () => {
  await using t = await createTestApp();
  const { competition, participants } = await competitionStartedAnHourAgo(t, CREATOR, 2, "Sprint");
  const { app, payouts } = appWithLifecycle(t);
  const at = new Date(t.clock.ms - 60_000).toISOString();
  await recordOrder(t.kv, participants[1].id, {
    orderId: "1",
    createdAt: at,
    updatedAt: at,
    amount: 4_200,
    currency: "USD",
    test: false,
    cancelled: false,
  }, t.clock.ms);
  const path = `/sandbox/competitions/${competition.id}/fast-forward`;

  const signedOut = await post(t, app, path);
  await signedOut.body?.cancel();
  assert.equal(signedOut.status, 401);
  const stranger = await post(t, app, path, "owner_0");
  await stranger.body?.cancel();
  assert.equal(stranger.status, 403);
  const badId = await post(t, app, `/sandbox/competitions/${"x".repeat(3000)}/fast-forward`, CREATOR);
  await badId.body?.cancel();
  assert.equal(badId.status, 404);
  assert.equal((await getCompetition(t.kv, competition.id)).status, "ACTIVE", "refused requests change nothing");

  const response = await post(t, app, path, CREATOR, "returnTo=%2F%2Fevil.example");
  assert.equal(response.status, 303);
  assert.equal(
    response.headers.get("location"),
    `/competitions/${competition.id}/manage`,
    "only a path on this site: another host falls back to the manage page",
  );
  const settled = await getCompetition(t.kv, competition.id) as SandboxCompetition;
  assert.equal(settled.status, "COMPLETED");
  assert.equal(settled.endDate, new Date(t.clock.ms).toISOString());
  assert.equal(settled.fastForwardedAt, settled.endDate);
  assert.equal(settled.scheduledEndDate, competition.endDate);
  assert.equal(settled.winner?.participantId, participants[1].id);
  assert.equal(settled.winner?.revenue, 4_200);
  assert.deepEqual(payouts, [`${competition.id}:owner_1`]);

  const again = await post(t, app, path, CREATOR);
  await again.body?.cancel();
  assert.equal(again.status, 303, "a second fast-forward changes nothing");
  assert.deepEqual(await getCompetition(t.kv, competition.id), settled);
  assert.equal(payouts.length, 1);
});

Deno.test("sandbox routes - start now starts a funded competition; before that it cannot be fast-forwarded", async () => {
  await using t = await createTestApp();
  t.clock.ms = Date.parse("2026-12-01T12:00:00.700Z");
  const draft = await draftCompetition(t, CREATOR, "Later Cup");
  const { app } = appWithLifecycle(t);
  const refused = await post(t, app, `/sandbox/competitions/${draft.id}/start-now`, CREATOR);
  assert.equal(refused.status, 409, "a draft is not funded");
  assert.match(await refused.text(), /Fund the prize first/);

  await updateCompetition(t.kv, draft.id, t.clock.ms, "status", (c) => ({ ...c, status: "UPCOMING" }));
  const early = await post(t, app, `/sandbox/competitions/${draft.id}/fast-forward`, CREATOR);
  assert.equal(early.status, 409);
  assert.match(await early.text(), /has not started yet/);

  t.clock.advance(HOUR / 2);
  const started = await post(
    t,
    app,
    `/sandbox/competitions/${draft.id}/start-now`,
    CREATOR,
    "returnTo=%2Fcompetitions",
  );
  await started.body?.cancel();
  assert.equal(started.status, 303);
  assert.equal(started.headers.get("location"), "/competitions");
  const active = await getCompetition(t.kv, draft.id) as SandboxCompetition;
  assert.equal(active.status, "ACTIVE");
  assert.equal(active.startDate, "2026-12-01T12:30:00.000Z", "now, rounded down to the second");
  assert.equal(active.scheduledStartDate, draft.startDate);
  assert.equal(active.endDate, draft.endDate, "the end stays");
});
