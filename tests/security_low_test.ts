/**
 * Issue 23's low-severity findings, one test each, each failing on the code
 * before its fix: characters that broke the share card or spoof text,
 * existence oracles (every competition route answers the same 404 to
 * someone who may not see the competition), the lean stream server's
 * address, and forms that created or paid twice. No input here gets a 5xx.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { draftCompetition, HOUR, postForm } from "../testing/page_fixtures.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { type Competition, updateCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant, updateParticipant } from "../lib/competitions/participants.ts";
import { freePort, freePortRun, startAppProcess } from "../testing/app_process.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const TITLE_REFUSED = /The title cannot hold line breaks, control characters or characters that reverse the text\./;

/** A valid create body with `title`. */
function createBody(t: TestApp, title: string) {
  const start = t.clock.ms + HOUR;
  return {
    title,
    description: "Most revenue wins.",
    prize: "500.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 24 * HOUR).toISOString(),
  };
}

Deno.test("security (low) - a title with a control or direction character is refused at input, naming the field", async () => {
  await using t = await createTestApp();
  for (
    const [title, message] of [
      ["Holiday\u0007 Cup", TITLE_REFUSED],
      ["Holiday\u0000Cup", TITLE_REFUSED],
      ["Holiday\nCup", TITLE_REFUSED],
      ["Cup \u202Eevil", TITLE_REFUSED],
      ["Cup \u2066x\u2069", TITLE_REFUSED],
    ] as const
  ) {
    const res = await t.request("/api/competitions", {
      method: "POST",
      userId: CREATOR,
      json: createBody(t, title),
    });
    assert.equal(res.status, 400, JSON.stringify(title));
    const body = await res.json();
    assert.match(JSON.stringify(body.issues), message);
    assert.equal(body.issues[0].path, "title");
  }
  const description = await t.request("/api/competitions", {
    method: "POST",
    userId: CREATOR,
    json: { ...createBody(t, "Holiday Cup"), description: "Line one\nLine two\u0008" },
  });
  assert.equal(description.status, 400);
  assert.match(
    JSON.stringify((await description.json()).issues),
    /The description cannot hold control characters or characters that reverse the text\./,
  );
  const lines = await t.request("/api/competitions", {
    method: "POST",
    userId: CREATOR,
    json: { ...createBody(t, "Holiday Cup"), description: "Line one\nLine two\tand a tab" },
  });
  assert.equal(lines.status, 201, "a description keeps its lines and tabs");
});

Deno.test("security (low) - a title or store name stored with control characters still draws its card, and every page answers", async () => {
  await using t = await createTestApp();
  const start = t.clock.ms + HOUR;
  t.clock.ms = start + HOUR;
  const { competition, participants } = await activeCompetition(t.kv, { start, stores: 2, creatorId: CREATOR });
  // As stored before input refused them (and as Shopify may name a store).
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c: Competition) => ({
    ...c,
    title: "Cup\u0000\u0007\u001B\uFFFE\uD800 night",
  }));
  await updateParticipant(t.kv, participants[0].id, t.clock.ms, "join", (p) => ({
    ...p,
    displayName: "Store\u0003 \u202Eeno",
  }));
  for (let i = 0; i < 3; i++) {
    const card = await t.request(`/competitions/${competition.id}/card.png`);
    assert.equal(card.status, 200, `card ${i}: ${card.status}`);
    assert.equal(card.headers.get("content-type"), "image/png");
    await card.body?.cancel();
  }
  for (
    const path of [
      `/competitions/${competition.id}`,
      `/embed/competitions/${competition.id}`,
      `/api/public/competitions/${competition.id}`,
      `/api/competitions/${competition.id}/leaderboard`,
    ]
  ) {
    const res = await t.request(path);
    assert.equal(res.status, 200, path);
    assert.doesNotMatch(await res.text(), /\u202E|\\u202e/i, `${path} shows the name without the override`);
  }
});

Deno.test("security (low) - a store's name from Shopify is stored without control or direction characters", async () => {
  await using t = await createTestApp();
  const draft = await draftCompetition(t, CREATOR);
  await updateCompetition(t.kv, draft.id, t.clock.ms, "status", (c) => ({ ...c, status: "UPCOMING" }));
  const join = (store: string, displayName: string) =>
    createParticipant(t.kv, draft.id, {
      userId: `owner_${store}`,
      shop: `${store}.myshopify.com`,
      displayName,
      currency: "USD",
    }, t.clock.ms);
  assert.equal((await join("a", "Best\u202E Store\u0007")).displayName, "Best Store");
  assert.equal(
    (await join("b", "\u202E\u0007")).displayName,
    "b.myshopify.com",
    "a name of nothing but such characters falls back to the shop",
  );
});

/** Every route of a competition the app serves (method and path, `:id` and all), read from the assembled app. */
function competitionRoutes(t: TestApp): { method: string; path: string }[] {
  const seen = new Set<string>();
  return t.app.routes
    .filter((route) => route.method !== "ALL" && route.path.includes(":id"))
    .filter((route) => !seen.has(`${route.method} ${route.path}`) && seen.add(`${route.method} ${route.path}`))
    .map(({ method, path }) => ({ method, path }));
}

/** `path` with `:id` set to `id` and any other parameter given a plausible value. */
function concrete(path: string, id: string): string {
  return path.replace(":id", id).replace(/:action\{[^}]+\}/, "disqualify").replace(/:\w+(\{[^}]+\})?/g, "p1");
}

