/**
 * Backup and restore (`lib/core/backup.ts`): every value type KV can hold
 * comes back as it was; a backup taken while the app takes webhooks restores
 * to exactly the entries it holds, and from a KV file it is the data of one
 * instant (every store's total equals its stored orders); a quiet store
 * round-trips to the same entries (count and digest); a non-empty store, a
 * cut or altered file are refused with a sentence.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { buildRuntime, openKv } from "../app.ts";
import { loadConfig } from "../config.ts";
import {
  BackupError,
  type BackupHeader,
  backupKv,
  type BackupSummary,
  entryLine,
  restoreKv,
  withKvFileSnapshot,
} from "../lib/core/backup.ts";
import type { Participant } from "../lib/competitions/participants.ts";
import { sumStoredOrders } from "../lib/competitions/revenue.ts";
import { keys } from "../lib/core/db.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { shopifyWebhookHeaders } from "../testing/shopify.ts";

/** A backup held in memory. */
async function backupToMemory(
  kv: Deno.Kv,
  consistency?: BackupHeader["consistency"],
): Promise<{ bytes: Uint8Array<ArrayBuffer>; summary: BackupSummary }> {
  const chunks: Uint8Array[] = [];
  const summary = await backupKv(kv, new WritableStream({ write: (chunk) => void chunks.push(chunk) }), consistency);
  const bytes = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { bytes, summary };
}

const streamOf = (bytes: Uint8Array<ArrayBuffer>) => () => Promise.resolve(new Blob([bytes]).stream());

/** Count and SHA-256 of every entry of `kv`, computed like a backup's trailer. */
async function digestOf(kv: Deno.Kv): Promise<BackupSummary> {
  const digest = createHash("sha256");
  let entries = 0;
  for await (const entry of kv.list({ prefix: [] })) {
    digest.update(entryLine(entry.key, entry.value) + "\n");
    entries++;
  }
  return { entries, sha256: digest.digest("hex") };
}

Deno.test("backup - every KV value type and key part comes back as it was", async () => {
  await using source = await Deno.openKv(":memory:");
  const values: [Deno.KvKey, unknown][] = [
    [["text", "a"], "plain"],
    [["number", 1], -12.5],
    [["number", 2], Number.NaN],
    [["number", 3], -0],
    [["number", 4], Number.NEGATIVE_INFINITY],
    [["bigint", 10n], 2n ** 70n],
    [["u64"], new Deno.KvU64(18_446_744_073_709_551_615n)],
    [["bytes", new Uint8Array([1, 2, 255])], new Uint8Array([0, 1, 2, 3])],
    [["typed"], new Int32Array([-1, 2, 2 ** 30])],
    [["date", true], new Date("2026-12-01T12:00:00.123Z")],
    [["map"], new Map<unknown, unknown>([["k", 1n], [2, new Set(["x"])]])],
    [["dollar"], { $: "not a tag", v: 1, nested: { $: "bigint", list: [undefined, null, 1n] } }],
    [["regexp"], /a+b/gi],
    [["undefined"], undefined],
    [["secret"], { token: "v1.Zm9v.YmFy", at: 1 }],
  ];
  for (const [key, value] of values) await source.set(key, value);
  const { bytes, summary } = await backupToMemory(source);
  assert.equal(summary.entries, values.length);

  await using target = await Deno.openKv(":memory:");
  assert.deepEqual(await restoreKv(target, streamOf(bytes)), summary);
  assert.deepEqual(await digestOf(target), await digestOf(source));
  for (const [key, value] of values) {
    const restored = (await target.get(key)).value;
    if (value instanceof Deno.KvU64) assert.equal((restored as Deno.KvU64).value, value.value);
    else assert.deepStrictEqual(restored, value, `value at ${String(key)}`);
  }
  assert.ok(Object.is((await target.get(["number", 3])).value, -0));
});

Deno.test("backup - restore refuses a non-empty store, a cut file and an altered one", async () => {
  await using source = await Deno.openKv(":memory:");
  for (let i = 0; i < 20; i++) await source.set(["orders", "p", String(i)], { amount: i });
  const { bytes } = await backupToMemory(source);
  const text = new TextDecoder().decode(bytes);

  await assert.rejects(
    restoreKv(source, streamOf(bytes)),
    (error) => error instanceof BackupError && /not empty/.test(error.message),
  );

  await using cut = await Deno.openKv(":memory:");
  const truncated = new TextEncoder().encode(text.split("\n").slice(0, 10).join("\n") + "\n");
  await assert.rejects(restoreKv(cut, streamOf(truncated)), /incomplete/);
  assert.equal((await digestOf(cut)).entries, 0, "nothing is written from a bad file");

  const altered = new TextEncoder().encode(text.replace('"amount":7', '"amount":70'));
  await assert.rejects(restoreKv(cut, streamOf(altered)), /altered or damaged/);
  assert.equal((await digestOf(cut)).entries, 0);
});

