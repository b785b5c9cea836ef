import assert from "node:assert/strict";
import { GroupCommitter, type GroupTask } from "./group_commit.ts";

/** A task adding `amount` to the counter at `key`. */
function add(key: Deno.KvKey, amount: number): GroupTask<number> {
  return {
    reads: [key],
    run: async (tx) => {
      const next = ((await tx.get<number>(key)) ?? 0) + amount;
      tx.set(key, next);
      return next;
    },
  };
}

Deno.test("group commit - concurrent tasks share commits and see each other's writes in order", async () => {
  using kv = await Deno.openKv(":memory:");
  const committer = new GroupCommitter(kv);
  const results = await Promise.all(Array.from({ length: 50 }, () => committer.submit(add(["n"], 1))));
  assert.deepEqual(results, Array.from({ length: 50 }, (_, i) => i + 1), "applied in arrival order");
  assert.equal((await kv.get(["n"])).value, 50);
  const stats = committer.stats();
  assert.equal(stats.tasks, 50);
  assert.ok(stats.commits <= 2, `one or two commits, not ${stats.commits}`);
});

Deno.test("group commit - a batch never exceeds Deno KV's 100 checks: more distinct keys take more commits", async () => {
  using kv = await Deno.openKv(":memory:");
  const committer = new GroupCommitter(kv);
  await Promise.all(Array.from({ length: 250 }, (_, i) => committer.submit(add(["k", i], i))));
  const values = await Promise.all(Array.from({ length: 250 }, (_, i) => kv.get<number>(["k", i])));
  assert.deepEqual(values.map((e) => e.value), Array.from({ length: 250 }, (_, i) => i));
  assert.equal(committer.stats().commits, 3, "100 + 100 + 50 checks");
});

Deno.test("group commit - a write by another handle between read and commit re-runs the batch on the fresh value", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite3" });
  try {
    using kv = await Deno.openKv(path);
    using other = await Deno.openKv(path);
    await kv.set(["n"], 10);
    const committer = new GroupCommitter(kv);
    let interfered = false;
    const result = await committer.submit({
      reads: [["n"]],
      run: async (tx) => {
        const value = (await tx.get<number>(["n"]))!;
        if (!interfered) {
          interfered = true;
          await other.set(["n"], 100);
        }
        tx.set(["n"], value + 1);
        return value + 1;
      },
    });
    assert.equal(result, 101);
    assert.equal((await kv.get(["n"])).value, 101);
    assert.equal(committer.stats().conflicts, 1);

    // The committer's memory of ["n"] is now stale for one more outside write: still exact.
    await other.set(["n"], 500);
    assert.equal(await committer.submit(add(["n"], 1)), 501);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("group commit - a failing task is rejected alone; a task too large for one operation is refused", async () => {
  using kv = await Deno.openKv(":memory:");
  const committer = new GroupCommitter(kv);
  const huge: GroupTask<void> = {
    reads: [],
    run: (tx) => {
      for (let i = 0; i < 1001; i++) tx.set(["many", i], i);
      return Promise.resolve();
    },
  };
  const broken: GroupTask<void> = {
    reads: [],
    run: () => Promise.reject(new Error("broken task")),
  };
  const [a, b, c] = await Promise.allSettled([
    committer.submit(add(["a"], 1)),
    committer.submit(huge),
    committer.submit(broken),
  ]);
  assert.deepEqual(a, { status: "fulfilled", value: 1 });
  assert.match(String((b as PromiseRejectedResult).reason), /larger than a Deno KV atomic operation/);
  assert.match(String((c as PromiseRejectedResult).reason), /broken task/);
  assert.equal((await kv.get(["many", 0])).versionstamp, null, "nothing of the refused task was written");
});

Deno.test("group commit - values holding a bigint are sized and committed like any other", async () => {
  using kv = await Deno.openKv(":memory:");
  const committer = new GroupCommitter(kv);
  const value = { id: "a", total: 12_345_678_901_234_567_890n, parts: [1n, 2n] };
  await Promise.all([
    committer.submit({ reads: [], run: (tx) => Promise.resolve(tx.set(["big"], value)) }),
    committer.submit(add(["n"], 1)),
  ]);
  assert.deepEqual((await kv.get(["big"])).value, value);
  assert.equal((await kv.get(["n"])).value, 1);
});
