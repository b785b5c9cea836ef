/**
 * A Whop community's competitions, through the simulated Whop: the
 * experience's admins create them, its members see and join them, and anyone
 * else (signed in or not) gets 404 on every route — pages, JSON, stream,
 * join, public API, embed — and never finds them in a list. Access is asked
 * of Whop (`users.checkAccess`) and remembered for a minute.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { joinStore, participantOf } from "../testing/shopify.ts";
import { type Competition, updateCompetition } from "../lib/competitions/competitions.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { postForm } from "../testing/page_fixtures.ts";

const EXPERIENCE = "exp_BuildersClub01";
const ADMIN = "user_ClubAdmin01";
const MEMBER = "user_ClubMember01";
const OUTSIDER = "user_Outsider01";

async function communityCompetition(t: TestApp): Promise<Competition> {
  const start = t.clock.ms + 3600_000;
  const res = await t.request("/api/competitions", {
    method: "POST",
    userId: ADMIN,
    json: {
      title: "Club Cup",
      prize: "250.00",
      currency: "USD",
      startDate: new Date(start).toISOString(),
      endDate: new Date(start + 7 * 86_400_000).toISOString(),
      experienceId: EXPERIENCE,
    },
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { competition } = await res.json();
  assert.equal(competition.experienceId, EXPERIENCE);
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "UPCOMING",
    fundsTxId: "pay_club",
  }));
  t.clock.ms = start + 60_000;
  return (await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({ ...c, status: "ACTIVE" })))
    .competition;
}

/** Every read route of a competition, and the join. */
function routesOf(id: string): [string, RequestInit][] {
  return [
    [`/competitions/${id}`, {}],
    [`/competitions/${id}/manage`, {}],
    [`/api/competitions/${id}`, {}],
    [`/api/competitions/${id}/leaderboard`, {}],
    [`/api/competitions/${id}/events`, {}],
    [`/api/public/competitions/${id}`, {}],
    [`/embed/competitions/${id}`, {}],
    [`/competitions/${id}/card.png`, {}],
    [`/api/competitions/${id}/join`, { method: "POST", body: JSON.stringify({ shop: "x.myshopify.com" }) }],
  ];
}