/** Posts a signed orders/create for `shop` to an app whose clock reads `now`. */
async function postOrder(t: Pick<TestApp, "request">, shop: string, orderId: number, now: number): Promise<Response> {
  const at = new Date(now).toISOString();
  const body = JSON.stringify({
    id: orderId,
    created_at: at,
    updated_at: at,
    currency: "USD",
    current_total_price: `${orderId % 100}.25`,
    test: false,
    cancelled_at: null,
  });
  return await t.request("/api/shopify/webhooks", {
    method: "POST",
    headers: await shopifyWebhookHeaders({ shop, body }),
    body,
  });
}

Deno.test("backup - taken while webhooks arrive, it restores to exactly its entries; a quiet store round-trips", async () => {
  await using t = await createTestApp();
  const { participants } = await activeCompetition(t.kv, { start: t.clock.now() - 3_600_000, stores: 3 });
  const shopOf = (i: number) => participants[i % participants.length].shop;
  for (let i = 0; i < 300; i++) {
    const res = await postOrder(t, shopOf(i), 1_000 + i, t.clock.now());
    assert.equal((await res.json()).result, "applied");
  }
  const before = await digestOf(t.kv);
  assert.ok(before.entries > 500, `${before.entries} entries: more than one list batch (500)`);

  let during = 0;
  let backingUp = true;
  const traffic = (async () => {
    for (let i = 300; backingUp || during < 20; i++) {
      const res = await postOrder(t, shopOf(i), 1_000 + i, t.clock.now());
      assert.equal(res.status, 200);
      await res.body?.cancel();
      during++;
    }
  })();
  const { bytes, summary } = await backupToMemory(t.kv).finally(() => backingUp = false);
  await traffic;
  assert.ok(during >= 20);
  assert.ok(summary.entries >= before.entries, "nothing that existed before the backup is missing");

  await using restored = await Deno.openKv(":memory:");
  assert.deepEqual(await restoreKv(restored, streamOf(bytes)), summary);
  assert.deepEqual(await digestOf(restored), summary, "the restored store holds exactly the backup's entries");
  for (let i = 0; i < 300; i++) {
    const participant = participants[i % participants.length];
    assert.ok((await restored.get(keys.order(participant.id, String(1_000 + i)))).value, `order ${1_000 + i}`);
  }

  const quiet = await backupToMemory(t.kv);
  assert.deepEqual(quiet.summary, await digestOf(t.kv));
  await using again = await Deno.openKv(":memory:");
  await restoreKv(again, streamOf(quiet.bytes));
  assert.deepEqual(await digestOf(again), await digestOf(t.kv), "count and digest equal the source's");
});

Deno.test("backup - from a KV file it is the data of one instant, while the app takes webhooks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "backup_snapshot_" });
  try {
    const kvPath = join(dir, "kv.sqlite3");
    const kv = await openKv(kvPath);
    const runtime = await buildRuntime(loadConfig({ SANDBOX: "1", KV_PATH: kvPath }), kv, { simulators: false });
    const app = { request: (path: string, init?: RequestInit) => Promise.resolve(runtime.app.request(path, init)) };
    try {
      const { participants } = await activeCompetition(kv, { start: Date.now() - 3_600_000, stores: 3 });
      const shopOf = (i: number) => participants[i % participants.length].shop;
      for (let i = 0; i < 60; i++) assert.equal((await postOrder(app, shopOf(i), 5_000 + i, Date.now())).status, 200);

      let backingUp = true;
      let during = 0;
      const traffic = (async () => {
        for (let i = 60; backingUp || during < 20; i++) {
          const res = await postOrder(app, shopOf(i), 5_000 + i, Date.now());
          assert.equal(res.status, 200);
          await res.body?.cancel();
          during++;
        }
      })();
      const { bytes, summary } = await withKvFileSnapshot(kvPath, (snapshot) => backupToMemory(snapshot, "snapshot"))
        .finally(() => backingUp = false);
      await traffic;
      assert.equal(JSON.parse(new TextDecoder().decode(bytes).split("\n")[0]).consistency, "snapshot");

      await using restored = await Deno.openKv(":memory:");
      assert.deepEqual(await restoreKv(restored, streamOf(bytes)), summary);
      let counted = 0;
      for (const p of participants) {
        const record = (await restored.get<Participant>(keys.participant(p.id))).value!;
        assert.deepEqual(await sumStoredOrders(restored, p.id), { revenue: record.revenue, orders: record.orders });
        counted += record.orders;
      }
      assert.ok(counted >= 60 && counted <= 60 + during, `${counted} orders: every one from before the backup`);
    } finally {
      await runtime.deps.live.close();
      kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
