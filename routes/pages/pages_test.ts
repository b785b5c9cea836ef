import assert from "node:assert/strict";
import { createTestApp } from "../../testing/test_app.ts";
import { ensureIslandBundles } from "../../lib/web/island_build.ts";
import { getCompetition, updateCompetition } from "../../lib/competitions/competitions.ts";
import { updateParticipant } from "../../lib/competitions/participants.ts";
import { appText, notify } from "../../lib/competitions/notifications.ts";
import { saveUser } from "../../lib/core/users.ts";
import { keys } from "../../lib/core/db.ts";
import { recordOrder } from "../../lib/competitions/revenue.ts";
import {
  competitionStartedAnHourAgo,
  draftCompetition,
  fieldError,
  HOUR,
  postForm,
} from "../../testing/page_fixtures.ts";
import { activeCompetition } from "../../testing/fixtures.ts";

await ensureIslandBundles();

const CREATOR = "user_creator";
const OTHER = "user_other";

function createForm(start: number, patch: Record<string, string> = {}) {
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  return {
    title: "Spring Brawl",
    description: "",
    prize: "250.00",
    currency: "usd",
    startDate: iso(start),
    endDate: iso(start + 48 * HOUR),
    ...patch,
  };
}

Deno.test("pages - every page answers 200 with HTML that is never cached", async () => {
  await using t = await createTestApp();
  await saveUser(t.kv, { id: CREATOR, name: "Casey Creator" }, t.clock.ms);
  const { competition } = await competitionStartedAnHourAgo(t, CREATOR);
  const pages = [
    "/",
    "/?status=ACTIVE&q=holiday",
    "/signin",
    `/competitions/${competition.id}`,
    "/competitions/new",
    `/competitions/${competition.id}/manage`,
    "/dashboard",
    "/dashboard?tab=create",
    "/dashboard?tab=payouts",
    "/my-competitions",
  ];
  for (const path of pages) {
    const res = await t.request(path, { userId: CREATOR });
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("cache-control"), "private, no-store", path);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/, path);
    const html = await res.text();
    assert.match(html, /Casey Creator/, `${path} shows the signed-in user`);
    assert.doesNotMatch(html, /\sstyle=/, `${path} has no inline style attributes`);
  }
});

Deno.test("pages - browse filters by status and searches titles", async () => {
  await using t = await createTestApp();
  await competitionStartedAnHourAgo(t, CREATOR, 1, "Holiday Cup");
  const upcoming = await draftCompetition(t, CREATOR, "Winter Sprint");
  await updateCompetition(t.kv, upcoming.id, t.clock.ms, "status", (c) => ({ ...c, status: "UPCOMING" }));
  const all = await (await t.request("/")).text();
  assert.match(all, /Holiday Cup/);
  assert.match(all, /Winter Sprint/);
  const live = await (await t.request("/?status=active")).text();
  assert.match(live, /Holiday Cup/);
  assert.doesNotMatch(live, /Winter Sprint/);
  const searched = await (await t.request("/?q=WINTER")).text();
  assert.doesNotMatch(searched, /Holiday Cup/);
  assert.match(searched, /Winter Sprint/);
  assert.match(searched, /\$500\.00/);
});

Deno.test("pages - the competition page shows the leaderboard, disconnected stores, join form and winner", async () => {
  await using t = await createTestApp();
  const { competition, participants } = await competitionStartedAnHourAgo(t, CREATOR, 2);
  await updateParticipant(t.kv, participants[1].id, t.clock.ms, "sync", (p) => ({ ...p, connection: "disconnected" }));
  let html = await (await t.request(`/competitions/${competition.id}`, { userId: OTHER })).text();
  assert.match(html, /data-island="live_leaderboard"/);
  assert.match(html, /data-island="live_race_chart"/);
  assert.match(html, /<progress id="elapsed-bar" max="100" value="0">/);
  assert.equal(html.match(/store disconnected/g)?.length, 1);
  assert.match(html, new RegExp(`action="/api/competitions/${competition.id}/join"`));
  assert.match(html, /name="shop"/);

  const signedOut = await (await t.request(`/competitions/${competition.id}`)).text();
  assert.doesNotMatch(signedOut, /name="shop"/);
  assert.ok(signedOut.includes(`href="/signin?returnTo=%2Fcompetitions%2F${competition.id}"`));

  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "COMPLETED",
    winner: {
      participantId: participants[0].id,
      userId: participants[0].userId,
      displayName: "Store 0",
      shop: participants[0].shop,
      revenue: 123450,
      reachedAt: new Date(t.clock.ms).toISOString(),
      decidedAt: new Date(t.clock.ms).toISOString(),
    },
  }));
  html = await (await t.request(`/competitions/${competition.id}`)).text();
  assert.match(html, /<strong>Store 0<\/strong> won with \$1,234\.50/);
  assert.doesNotMatch(html, /data-island="live_/, "a finished competition does not follow the live stream");
  assert.deepEqual(
    [...new Set([...html.matchAll(/data-island="(\w+)"/g)].map((m) => m[1]))],
    ["local_time"],
    "its only island writes dates in the visitor's zone",
  );
});