Deno.test("community - admins create, members see and join, everyone else is answered as for an unknown id", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp({}, { whop: true, shopify: true });
  t.whop!.experiences.add({
    id: EXPERIENCE,
    name: "Builders Club",
    members: { [ADMIN]: "admin", [MEMBER]: "customer" },
  });

  const refused = await t.request("/api/competitions", {
    method: "POST",
    userId: MEMBER,
    json: { title: "Not mine", experienceId: EXPERIENCE },
  });
  assert.equal(refused.status, 403, "a member cannot create in the community");
  assert.equal((await refused.json()).error, "Only the community's admins can create its competitions.");
  const outsiderCreate = await t.request("/api/competitions", {
    method: "POST",
    userId: OUTSIDER,
    json: { title: "Not mine", experienceId: EXPERIENCE },
  });
  assert.equal(outsiderCreate.status, 404);

  const competition = await communityCompetition(t);

  // The member: the experience view lists it; every route answers; the join goes through.
  const view = await t.request(`/experiences/${EXPERIENCE}`, { userId: MEMBER });
  assert.equal(view.status, 200);
  assert.match(await view.text(), /Club Cup/);
  for (const path of [`/competitions/${competition.id}`, `/api/competitions/${competition.id}/leaderboard`]) {
    assert.equal((await t.request(path, { userId: MEMBER })).status, 200, path);
  }
  const events = await t.request(`/api/competitions/${competition.id}/events`, { userId: MEMBER });
  assert.equal(events.status, 200);
  await events.body?.cancel();
  const checksBefore = t.whop!.experiences.checks.length;
  t.shopify!.createShop({ shop: "club-store.myshopify.com", name: "Club Store", currency: "USD" });
  const { callback } = await joinStore(t, competition.id, MEMBER, "club-store.myshopify.com");
  assert.equal(callback.status, 303);
  assert.ok(await participantOf(t, competition.id, "club-store.myshopify.com"), "the member joined");
  assert.equal(t.whop!.experiences.checks.length, checksBefore, "access is remembered, not asked again");
  assert.ok(
    t.whop!.experiences.checks.filter((check) => check.userId === MEMBER).length === 1,
    "one Whop access check for the member across every request",
  );

  // An outsider (signed in): 404 on every route. A stranger (not signed in): what an unknown id gets (404, or 401
  // where a route needs a signed-in caller whatever the id). Neither sees it, nor finds it in a list.
  const unknownId = "0zzzzzzzzzzzzzzzzzz";
  for (const userId of [OUTSIDER, undefined]) {
    for (
      const [[path, init], [unknownPath]] of routesOf(competition.id).map((route, i) => [route, routesOf(unknownId)[i]])
    ) {
      const headers = init.method === "POST" ? { "content-type": "application/json" } : undefined;
      const res = await t.request(path, { ...init, headers, userId });
      const unknown = await t.request(unknownPath, { ...init, headers, userId });
      await unknown.body?.cancel();
      assert.equal(res.status, userId ? 404 : unknown.status, `${path} as ${userId ?? "a stranger"}`);
      assert.ok(res.status === 404 || res.status === 401, `${path} as ${userId ?? "a stranger"}: ${res.status}`);
      assert.doesNotMatch(await res.text(), /Club Cup/);
    }
    const list = await (await t.request("/api/competitions", { userId })).json();
    assert.deepEqual(list.competitions, [], "community competitions are in no public list");
    assert.doesNotMatch(await (await t.request("/", { userId })).text(), /Club Cup/);
  }
  // An outsider is told how to join the community on Whop, and shown none of its competitions.
  const outsiderView = await t.request(`/experiences/${EXPERIENCE}`, { userId: OUTSIDER });
  assert.equal(outsiderView.status, 403);
  assert.match(await outsiderView.text(), /Join [^<]+ on Whop/);
  assert.equal((await t.request(`/experiences/${EXPERIENCE}`)).status, 401);
  assert.equal((await t.request("/experiences/exp_NoSuchClub", { userId: MEMBER })).status, 404);

  // The admin sees it in the experience view, with the create form that makes the next one in the community.
  const adminView = await (await t.request(`/experiences/${EXPERIENCE}`, { userId: ADMIN })).text();
  assert.match(adminView, /Club Cup/);
  assert.ok(adminView.includes(`action&quot;:&quot;/experiences/${EXPERIENCE}/competitions&quot;`), "the create form");
  assert.doesNotMatch(await (await t.request(`/experiences/${EXPERIENCE}`, { userId: MEMBER })).text(), /Create draft/);
  const start = new Date(t.clock.ms + 86_400_000).toISOString().slice(0, 16);
  const end = new Date(t.clock.ms + 8 * 86_400_000).toISOString().slice(0, 16);
  const form = { title: "Club Cup II", prize: "100.00", currency: "USD", startDate: start, endDate: end };
  const post = (userId: string, fields: Record<string, string> = form) =>
    t.request(`/experiences/${EXPERIENCE}/competitions`, {
      method: "POST",
      userId,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  // Refused input: the community view again (400), the message beside its field, what was typed kept, nothing made.
  const refusedForm = await post(ADMIN, { ...form, prize: "0.00" });
  assert.equal(refusedForm.status, 400);
  const refusedPage = await refusedForm.text();
  assert.match(refusedPage, /<h1>Community competitions<\/h1>/);
  assert.match(refusedPage, /Club Cup II/);
  assert.match(refusedPage, /The prize must be more than zero\./);
  const afterRefusal = await (await t.request(`/experiences/${EXPERIENCE}`, { userId: ADMIN })).text();
  assert.doesNotMatch(afterRefusal, /Club Cup II/, "no draft was made");
  assert.equal((await post(MEMBER)).status, 403);
  assert.equal((await post(OUTSIDER)).status, 404);
  const created = await post(ADMIN);
  assert.equal(created.status, 303);
  const id = created.headers.get("location")!.split("/")[2];
  const second = await (await t.request(`/api/competitions/${id}`, { userId: ADMIN })).json();
  assert.equal(second.competition.experienceId, EXPERIENCE);
  assert.equal(second.competition.title, "Club Cup II");
});

Deno.test("community - Whop failing the access check is a 502 to retry, never an open door; answers are cached", async () => {
  await using t = await createTestApp({}, { whop: true });
  t.whop!.experiences.add({
    id: EXPERIENCE,
    name: "Builders Club",
    members: { [ADMIN]: "admin", [MEMBER]: "customer" },
  });
  const competition = await communityCompetition(t);
  const path = `/api/competitions/${competition.id}`;
  t.whop!.faults.failNext("users.checkAccess", 2, 500);
  const failed = await t.request(path, { userId: MEMBER });
  assert.equal(failed.status, 502);
  assert.equal((await failed.json()).error, "Whop did not answer the access check; please try again.");
  assert.equal((await t.request(path, { userId: MEMBER })).status, 200, "the next try asks Whop again");

  t.whop!.experiences.setMember(EXPERIENCE, MEMBER, undefined);
  assert.equal((await t.request(path, { userId: MEMBER })).status, 200, "within a minute the cached answer holds");
  const checks = t.whop!.experiences.checks.filter((check) => check.userId === MEMBER).length;
  assert.equal((await t.request(`/experiences/${EXPERIENCE}`, { userId: MEMBER })).status, 200);
  assert.equal(t.whop!.experiences.checks.filter((check) => check.userId === MEMBER).length, checks);
});

Deno.test("community - an experience id with stray whitespace is trimmed before it is authorised: a non-admin is refused on every surface, and nothing is created", async () => {
  await using t = await createTestApp({}, { whop: true });
  t.whop!.experiences.add({
    id: EXPERIENCE,
    name: "Builders Club",
    members: { [ADMIN]: "admin", [MEMBER]: "customer" },
  });
  const start = t.clock.ms + 3600_000;
  const rules = {
    title: "Hijack Cup",
    prize: "100.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 7 * 86_400_000).toISOString(),
  };
  const form = { ...rules, startDate: rules.startDate.slice(0, 16), endDate: rules.endDate.slice(0, 16) };
  for (const padded of [` ${EXPERIENCE}`, `${EXPERIENCE} `, `\t${EXPERIENCE}`, `\n${EXPERIENCE}`, `${EXPERIENCE}\n`]) {
    for (const [userId, status] of [[OUTSIDER, 404], [MEMBER, 403]] as const) {
      const named = `${JSON.stringify(padded)} as ${userId}`;
      const api = await t.request("/api/competitions", {
        method: "POST",
        userId,
        json: { ...rules, experienceId: padded },
      });
      assert.equal(api.status, status, `the API, ${named}`);
      await api.body?.cancel();
      const page = await postForm(t, "/competitions/new", { ...form, experienceId: padded }, userId);
      assert.equal(page.status, status, `the new-competition form, ${named}`);
      await page.body?.cancel();
      const community = await postForm(t, `/experiences/${encodeURIComponent(padded)}/competitions`, form, userId);
      assert.equal(community.status, status, `the community's form, ${named}`);
      await community.body?.cancel();
    }
  }
  for (const userId of [OUTSIDER, MEMBER]) {
    const own = await (await t.request("/api/competitions?creator=me", { userId })).json();
    assert.deepEqual(own.competitions, [], `nothing was created for ${userId}`);
  }
  // The community's admin may send it padded: it is stored as authorised, trimmed.
  const admin = await t.request("/api/competitions", {
    method: "POST",
    userId: ADMIN,
    json: { ...rules, experienceId: `\t${EXPERIENCE} ` },
  });
  assert.equal(admin.status, 201);
  assert.equal((await admin.json()).competition.experienceId, EXPERIENCE);
});
