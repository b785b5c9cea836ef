/**
 * The release file on its own: `deno task release`, then `dist/cartbrawl.js`
 * copied alone into an empty directory and run there in sandbox mode (no
 * source tree, no node_modules, no esbuild next to it). It serves the pages,
 * the island bundles, a live stream and `/metrics`; on SIGTERM, with a live
 * client open and a webhook still arriving, it applies the webhook, ends the
 * stream with a `retry:` hint and exits 0 well within 10 s. The same file
 * then backs up the data it left and runs the operators' preflight on it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { keys } from "../lib/core/db.ts";
import { freePort, startAppProcess } from "../testing/app_process.ts";
import { shopifyWebhookHeaders, waitFor } from "../testing/shopify.ts";

const ROOT = new URL("../", import.meta.url).pathname;

interface LeaderboardBody {
  competition: { id: string; currency: string; status: string };
  entries: { participantId: string; shop: string; orders: number }[];
}

Deno.test("release - dist/cartbrawl.js runs alone from an empty directory and drains on SIGTERM", async () => {
  const built = await new Deno.Command(Deno.execPath(), { args: ["task", "release"], cwd: ROOT }).output();
  assert.ok(built.success, new TextDecoder().decode(built.stderr));

  const dir = await Deno.makeTempDir({ prefix: "cartbrawl_release_" });
  try {
    await Deno.copyFile(join(ROOT, "dist", "cartbrawl.js"), join(dir, "cartbrawl.js"));
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["cartbrawl.js"]);
    const port = freePort();
    const kvPath = join(dir, "data", "cartbrawl.sqlite3");
    const app = await startAppProcess(
      { SANDBOX: "1", PORT: String(port), KV_PATH: kvPath, LOG_LEVEL: "warn" },
      { script: "cartbrawl.js", cwd: dir, flags: ["--unstable-kv", "--unstable-cron"], timeoutMs: 30_000 },
    );
    try {
      const home = await fetch(`${app.url}/`);
      assert.equal(home.status, 200);
      assert.match(await home.text(), /<title>[^<]*CartBrawl<\/title>/);

      // The demo world seeds a live competition whose stores have joined.
      const board = await waitFor(
        async () => {
          const list = await (await fetch(`${app.url}/api/competitions?status=ACTIVE`)).json();
          for (const competition of list.competitions as { id: string }[]) {
            const body: LeaderboardBody =
              await (await fetch(`${app.url}/api/competitions/${competition.id}/leaderboard`))
                .json();
            if (body.entries.length > 0) return body;
          }
        },
        "a live demo competition with a store",
        30_000,
      );
      const id = board.competition.id;

      const page = await (await fetch(`${app.url}/competitions/${id}`)).text();
      const scripts = [...page.matchAll(/(?:src|href)="(\/static\/islands\/[^"]+\.js)"/g)].map((m) => m[1]);
      assert.ok(scripts.length >= 2, `the page references its island bundles: ${scripts}`);
      for (const src of scripts) {
        const res = await fetch(`${app.url}${src}`);
        assert.equal(res.status, 200, src);
        assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
        assert.ok((await res.text()).length > 0);
      }
      // The data files read at run time travel inside the file too: the share card renders (renderer and fonts), and
      // the simulated Shopify answered the demo's joins from its Admin schema (the live board above has stores).
      const card = await fetch(`${app.url}/competitions/${id}/card.png`);
      assert.equal(card.status, 200);
      const png = new Uint8Array(await card.arrayBuffer());
      assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47], "a PNG");
      const css = await fetch(`${app.url}/static/styles.css`);
      assert.equal(css.status, 200);
      await css.body?.cancel();

      const stream = await fetch(`${app.url}/api/competitions/${id}/events`);
      assert.equal(stream.headers.get("content-type"), "text/event-stream");
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      let received = "";
      while (!received.includes("event: leaderboard")) received += (await reader.read()).value ?? "";
      assert.match(received, /^retry: \d+/);

      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      assert.match(metrics, /^cartbrawl_sse_clients 1$/m);
      assert.match(metrics, /^# TYPE cartbrawl_webhooks_received_total counter$/m);

      // A signed orders/create for a store in the race, whose body is still arriving when SIGTERM comes.
      const entry = board.entries[0];
      const orderId = String(9_000_000_000 + Math.floor(Math.random() * 1_000_000));
      const at = new Date().toISOString();
      const body = JSON.stringify({
        id: Number(orderId),
        admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
        created_at: at,
        updated_at: at,
        currency: board.competition.currency,
        current_total_price: "12.34",
        test: false,
        cancelled_at: null,
      });
      const bytes = new TextEncoder().encode(body);
      let sendRest!: () => void;
      const restSent = new Promise<void>((resolve) => sendRest = resolve);
      const webhook = fetch(`${app.url}/api/shopify/webhooks`, {
        method: "POST",
        headers: {
          ...await shopifyWebhookHeaders({ shop: entry.shop, body }),
          "content-length": String(bytes.length),
        },
        body: new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(bytes.slice(0, 20));
            await restSent;
            controller.enqueue(bytes.slice(20));
            controller.close();
          },
        }),
      });
      await new Promise((resolve) => setTimeout(resolve, 300));

      const started = performance.now();
      app.child.kill("SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 300));
      sendRest();
      const answer = await webhook;
      assert.equal(answer.status, 200, `${await answer.clone().text()}\n${app.output()}`);
      assert.equal((await answer.json()).result, "applied");
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        received += value;
      }
      assert.match(received, /retry: \d+\n\n$/, "the stream ends with a reconnect hint");
      const status = await app.kill("SIGTERM");
      const ms = performance.now() - started;
      assert.equal(status.code, 0, app.output());
      assert.ok(ms < 10_000, `exited after ${Math.round(ms)} ms`);

      const kv = await Deno.openKv(kvPath);
      try {
        const order = await kv.get(keys.order(entry.participantId, orderId));
        assert.ok(order.value, "the webhook's order is stored");
      } finally {
        kv.close();
      }

      // The same file runs the operators' backup.
      const backup = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-kv", "--unstable-cron", "cartbrawl.js", "backup", "backup.ndjson"],
        cwd: dir,
        env: { KV_PATH: kvPath },
      }).output();
      assert.equal(backup.code, 0, new TextDecoder().decode(backup.stderr));
      const lines = (await Deno.readTextFile(join(dir, "backup.ndjson"))).trim().split("\n");
      assert.equal(JSON.parse(lines[0]).format, "cartbrawl-kv-backup");
      assert.equal(JSON.parse(lines.at(-1)!).entries, lines.length - 2);

      // And the operators' preflight, against simulators of its own (their records in memory).
      const doctor = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-kv", "--unstable-cron", "cartbrawl.js", "doctor"],
        cwd: dir,
        env: { SANDBOX: "1", PORT: String(freePort()), KV_PATH: kvPath, LOG_LEVEL: "warn" },
      }).output();
      const report = new TextDecoder().decode(doctor.stdout);
      assert.equal(doctor.code, 0, report + new TextDecoder().decode(doctor.stderr));
      assert.match(report, /^✓ KV: .* its layout is version \d+, this release's\.$/m);
      assert.match(report, /^All \d+ checks passed/m);
    } finally {
      await app.kill();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