Deno.test("pages - ?joinError=<code> shows the server's sentence for that code; free text from the URL is never shown", async () => {
  await using t = await createTestApp();
  const { competition } = await competitionStartedAnHourAgo(t, CREATOR, 1);
  const path = `/competitions/${competition.id}?joinError=store_taken`;
  const html = await (await t.request(path, { userId: OTHER })).text();
  const start = html.indexOf('<form method="post" action="/api/competitions/');
  const form = html.slice(start, html.indexOf("</form>", start));
  assert.ok(
    form.includes(
      '<p class="notice notice-error join-error" id="join-error" role="alert">' +
        "That store is already in this competition.</p>",
    ),
    form,
  );
  assert.match(form, /aria-describedby="join-shop-hint join-error"/);
  assert.match(form, /aria-invalid="true"/);
  const currency = await (await t.request(`/competitions/${competition.id}?joinError=currency`)).text();
  assert.match(currency, /role="alert">This store sells in another currency; only stores selling in USD can join\.</);

  const plain = await (await t.request(`/competitions/${competition.id}`, { userId: OTHER })).text();
  assert.doesNotMatch(plain, /role="alert"/);
  assert.doesNotMatch(plain, /aria-invalid/);
  // What an attacker could put in a link: shown as nothing at all.
  for (
    const crafted of [
      "Your store was suspended. Call +1-555-0100 to restore it.",
      `The store <b>x</b> & "y" is already in this competition.`,
      "store_taken ",
      "toString",
      "__proto__",
      " ",
      "a".repeat(5000),
    ]
  ) {
    const page =
      await (await t.request(`/competitions/${competition.id}?${new URLSearchParams({ joinError: crafted })}`))
        .text();
    assert.doesNotMatch(page, /role="alert"/, crafted.slice(0, 40));
    assert.doesNotMatch(page, /555-0100|<b>x<\/b>/);
  }

  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({ ...c, status: "COMPLETED" }));
  const closed = await (await t.request(path, { userId: OTHER })).text();
  assert.doesNotMatch(closed, /name="shop"/);
  assert.match(
    closed,
    /role="alert">That store is already in this competition\./,
    "still said when joining has closed",
  );
});

