import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

/** Runs requests through the middleware in a child process at `LOG_LEVEL=debug` and returns its log lines. */
async function logLines(): Promise<{ level: string; msg: string; path?: string; status?: number }[]> {
  const script = `
    import { Hono } from "hono";
    import { requestLog } from ${JSON.stringify(new URL("./request_log.ts", import.meta.url).href)};
    const app = new Hono()
      .use(requestLog({ quietPaths: ["/healthz"], routinePaths: /^\\/api\\/webhooks$/ }))
      .get("/healthz", (c) => c.text("ok"))
      .get("/page", (c) => c.text("page"))
      .post("/api/webhooks", (c) => c.req.header("x-bad") ? c.text("no", 401) : c.text("ok"));
    await app.request("/healthz");
    await app.request("/page");
    await app.request("/api/webhooks", { method: "POST" });
    await app.request("/api/webhooks", { method: "POST", headers: { "x-bad": "1" } });
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    cwd: fileURLToPath(new URL("../../../", import.meta.url)),
    env: { LOG_LEVEL: "debug" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

Deno.test("request log - machine traffic that succeeds is debug, people's requests info, failures never hidden", async () => {
  const lines = (await logLines()).filter((line) => line.msg === "request");
  assert.deepEqual(
    lines.map((line) => [line.path, line.status, line.level]).sort(),
    [["/api/webhooks", 200, "debug"], ["/api/webhooks", 401, "info"], ["/page", 200, "info"]],
  );
});
