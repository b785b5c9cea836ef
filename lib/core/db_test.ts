import assert from "node:assert/strict";
import { readMany } from "./db.ts";

Deno.test("readMany - hundreds of keys come back in their order, with null where there is none, ten keys a read", async () => {
  using kv = await Deno.openKv(":memory:");
  for (let i = 0; i < 345; i++) if (i % 7 !== 0) await kv.set(["thing", i], { n: i });
  const keys = Array.from({ length: 345 }, (_, i) => ["thing", 344 - i]);
  let reads = 0;
  const counted = new Proxy(kv, {
    get: (target, name) =>
      name === "getMany"
        ? (keys: Deno.KvKey[]) => {
          reads++;
          assert.ok(keys.length <= 10);
          return target.getMany(keys);
        }
        : Reflect.get(target, name).bind(target),
  });
  const values = await readMany<{ n: number }>(counted, keys);
  assert.deepEqual(values, keys.map(([, i]) => (i as number) % 7 === 0 ? null : { n: i }));
  assert.equal(reads, 35);
  assert.deepEqual(await readMany(kv, []), []);
});