Deno.test("pages - a signed-in participant sees their store, its sync progress and a disconnection", async () => {
  await using t = await createTestApp();
  const { competition, participants: [mine] } = await competitionStartedAnHourAgo(t, CREATOR, 2);
  await saveUser(t.kv, { id: mine.userId, name: "Owner Zero" }, t.clock.ms);
  const page = () =>
    t.request(`/competitions/${competition.id}?joinError=ignored`, { userId: mine.userId }).then((r) => r.text());
  let html = await page();
  assert.match(html, /You're in with <strong>Store 0<\/strong> <span class="your-shop">\(store-0\.myshopify\.com\)/);
  assert.doesNotMatch(html, /name="shop"/, "no join form for a participant");
  assert.doesNotMatch(html, /role="alert"/, "a stale joinError is not shown once joined");
  assert.match(html, /class="sync-state sync-pending">Waiting to fetch your orders</);
  assert.match(html, /class="sync-orders">0</);
  assert.match(html, /class="sync-last">not yet</);

  const syncedAt = new Date(t.clock.ms).toISOString();
  await updateParticipant(t.kv, mine.id, t.clock.ms, "sync", (p) => ({
    ...p,
    sync: { state: "done", ordersFetched: 37, lastSyncedAt: syncedAt },
  }));
  html = await page();
  assert.match(html, /class="sync-state sync-done">Up to date</);
  assert.match(html, /class="sync-orders">37</);
  assert.ok(html.includes(`<time datetime="${syncedAt}">`), "last synced as a time");
  assert.doesNotMatch(html, /store disconnected/);

  await updateParticipant(t.kv, mine.id, t.clock.ms, "sync", (p) => ({
    ...p,
    connection: "disconnected",
    disconnectedAt: syncedAt,
    sync: { ...p.sync, state: "failed", error: "Shopify refused the token." },
  }));
  html = await page();
  assert.match(html, /class="sync-state sync-failed">Sync failed</);
  assert.match(html, /Shopify refused the token\./);
  assert.match(html, /CartBrawl no longer has access to this store's orders \(since /);
  assert.equal(html.match(/store disconnected/g)?.length, 2, "in the own-store panel and the leaderboard row");

  const other = await (await t.request(`/competitions/${competition.id}`, { userId: OTHER })).text();
  assert.doesNotMatch(other, /You're in with/);
  assert.match(other, /name="shop"/);
});

Deno.test("pages - drafts are the creator's; others get a 404 page", async () => {
  await using t = await createTestApp();
  const draft = await draftCompetition(t, CREATOR);
  assert.equal((await t.request(`/competitions/${draft.id}`, { userId: CREATOR })).status, 200);
  const res = await t.request(`/competitions/${draft.id}`, { userId: OTHER });
  assert.equal(res.status, 404);
  assert.match(await res.text(), /There is no competition with that id\./);
});

Deno.test("pages - creating a competition 303s to its manage page; errors show next to their fields", async () => {
  await using t = await createTestApp();
  const ok = await postForm(t, "/competitions/new", createForm(t.clock.ms + 2 * HOUR), CREATOR);
  assert.equal(ok.status, 303);
  const id = ok.headers.get("location")?.match(/^\/competitions\/([\w]+)\/manage$/)?.[1];
  assert.ok(id, ok.headers.get("location") ?? "no location");
  const created = await getCompetition(t.kv, id);
  assert.equal(created.prize, 25000);
  assert.equal(created.currency, "USD");
  assert.equal(created.startDate, new Date(t.clock.ms + 2 * HOUR).toISOString().slice(0, 16) + ":00.000Z");

  const bad = await postForm(
    t,
    "/competitions/new",
    createForm(t.clock.ms - HOUR, { title: "x", prize: "1.234" }),
    CREATOR,
  );
  assert.equal(bad.status, 400);
  const html = await bad.text();
  assert.equal(fieldError(html, "title"), "Give the competition a title of at least 3 characters.");
  assert.equal(fieldError(html, "prize"), "USD amounts have at most 2 decimal places.");
  assert.equal(fieldError(html, "startDate"), "The start must be in the future.");
  assert.equal(fieldError(html, "endDate"), undefined);
  assert.match(html, /name="title" aria-invalid="true"|aria-invalid="true"[^>]*name="title"/);
  assert.match(html, /value="1\.234"/, "the form keeps what was typed");
});

Deno.test("pages - creator pages prompt signed-out visitors to sign in and refuse other users", async () => {
  await using t = await createTestApp();
  const draft = await draftCompetition(t, CREATOR);
  for (const path of ["/dashboard", "/competitions/new", `/competitions/${draft.id}/manage`, "/my-competitions"]) {
    const res = await t.request(path);
    assert.equal(res.status, 401, path);
    const html = await res.text();
    assert.match(html, /Sign in with Whop/, path);
    assert.ok(
      html.includes(`href="/login?${new URLSearchParams({ returnTo: path })}"`),
      `${path} comes back after sign-in`,
    );
  }
  // A draft does not exist for anyone else (404); a funded competition is refused to them (403).
  assert.equal((await t.request(`/competitions/${draft.id}/manage`, { userId: OTHER })).status, 404);
  const edit = await postForm(t, `/competitions/${draft.id}/manage/edit`, { title: "Mine now" }, OTHER);
  assert.equal(edit.status, 404);
  const cancel = await postForm(t, `/competitions/${draft.id}/manage/cancel`, {}, OTHER);
  assert.equal(cancel.status, 404);
  assert.equal((await getCompetition(t.kv, draft.id)).status, "DRAFT");
  const { competition: funded } = await competitionStartedAnHourAgo(t, CREATOR, 1);
  const res = await t.request(`/competitions/${funded.id}/manage`, { userId: OTHER });
  assert.equal(res.status, 403);
  assert.match(await res.text(), /Only the creator can manage this competition\./);
});

Deno.test("pages - the manage page edits, shows funding issues and sync state, and cancels", async () => {
  await using t = await createTestApp();
  const draft = await draftCompetition(t, CREATOR);
  await updateCompetition(
    t.kv,
    draft.id,
    t.clock.ms,
    "status",
    (c) => ({ ...c, fundingIssue: "The payment was $5.00 short." }),
  );
  let html = await (await t.request(`/competitions/${draft.id}/manage`, { userId: CREATOR })).text();
  assert.match(html, /Funding problem: The payment was \$5\.00 short\./);
  assert.match(html, new RegExp(`action="/api/competitions/${draft.id}/fund"`));

  const edit = await postForm(t, `/competitions/${draft.id}/manage/edit`, {
    ...createForm(Date.parse(draft.startDate)),
    title: "Holiday Cup, edited",
  }, CREATOR);
  assert.equal(edit.status, 303);
  assert.equal(edit.headers.get("location"), `/competitions/${draft.id}/manage?saved`);
  assert.equal((await getCompetition(t.kv, draft.id)).title, "Holiday Cup, edited");

  const invalid = await postForm(t, `/competitions/${draft.id}/manage/edit`, {
    ...createForm(Date.parse(draft.startDate)),
    prize: "0",
  }, CREATOR);
  assert.equal(invalid.status, 400);
  assert.equal(fieldError(await invalid.text(), "prize"), "The prize must be more than zero.");

  const unconfirmed = await postForm(t, `/competitions/${draft.id}/manage/cancel`, {}, CREATOR);
  assert.equal(unconfirmed.status, 400, "cancelling needs the confirmation box");
  assert.match(await unconfirmed.text(), /Tick the box to confirm: cancelling cannot be undone\./);
  assert.equal((await getCompetition(t.kv, draft.id)).status, "DRAFT");
  const cancel = await postForm(t, `/competitions/${draft.id}/manage/cancel`, { confirm: "yes" }, CREATOR);
  assert.equal(cancel.status, 303);
  assert.equal(cancel.headers.get("location"), `/competitions/${draft.id}/manage`);
  assert.equal((await getCompetition(t.kv, draft.id)).status, "CANCELLED");

  const { competition, participants } = await competitionStartedAnHourAgo(t, CREATOR, 1, "Summer Cup");
  await updateParticipant(t.kv, participants[0].id, t.clock.ms, "sync", (p) => ({
    ...p,
    sync: { state: "failed", ordersFetched: 42, error: "Shopify answered 503." },
  }));
  html = await (await t.request(`/competitions/${competition.id}/manage`, { userId: CREATOR })).text();
  assert.match(html, />failed</);
  assert.match(html, />42 fetched</);
  assert.match(html, /data-label="Orders counted">0</, "the orders that count, as the board shows them");
  assert.match(html, /Shopify answered 503\./);
  assert.doesNotMatch(html, /Edit the rules/, "rules are locked once started");
});

Deno.test("pages - the dashboard's payouts tab shows each payout's state", async () => {
  await using t = await createTestApp();
  const { competition } = await competitionStartedAnHourAgo(t, CREATOR, 1);
  await updateCompetition(
    t.kv,
    competition.id,
    t.clock.ms,
    "status",
    (c) => ({ ...c, status: "COMPLETED", winner: null }),
  );
  await t.kv.set(keys.payout(competition.id), {
    state: "failed",
    lastError: "Whop refused the transfer.",
    attempts: 3,
    nextAttemptAt: "2026-12-01T15:00:00.000Z",
  });
  const html = await (await t.request("/dashboard?tab=payouts", { userId: CREATOR })).text();
  assert.match(html, /Payout failed/);
  assert.match(html, /Whop refused the transfer\./);
  assert.match(html, /aria-current="page">Payouts</);
});

Deno.test("pages - my competitions shows rank and outcome", async () => {
  await using t = await createTestApp();
  const { competition, participants } = await competitionStartedAnHourAgo(t, CREATOR, 2);
  let html = await (await t.request("/my-competitions", { userId: participants[1].userId })).text();
  assert.match(html, /1st<\/strong> <span>In progress/, "a tie at zero shares first place");
  await recordOrder(t.kv, participants[0].id, {
    orderId: "1",
    createdAt: new Date(t.clock.ms).toISOString(),
    updatedAt: new Date(t.clock.ms).toISOString(),
    amount: 1000,
    currency: "USD",
    test: false,
    cancelled: false,
  }, t.clock.ms);
  html = await (await t.request("/my-competitions", { userId: participants[1].userId })).text();
  assert.match(html, /2nd<\/strong> <span>In progress/);
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "COMPLETED",
    winner: {
      ...participants[1],
      division: undefined,
      participantId: participants[1].id,
      revenue: 100,
      decidedAt: c.updatedAt,
    },
  }));
  html = await (await t.request("/my-competitions", { userId: participants[1].userId })).text();
  assert.match(html, /<span>Won<\/span>/);
});

