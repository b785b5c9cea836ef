import assert from "node:assert/strict";
import { orderAt } from "../testing/orders.ts";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { type OrderDelivery, recordOrder } from "../lib/competitions/revenue.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";
import { decidePlaces } from "../lib/competitions/leaderboard.ts";
import { competitionActions } from "../lib/competitions/actions.ts";

const HOUR = 3_600_000;
const CREATOR = "creator_export";
const OPERATOR = "operator_export";

/** An order of `cents` placed `minutes` after `start`. */
const order = (id: string, cents: number, start: number, minutes: number, extra: Partial<OrderDelivery> = {}) =>
  orderAt(start + minutes * 60_000, id, cents, 0, extra);

/** A running competition split 70/30 among three stores (one named like a formula), one of them later disqualified. */
async function raced(t: TestApp) {
  const start = t.clock.ms - 2 * HOUR;
  const { competition, participants } = await activeCompetition(t.kv, {
    start,
    stores: 4,
    creatorId: CREATOR,
    title: "Spring Brawl, “final”",
    prizeSplit: [70, 30],
    nameOf: (i) => ["Cara Goods", '=HYPERLINK("http://evil.example","win")', 'Eli, "the" Store', "Dee Deals"][i],
  });
  const [cara, evil, eli, dee] = participants;
  await recordOrder(t.kv, cara.id, order("1001", 120_00, start, 10), t.clock.ms);
  await recordOrder(t.kv, cara.id, order("1002", 30_00, start, 20, { manual: true }), t.clock.ms); // held
  await recordOrder(t.kv, evil.id, order("2001", 90_00, start, 15), t.clock.ms);
  await recordOrder(t.kv, eli.id, order("3001", 40_50, start, 5), t.clock.ms);
  await recordOrder(t.kv, dee.id, order("4001", 500_00, start, 30), t.clock.ms);
  await competitionActions(t.deps).disqualify(
    { competitionId: competition.id, participantId: dee.id },
    CREATOR,
    "Bought its own orders",
  );
  return { competition, start };
}

/** The CSV's lines, split on CRLF (the header first). */
async function lines(response: Response): Promise<string[]> {
  const text = await response.text();
  assert.ok(text.endsWith("\r\n"));
  return text.slice(0, -2).split("\r\n");
}

