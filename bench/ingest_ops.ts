/**
 * KV round trips per order delivery: signed `orders/create` bodies of the
 * simulated Shopify applied through `processWebhook` (the webhook route's
 * work after the HMAC) on a KV file, with every `get`, `getMany`, `list` and
 * commit counted, and the keys read and written per commit, and the bytes of
 * the values set by kind of key (as V8 serialises them: what KV stores). Three cases: one
 * delivery at a time (each alone in its group commit), 64 at a time over 16
 * stores (sharing commits), and 64 at a time with customers under a
 * customer cap (their ledgers join the commit).
 *
 *   LOG_LEVEL=warn deno run -A bench/ingest_ops.ts [--count 640]
 */
import { parseArgs } from "node:util";
import { serialize } from "node:v8";
import { loadConfig } from "../config.ts";
import { createShopifyServices, processWebhook } from "../lib/shopify/mod.ts";
import { startShopifySandbox } from "../sandbox/shopify/mod.ts";
import { SANDBOX_APP } from "../lib/shopify/mod.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { observedKv, orderBody, pool, shopOf } from "./support.ts";
import { report } from "./stats.ts";

const { values } = parseArgs({ options: { count: { type: "string", default: "640" } } });
const count = Number(values.count);
const STORES = 16;

/** Counts of KV calls made through a handle. */
interface Counts {
  get: number;
  getMany: number;
  keysRead: number;
  list: number;
  commits: number;
  mutations: number;
  /** Values set, by the key's first part: how many, and their bytes as V8 serialises them (what KV stores). */
  sets: Map<string, { count: number; bytes: number }>;
}

/** `kv` with every call counted in `counts`. */
function counted(kv: Deno.Kv, counts: Counts): Deno.Kv {
  return observedKv(kv, (call) => {
    if (call.kind === "get") {
      counts.get++;
      counts.keysRead++;
    } else if (call.kind === "getMany") {
      counts.getMany++;
      counts.keysRead += call.keys.length;
    } else if (call.kind === "list") {
      counts.list++;
    } else {
      counts.commits++;
      counts.mutations += call.mutations.length;
      for (const { method, args } of call.mutations) {
        if (method !== "set") continue;
        const kind = String((args[0] as Deno.KvKey)[0]);
        const sets = counts.sets.get(kind) ?? { count: 0, bytes: 0 };
        counts.sets.set(kind, { count: sets.count + 1, bytes: sets.bytes + serialize(args[1]).length });
      }
    }
  });
}

const sandbox = await startShopifySandbox({ ...SANDBOX_APP });
const dir = await Deno.makeTempDir({ prefix: "cartbrawl-ops-" });
const now = Date.now();

async function run(name: string, concurrency: number, capped: boolean) {
  const kv = await Deno.openKv(`${dir}/${name.replaceAll(" ", "_")}.sqlite3`);
  const prefix = `ops${name.length}${concurrency}${capped ? "c" : ""}`;
  await activeCompetition(kv, {
    start: now - 3600_000,
    stores: STORES,
    shopOf: (i) => shopOf(prefix, i),
    ...(capped ? { customerCap: "200.00" } : {}),
  });
  const customers = new Map<string, number[]>();
  const bodies: { shop: string; body: string }[] = [];
  for (let i = 0; i < count; i++) {
    const shop = shopOf(prefix, i % STORES);
    if (!sandbox.shops().some((s) => s.domain === shop)) {
      sandbox.createShop({ shop, currency: "USD" });
      if (capped) customers.set(shop, Array.from({ length: 8 }, () => sandbox.createCustomer(shop).id));
    }
    const customerId = capped ? customers.get(shop)![Math.floor(i / STORES) % 8] : undefined;
    const order = sandbox.createOrder(shop, { totalPrice: `${10 + (i % 90)}.00`, customerId });
    bodies.push({ shop, body: JSON.stringify(orderBody(sandbox, order)) });
  }
  const counts: Counts = { get: 0, getMany: 0, keysRead: 0, list: 0, commits: 0, mutations: 0, sets: new Map() };
  const watched = counted(kv, counts);
  const deps = createShopifyServices({ kv: watched, config: loadConfig({ SANDBOX: "1" }), now: Date.now });
  await pool(bodies, concurrency, async ({ shop, body }) => {
    const outcome = await processWebhook(deps, { topic: "orders/create", shop, webhookId: crypto.randomUUID(), body });
    if (outcome.result !== "applied") throw new Error(`not applied: ${outcome.result}`);
  });
  const per = (n: number) => Math.round((n / count) * 100) / 100;
  report(`${name}: get per delivery`, per(counts.get), "");
  report(`${name}: getMany per delivery`, per(counts.getMany), "");
  report(`${name}: keys read per delivery`, per(counts.keysRead), "");
  report(`${name}: list per delivery`, per(counts.list), "");
  report(`${name}: commits per delivery`, per(counts.commits), "");
  report(`${name}: mutations per delivery`, per(counts.mutations), "");
  const bytes = [...counts.sets.values()].reduce((sum, { bytes }) => sum + bytes, 0);
  report(`${name}: bytes of values set per delivery`, per(bytes), "B");
  for (const [kind, { count, bytes }] of [...counts.sets].sort((a, b) => b[1].bytes - a[1].bytes)) {
    report(
      `${name}:   ${kind}`,
      per(bytes),
      `B per delivery (${per(count)} sets, ${Math.round(bytes / count)} B each)`,
    );
  }
  kv.close();
}

await run("one at a time", 1, false);
await run("64 at a time", 64, false);
await run("64 at a time, capped customers", 64, true);
await sandbox.close();
await Deno.remove(dir, { recursive: true });