Deno.test("pages - the header lists notifications and marks them read through the one notifications endpoint", async () => {
  await using t = await createTestApp();
  await notify(
    t.kv,
    { dedupeKey: "a", userId: CREATOR, kind: "funded", title: appText`Prize funded`, body: appText`Ready.` },
    t.clock.ms,
  );
  let html = await (await t.request("/dashboard?tab=payouts", { userId: CREATOR })).text();
  assert.match(html, /<details class="menu notifications">/);
  assert.match(html, /aria-label="1 unread">1</);
  assert.match(html, /Prize funded/);
  assert.match(html, /<form method="post" action="\/api\/notifications\/read">/);
  assert.match(html, /name="returnTo" value="\/dashboard\?tab=payouts"/, "back to the same tab");
  assert.equal(html.match(/notifications\/read/g)?.length, 1);

  const res = await postForm(t, "/api/notifications/read", { returnTo: "/dashboard?tab=payouts" }, CREATOR);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/dashboard?tab=payouts");
  html = await (await t.request("/", { userId: CREATOR })).text();
  assert.doesNotMatch(html, /unread/);
  for (const returnTo of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
    const offsite = await postForm(t, "/api/notifications/read", { returnTo }, CREATOR);
    assert.equal(offsite.status, 303);
    assert.match(offsite.headers.get("location") ?? "", /^\/(?![/\\])/, `only paths on this site (${returnTo})`);
  }
  const old = await postForm(t, "/notifications/read", { returnTo: "/" }, CREATOR);
  assert.equal(old.status, 404, "the page route is gone: one endpoint only");
});