Deno.test("results export - the creator downloads the board as CSV: ranked, defused, quoted, money with its currency", async () => {
  await using t = await createTestApp({ ADMIN_USER_IDS: OPERATOR });
  const { competition } = await raced(t);
  const response = await t.request(`/api/competitions/${competition.id}/results.csv`, { userId: CREATOR });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.equal(
    response.headers.get("content-disposition"),
    'attachment; filename="spring-brawl-final-results-provisional.csv"',
  );
  assert.equal(response.headers.get("cache-control"), "private, no-store");
  const [header, ...rows] = await lines(response);
  assert.equal(
    header,
    "Rank,Place,Store,Shop,Revenue,Currency,Counted orders,Held orders,Excluded orders,Reached its total at (UTC)," +
      "Last order at (UTC),Prize if it ended now,Payout,Whop transfer,Disqualified because",
  );
  assert.equal(rows.length, 4);
  assert.match(rows[0], /^1,,Cara Goods,store-0\.myshopify\.com,120\.00,USD,1,1,0,\d{4}-[^,]+Z,[^,]+Z,350\.00,,,$/);
  // A name a spreadsheet would run as a formula is text, quoted because it holds quotes and a comma.
  assert.match(rows[1], /^2,,"'=HYPERLINK\(""http:\/\/evil\.example"",""win""\)",store-1\.myshopify\.com,90\.00,USD,/);
  assert.match(rows[1], /,150\.00,,,$/);
  assert.match(rows[2], /^3,,"Eli, ""the"" Store",store-2\.myshopify\.com,40\.50,USD,1,0,0,/);
  assert.match(rows[3], /^,,Dee Deals,store-3\.myshopify\.com,500\.00,USD,1,0,0,.*,Bought its own orders$/);

  // Once final: the decided places and prizes, and the file says so.
  const { places } = await decidePlaces(t.kv, competition, t.clock.ms);
  await updateCompetition(t.kv, competition.id, t.clock.ms, "status", (c) => ({
    ...c,
    status: "COMPLETED",
    completedAt: new Date(t.clock.ms).toISOString(),
    winner: places[0],
    places,
  }));
  const final = await t.request(`/api/competitions/${competition.id}/results.csv`, { userId: CREATOR });
  assert.match(final.headers.get("content-disposition") ?? "", /results-final\.csv"$/);
  const [finalHeader, first, second, third] = await lines(final);
  assert.match(finalHeader, /,Prize,Payout,/);
  assert.match(first, /^1,1,Cara Goods,.*,350\.00,,,$/);
  assert.match(second, /^2,2,.*,150\.00,,,$/);
  assert.match(third, /^3,,"Eli/);
});

Deno.test("results export - every store's orders, with what each adds and why; the metric's column when not revenue", async () => {
  await using t = await createTestApp();
  const { competition } = await raced(t);
  const response = await t.request(`/api/competitions/${competition.id}/orders.csv`, { userId: CREATOR });
  assert.equal(response.status, 200);
  assert.match(
    response.headers.get("content-disposition") ?? "",
    /filename="spring-brawl-final-orders-provisional\.csv"/,
  );
  const [header, ...rows] = await lines(response);
  assert.equal(
    header,
    "Store,Shop,Order,Placed at (UTC),Counts?,Adds,Order total,Currency,Held or flagged for,Creator's decision," +
      "Creator's note",
  );
  assert.deepEqual(rows.map((row) => /,(#\d+),/.exec(row)?.[1]), ["#1001", "#1002", "#2001", "#3001", "#4001"]);
  assert.match(rows[0], /^Cara Goods,store-0\.myshopify\.com,#1001,[^,]+Z,Yes,120\.00,120\.00,USD,,,$/);
  assert.match(
    rows[1],
    /^Cara Goods,store-0\.myshopify\.com,#1002,[^,]+Z,Held,0\.00,30\.00,USD,draft or manual order,,$/,
  );
  assert.match(rows[4], /^Dee Deals,.*,#4001,.*,500\.00,500\.00,USD,,,$/);

  // Ranked by another metric, the board says by what, beside the revenue.
  const byOrders = await activeCompetition(t.kv, {
    start: t.clock.ms - HOUR,
    stores: 1,
    creatorId: CREATOR,
    metric: "orders",
  });
  await recordOrder(t.kv, byOrders.participants[0].id, order("5001", 10_00, t.clock.ms - HOUR, 1), t.clock.ms);
  const board = await t.request(`/api/competitions/${byOrders.competition.id}/results.csv`, { userId: CREATOR });
  const [boardHeader, row] = await lines(board);
  assert.match(boardHeader, /^Rank,Place,Store,Shop,Number of orders,Revenue,Currency,/);
  assert.match(row, /^1,,Store 0,store-0\.myshopify\.com,1,10\.00,USD,/);
});

Deno.test("results export - only the creator and the operators: 404 to other users and to strangers", async () => {
  await using t = await createTestApp({ ADMIN_USER_IDS: OPERATOR });
  const { competition } = await raced(t);
  for (const path of ["results.csv", "orders.csv"]) {
    const url = `/api/competitions/${competition.id}/${path}`;
    const operator = await t.request(url, { userId: OPERATOR });
    assert.equal(operator.status, 200, `${path}: an operator`);
    await operator.body?.cancel();
    for (const userId of ["owner_0", "someone_else", undefined]) {
      const refused = await t.request(url, { userId });
      assert.equal(refused.status, 404, `${path}: ${userId ?? "signed out"}`);
      assert.deepEqual(Object.keys(await refused.json()).sort(), ["error", "requestId"]);
    }
    const unknown = await t.request(`/api/competitions/nosuchid1/${path}`, { userId: CREATOR });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
  }
});
