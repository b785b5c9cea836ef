/**
 * Upgrades of the KV layout (`lib/core/migrations.ts`): data one version
 * behind is migrated exactly once even when two instances start together; a
 * new store is stamped, data from before versioning is brought up to date;
 * data from a newer release stops the app with one sentence.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  LAYOUT_VERSION,
  LAYOUT_VERSION_KEY,
  LayoutError,
  type Migration,
  MIGRATIONS,
  prepareLayout,
} from "../lib/core/migrations.ts";
import { freePort, startAppProcess } from "../testing/app_process.ts";
import { keys } from "../lib/core/db.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { auditStore } from "../testing/order_audit.ts";
import { type OrderDelivery, recordOrder } from "../lib/competitions/revenue.ts";

Deno.test("migrations - data at N-1 is upgraded once when two instances start together", async () => {
  const dir = await Deno.makeTempDir({ prefix: "migrations_test_" });
  try {
    const path = join(dir, "kv.sqlite3");
    {
      await using kv = await Deno.openKv(path);
      await kv.set(LAYOUT_VERSION_KEY, 1);
      for (let i = 0; i < 5; i++) await kv.set(["competitions", `c${i}`], { id: `c${i}`, prize: 100 * i });
    }
    // Version 2 moves each competition's prize into `prizeMinor` and counts its own runs (not idempotent on purpose).
    const toV2: Migration = {
      to: 2,
      description: "prize → prizeMinor",
      run: async (kv) => {
        const runs = (await kv.get<number>(["test_migration_runs"])).value ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 300));
        for await (const entry of kv.list<Record<string, unknown>>({ prefix: ["competitions"] })) {
          const { prize, ...rest } = entry.value;
          if (prize !== undefined) await kv.set(entry.key, { ...rest, prizeMinor: prize });
        }
        await kv.set(["test_migration_runs"], runs + 1);
      },
    };
    const migrations = [...MIGRATIONS, toV2];
    await using first = await Deno.openKv(path);
    await using second = await Deno.openKv(path);
    const outcomes = await Promise.all(
      [first, second].map((kv) => prepareLayout(kv, { now: Date.now, migrations, version: 2 })),
    );
    assert.deepEqual(outcomes.map((outcome) => outcome.result).sort(), ["migrated", "migrated_elsewhere"]);
    assert.deepEqual(outcomes.find((outcome) => outcome.result === "migrated"), {
      result: "migrated",
      from: 1,
      version: 2,
    });
    assert.equal((await first.get(["test_migration_runs"])).value, 1, "the migration ran once");
    assert.equal((await second.get(LAYOUT_VERSION_KEY)).value, 2);
    assert.deepEqual((await first.get(["competitions", "c3"])).value, { id: "c3", prizeMinor: 300 });

    // A later start finds nothing to do.
    assert.deepEqual(await prepareLayout(first, { now: Date.now, migrations, version: 2 }), {
      result: "current",
      version: 2,
    });
    assert.equal((await first.get(["test_migration_runs"])).value, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("migrations - a new store is stamped; data from before versioning is brought up to date", async () => {
  await using empty = await Deno.openKv(":memory:");
  assert.deepEqual(await prepareLayout(empty, { now: Date.now }), { result: "initialized", version: LAYOUT_VERSION });
  assert.equal((await empty.get(LAYOUT_VERSION_KEY)).value, LAYOUT_VERSION);

  await using old = await Deno.openKv(":memory:");
  await old.set(["competitions", "c1"], { id: "c1" });
  assert.deepEqual(await prepareLayout(old, { now: Date.now }), {
    result: "migrated",
    from: 0,
    version: LAYOUT_VERSION,
  });
  assert.equal((await old.get(LAYOUT_VERSION_KEY)).value, LAYOUT_VERSION);
});

Deno.test("migrations - the app refuses data from a newer release with one sentence", async () => {
  await using kv = await Deno.openKv(":memory:");
  await kv.set(LAYOUT_VERSION_KEY, LAYOUT_VERSION + 1);
  await assert.rejects(
    prepareLayout(kv, { now: Date.now }),
    (error) => error instanceof LayoutError && /newer than this release understands/.test(error.message),
  );

  const dir = await Deno.makeTempDir({ prefix: "migrations_newer_" });
  try {
    const kvPath = join(dir, "kv.sqlite3");
    {
      await using file = await Deno.openKv(kvPath);
      await file.set(LAYOUT_VERSION_KEY, LAYOUT_VERSION + 1);
    }
    const app = await startAppProcess({ SANDBOX: "1", PORT: String(freePort()), KV_PATH: kvPath }, { ready: false });
    const status = await app.child.status;
    await app.kill();
    assert.equal(status.code, 1);
    assert.match(
      app.output(),
      new RegExp(`CartBrawl cannot start: The data in KV is at layout version ${LAYOUT_VERSION + 1}, newer than`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("migrations - version 2 indexes each stored order's store, so replays of older orders are refused too", async () => {
  await using kv = await Deno.openKv(":memory:");
  await kv.set(LAYOUT_VERSION_KEY, 1);
  await kv.set(keys.participant("par_a"), { id: "par_a", competitionId: "cmp_1" });
  await kv.set(keys.order("par_a", "1001"), { amount: 1250, counted: true });
  await kv.set(keys.order("par_gone", "1002"), { amount: 500, counted: true });
  assert.deepEqual(await prepareLayout(kv, { now: Date.now }), {
    result: "migrated",
    from: 1,
    version: LAYOUT_VERSION,
  });
  assert.equal((await kv.get(keys.orderOwner("cmp_1", "1001"))).value, "par_a");
  const owners = await Array.fromAsync(kv.list({ prefix: ["order_owners"] }));
  assert.equal(owners.length, 1, "an order of a participant that no longer exists is left alone");
});

Deno.test("migrations - version 3: orders stored before payments were read keep counting exactly as they did", async () => {
  await using kv = await Deno.openKv(":memory:");
  const start = Date.parse("2026-12-02T00:00:00Z");
  const { participants: [p] } = await activeCompetition(kv, { start, stores: 1 });
  const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  const delivery = (
    id: string,
    amount: number,
    minutes: number,
    patch: Partial<OrderDelivery> = {},
  ): OrderDelivery => ({
    orderId: id,
    createdAt: at(minutes),
    updatedAt: at(minutes),
    amount,
    currency: "USD",
    test: false,
    cancelled: false,
    ...patch,
  });
  await recordOrder(kv, p.id, delivery("1", 1200, 10), start + 600_000);
  await recordOrder(kv, p.id, delivery("2", 800, 70), start + 600_000);
  await recordOrder(kv, p.id, delivery("3", 500, 75, { test: true }), start + 600_000);
  // As layout 2 stored them: amount, counted, times and reason only; no hour buckets.
  for await (const entry of kv.list<Record<string, unknown>>({ prefix: keys.orders(p.id) })) {
    const { amount, counted, createdAt, updatedAt, reason } = entry.value;
    await kv.set(entry.key, { amount, counted, createdAt, updatedAt, ...(reason ? { reason } : {}) });
  }
  for await (const entry of kv.list({ prefix: keys.orderHours(p.id) })) await kv.delete(entry.key);
  await kv.set(LAYOUT_VERSION_KEY, 2);

  assert.deepEqual(await prepareLayout(kv, { now: Date.now }), {
    result: "migrated",
    from: 2,
    version: LAYOUT_VERSION,
  });
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 2000, orders: 2, held: 0, excluded: 0 });
  const first = (await kv.get<Record<string, unknown>>(keys.order(p.id, "1"))).value!;
  assert.equal(first.payment, "paid");
  assert.equal(first.gross, 1200);
  // Running it again changes nothing.
  await kv.set(LAYOUT_VERSION_KEY, 2);
  await prepareLayout(kv, { now: Date.now });
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 2000, orders: 2, held: 0, excluded: 0 });
  // Later deliveries of those orders move the totals exactly: a refund, and a webhook stating the status.
  await recordOrder(kv, p.id, delivery("1", 700, 10, { updatedAt: at(200), payment: "paid" }), start + 12_000_000);
  await recordOrder(kv, p.id, delivery("2", 800, 70, { updatedAt: at(200), payment: "paid" }), start + 12_000_000);
  assert.deepEqual(await auditStore(kv, p.id), { revenue: 1500, orders: 2, held: 0, excluded: 0 });
});

Deno.test("migrations - version 4: every membership a shop had is open to its order webhooks, once", async () => {
  await using kv = await Deno.openKv(":memory:");
  const start = Date.parse("2026-12-02T00:00:00Z");
  const shopOf = (i: number) => `store-${i % 3}.myshopify.com`;
  const first = await activeCompetition(kv, { start, stores: 3, shopOf });
  const second = await activeCompetition(kv, { start, stores: 2, shopOf });
  // As layout 3 stored them: memberships, none open.
  for await (const entry of kv.list({ prefix: ["open_memberships_by_shop"] })) await kv.delete(entry.key);
  await kv.set(LAYOUT_VERSION_KEY, 3);
  const open = async () =>
    (await Array.fromAsync(kv.list<string>({ prefix: ["open_memberships_by_shop"] }))).map(
      (entry) => [...entry.key.slice(1), entry.value].join(" "),
    ).sort();
  const expected = [...first.participants, ...second.participants]
    .map((p) => `${p.shop} ${p.competitionId} ${p.id}`).sort();

  assert.deepEqual(await prepareLayout(kv, { now: Date.now }), {
    result: "migrated",
    from: 3,
    version: LAYOUT_VERSION,
  });
  assert.deepEqual(await open(), expected);
  await kv.set(LAYOUT_VERSION_KEY, 3);
  await prepareLayout(kv, { now: Date.now });
  assert.deepEqual(await open(), expected, "running it again changes nothing");
});