Deno.test("pages - CSRF: a cross-origin form post is refused", async () => {
  await using t = await createTestApp();
  const res = await postForm(
    t,
    "/competitions/new",
    createForm(t.clock.ms + 2 * HOUR),
    CREATOR,
    "https://evil.example",
  );
  assert.equal(res.status, 403);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  assert.equal(
    (await t.request("/dashboard", { userId: CREATOR }).then((r) => r.text())).includes("Spring Brawl"),
    false,
  );
  const api = await t.request("/api/competitions/x/join", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    body: "shop=a.myshopify.com",
  });
  assert.equal(api.status, 403);
  assert.match(api.headers.get("content-type") ?? "", /^application\/json/);
});

Deno.test("pages - unknown paths get an HTML 404 page, unknown API paths JSON", async () => {
  await using t = await createTestApp();
  const page = await t.request("/no-such-page");
  assert.equal(page.status, 404);
  assert.match(await page.text(), /<h1>Not found<\/h1>/);
  const api = await t.request("/api/no-such-thing");
  assert.equal(api.status, 404);
  assert.deepEqual(await api.json(), { error: "Not found.", requestId: api.headers.get("x-request-id") });
});

Deno.test("pages - the manage page says what happened to the money and, once funded, shows the race and a share link", async () => {
  await using t = await createTestApp();
  const draft = await draftCompetition(t, CREATOR);
  const { competition } = await updateCompetition(
    t.kv,
    draft.id,
    t.clock.ms,
    "status",
    (c) => ({ ...c, status: "UPCOMING", fundsTxId: "pay_1" }),
  );
  const manage = async () =>
    await (await t.request(`/competitions/${competition.id}/manage`, { userId: CREATOR })).text();
  let html = await manage();
  assert.match(html, /✓ Funded<\/strong>: the \$500\.00 prize is held on Whop until the end\./);
  assert.match(html, /Yes, cancel and refund the \$500\.00 prize/);
  assert.match(
    html,
    new RegExp(`id="share-link" readonly value="http://localhost:8000/competitions/${competition.id}"`, "i"),
  );
  assert.match(html, /<h2 id="board-heading">The race<\/h2>/);
  // Funded: every rule's control is locked, the title and description are not.
  const control = (name: string) =>
    new RegExp(`<(input|select|textarea)[^>]*name="${name}"[^>]*>`).exec(html)?.[0] ?? "";
  for (const name of ["prize", "currency", "prizeSplit", "metric", "privacy", "startDate", "duration", "endDate"]) {
    assert.match(control(name), /\bdisabled\b/, `${name} is locked once funded`);
  }
  for (const name of ["title", "description"]) assert.doesNotMatch(control(name), /\bdisabled\b/, name);
  assert.match(
    html,
    /The prize is funded, so the rules are locked \(stores joined on them\); the title and description/,
  );
  const saved = await t.request(`/competitions/${competition.id}/manage/edit`, {
    method: "POST",
    userId: CREATOR,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ title: "Renamed Cup", description: "Now with a story" }).toString(),
  });
  assert.equal(saved.status, 303, "a funded competition's form sends its title and description only");
  const renamed = await getCompetition(t.kv, competition.id);
  assert.deepEqual([renamed.title, renamed.startDate, renamed.privacy], [
    "Renamed Cup",
    competition.startDate,
    competition.privacy,
  ]);
  html = await manage();

  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({ ...c, status: "CANCELLED" }));
  const refund = {
    state: "failed",
    attempts: 2,
    lastError: "Whop could not reach the bank.",
    kind: "prize",
    reason: "cancelled",
    amount: 50_000,
    currency: "USD",
    idempotencyKey: `refund_${competition.id}`,
  };
  await t.kv.set(keys.prizeRefund(competition.id), refund);
  html = await manage();
  assert.doesNotMatch(html, /✓ Funded/, "a cancelled prize is no longer held");
  assert.match(html, /\$500\.00 because the competition was cancelled: <span class="tag tag-warning">Refund not done/);
  assert.match(html, /Whop could not reach the bank\./);
  await t.kv.set(keys.prizeRefund(competition.id), { ...refund, state: "sent", refundId: "rf_1" });
  html = await manage();
  assert.match(html, /<span class="tag tag-ok">Refunded<\/span>/);
});