Deno.test("security (low) - every route of a competition answers someone who may not see it as it answers an unknown id", async () => {
  await using t = await createTestApp({}, { whop: true });
  const draft = await draftCompetition(t, CREATOR);
  const community = await draftCompetition(t, CREATOR, "Club Cup");
  await updateCompetition(t.kv, community.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "UPCOMING",
    fundsTxId: "pay_1",
    experienceId: "exp_Club01",
  }));
  t.whop!.experiences.add({ id: "exp_Club01", name: "Club", members: { [CREATOR]: "admin" } });
  const routes = competitionRoutes(t);
  for (const expected of ["POST /api/competitions/:id/join", "POST /sandbox/competitions/:id/fast-forward"]) {
    assert.ok(routes.some((r) => `${r.method} ${r.path}` === expected), `${expected} is among ${routes.length} routes`);
  }
  const status = async (method: string, path: string, id: string, userId?: string) => {
    const res = await t.request(concrete(path, id), {
      method,
      userId,
      ...(method === "GET" || method === "HEAD" ? {} : { json: { shop: "demo.myshopify.com", reason: "x" } }),
    });
    await res.body?.cancel();
    return res.status;
  };
  const unknown = "0zzzzzzzzzzzzzzzzzz";
  for (const { method, path } of routes) {
    for (
      const [what, competition, userId] of [
        ["another's draft, signed in", draft, "user_Stranger01"],
        ["a community's, to a signed-in non-member", community, "user_Stranger01"],
        ["another's draft, signed out", draft, undefined],
        ["a community's, signed out", community, undefined],
      ] as const
    ) {
      const answer = await status(method, path, competition.id, userId);
      assert.equal(answer, await status(method, path, unknown, userId), `${method} ${path}: ${what}`);
      assert.ok(answer < 500, `${method} ${path}: ${what} (${answer})`);
    }
  }
  // The two the issue found: joining another's draft, and a sandbox control on a community's competition.
  const stranger = "user_Stranger01";
  assert.equal(await status("POST", "/api/competitions/:id/join", draft.id, stranger), 404);
  assert.equal(await status("POST", "/sandbox/competitions/:id/fast-forward", community.id, stranger), 404);
  // The creator still reaches them (the gate is not a wall).
  const own = await t.request(`/api/competitions/${draft.id}`, { userId: CREATOR });
  assert.equal(own.status, 200);
  await own.body?.cancel();
});

Deno.test("security (low) - the lean stream server (LIVE_PORT) listens where the app does, not on every address", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl_live_port_" });
  const port = freePortRun(2);
  const livePort = freePort();
  // Sandbox mode: the app listens on 127.0.0.1 (LISTEN_ADDRESS's default there).
  const app = await startAppProcess({
    SANDBOX: "1",
    PORT: String(port),
    LIVE_PORT: String(livePort),
    KV_PATH: join(dir, "kv.sqlite3"),
    LOG_LEVEL: "warn",
  }, { timeoutMs: 60_000 });
  try {
    const loopback = await Deno.connect({ hostname: "127.0.0.1", port: livePort });
    loopback.close();
    // Another loopback address reaches a socket bound to 0.0.0.0, never one bound to 127.0.0.1.
    for (const candidate of [port, livePort]) {
      await assert.rejects(
        Deno.connect({ hostname: "127.0.0.2", port: candidate }),
        Deno.errors.ConnectionRefused,
        `port ${candidate} is bound to 127.0.0.1 only`,
      );
    }
  } finally {
    await app.kill("SIGTERM");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("security (low) - the create form sent three times at once (same page, same token) makes one draft", async () => {
  await using t = await createTestApp();
  const page = await (await t.request("/competitions/new", { userId: CREATOR })).text();
  const token = page.match(/name=\\?"formToken\\?" value=\\?"([\w-]+)\\?"|formToken&quot;:&quot;([\w-]+)&quot;/);
  const formToken = token?.[1] ?? token?.[2];
  assert.ok(formToken, "the form carries a one-time token");
  const start = new Date(t.clock.ms + 2 * HOUR).toISOString().slice(0, 16);
  const end = new Date(t.clock.ms + 26 * HOUR).toISOString().slice(0, 16);
  const fields = {
    title: "Triple Click Cup",
    prize: "100.00",
    currency: "USD",
    startDate: start,
    endDate: end,
    formToken,
  };
  const answers = await Promise.all([1, 2, 3].map(() => postForm(t, "/competitions/new", fields, CREATOR)));
  const locations = answers.map((res) => [res.status, res.headers.get("location")]);
  assert.deepEqual(new Set(locations.map(String)).size, 1, `one answer for all: ${JSON.stringify(locations)}`);
  assert.equal(answers[0].status, 303);
  const mine = await (await t.request("/api/competitions?creator=me", { userId: CREATOR })).json();
  assert.equal(mine.competitions.filter((c: { title: string }) => c.title === "Triple Click Cup").length, 1);

  // A new page is a new form: its token creates again; a refused form keeps its token for the corrected send.
  const again = await postForm(t, "/competitions/new", { ...fields, formToken: "b".repeat(22) }, CREATOR);
  assert.equal(again.status, 303);
  assert.notEqual(again.headers.get("location"), answers[0].headers.get("location"));
  const refused = await postForm(t, "/competitions/new", { ...fields, prize: "0", formToken: "c".repeat(22) }, CREATOR);
  assert.equal(refused.status, 400);
  assert.match(await refused.text(), /c{22}/, "the form shown again keeps its token");
  const corrected = await postForm(t, "/competitions/new", { ...fields, formToken: "c".repeat(22) }, CREATOR);
  assert.equal(corrected.status, 303);
  const all = await (await t.request("/api/competitions?creator=me", { userId: CREATOR })).json();
  assert.equal(all.competitions.filter((c: { title: string }) => c.title === "Triple Click Cup").length, 3);
});