Deno.test("pages - a store owner sees each of its orders, what it counts for and why not", async () => {
  await using t = await createTestApp();
  const { competition, participants: [mine, other] } = await competitionStartedAnHourAgo(t, CREATOR, 2);
  const at = (minutes: number) => new Date(Date.parse(competition.startDate) + minutes * 60_000).toISOString();
  const order = (orderId: string, amount: number, minutes: number, extra = {}) =>
    recordOrder(t.kv, mine.id, {
      orderId,
      createdAt: at(minutes),
      updatedAt: at(minutes),
      amount,
      currency: "USD",
      test: false,
      cancelled: false,
      ...extra,
    }, t.clock.ms);
  await order("1001", 12_50, 1);
  await order("1002", 40_00, 2, { test: true });
  await order("1003", 7_00, 3, { cancelled: true });
  await order("1004", 9_99, 4, { currency: "EUR" });
  const html = await (await t.request(`/competitions/${competition.id}`, { userId: mine.userId })).text();
  const rows = [
    ...html.matchAll(
      /<tr[^>]*><th scope="row"[^>]*>#(\d+)<\/th>[\s\S]*?data-label="Counts for">([^<]+)<\/td><td data-label="Counts\?"[^>]*><strong>([^<]+)</g,
    ),
  ]
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`);
  assert.deepEqual(rows, [
    "1004 $0.00 No: another currency",
    "1003 $0.00 No: cancelled",
    "1002 $0.00 No: a test order",
    "1001 $12.50 Yes",
  ]);
  const others = await (await t.request(`/competitions/${competition.id}`, { userId: other.userId })).text();
  assert.doesNotMatch(others, /#1001/, "another store's owner sees only its own orders");
  assert.match(others, /Your orders[\s\S]*No orders yet\./);
});

Deno.test("pages - the create form sets privacy mode, and the manage page keeps it", async () => {
  await using t = await createTestApp();
  const start = t.clock.ms + 2 * HOUR;
  const res = await postForm(t, "/competitions/new", {
    title: "Quiet Cup",
    description: "",
    prize: "100.00",
    currency: "USD",
    prizeSplit: "100",
    metric: "revenue",
    growthMinBaseline: "",
    startDate: new Date(start).toISOString().slice(0, 16),
    endDate: new Date(start + 48 * HOUR).toISOString().slice(0, 16),
    duration: "custom",
    timeZone: "UTC",
    privacy: "ranks",
  }, CREATOR);
  assert.equal(res.status, 303);
  const id = res.headers.get("location")!.split("/")[2];
  assert.equal((await getCompetition(t.kv, id)).privacy, "ranks");
  const manage = await (await t.request(`/competitions/${id}/manage`, { userId: CREATOR })).text();
  assert.match(manage, /<option value="ranks" selected>Ranks only \(privacy mode\)<\/option>/);
});

Deno.test("pages - the winner sees what they won and where the payout stands; nobody else does", async () => {
  await using t = await createTestApp();
  const { competition, participants: [winner] } = await competitionStartedAnHourAgo(t, CREATOR, 2);
  const decided = new Date(t.clock.ms).toISOString();
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "COMPLETED",
    winner: {
      participantId: winner.id,
      userId: winner.userId,
      displayName: winner.displayName,
      shop: winner.shop,
      revenue: 12_000,
      reachedAt: decided,
      decidedAt: decided,
      place: 1,
      amount: 50_000,
    },
  }));
  await t.kv.set(keys.payout(competition.id), { state: "sent", attempts: 1, transferId: "xfer_9" });
  const page = async (userId?: string) => await (await t.request(`/competitions/${competition.id}`, { userId })).text();
  const mine = await page(winner.userId);
  assert.match(mine, /You won \$500\.00/);
  assert.match(mine, /Paid out<\/span><span class="muted">transfer xfer_9/);
  assert.doesNotMatch(await page(), /You won/);
  assert.doesNotMatch(await page(CREATOR), /You won/);
});

Deno.test("pages - a disqualification is confirmed by name, logged by the creator's name, and told to the store in its own view", async () => {
  await using t = await createTestApp();
  await saveUser(t.kv, { id: CREATOR, name: "Casey Creator" }, t.clock.ms);
  const { competition, participants: [eli] } = await activeCompetitionNamed(t, "Eli Goods");
  await recordOrder(t.kv, eli.id, {
    orderId: "5001",
    name: "#1001",
    createdAt: new Date(t.clock.ms - 60_000).toISOString(),
    updatedAt: new Date(t.clock.ms - 60_000).toISOString(),
    amount: 40_00,
    currency: "USD",
    test: false,
    cancelled: false,
  }, t.clock.ms);
  const path = `/competitions/${competition.id}/manage/participants/${eli.id}/disqualify`;
  const posted = await postForm(t, path, { reason: "Orders placed by the owner" }, CREATOR);
  assert.equal(posted.status, 303);
  const location = posted.headers.get("location")!;
  assert.equal(location, `/competitions/${competition.id}/manage?disqualified=${eli.id}`);
  const manage = await (await t.request(location, { userId: CREATOR })).text();
  assert.match(manage, /role="status">Eli Goods disqualified: Orders placed by the owner</);
  assert.match(manage, /<span title="Whop user user_creator">Casey Creator<\/span>/, "the audit log names the creator");

  const own = await (await t.request(`/competitions/${competition.id}`, { userId: eli.userId })).text();
  assert.doesNotMatch(own, /You're in with/);
  assert.match(own, /Eli Goods<\/strong>[\s\S]*was <strong>disqualified<\/strong> by the creator/);
  assert.match(own, /Reason given: Orders placed by the owner/);
  assert.match(own, /title="Shopify order id 5001">#1001<\/th>[\s\S]*?\$0\.00[\s\S]*?No: your store is disqualified/);
});

/** A live competition with one store of that name. */
function activeCompetitionNamed(t: Parameters<typeof competitionStartedAnHourAgo>[0], name: string) {
  const start = t.clock.ms - HOUR;
  return activeCompetition(t.kv, { start, stores: 1, creatorId: CREATOR, nameOf: () => name });
}
