import assert from "node:assert/strict";
import { Hono } from "hono";
import { bodyBudget } from "./body_budget.ts";

Deno.test("body budget - bodies are read within the budget, one at a time past it, and oversize ones pass straight on", async () => {
  let reading = 0;
  let most = 0;
  const app = new Hono().post("/", bodyBudget({ budgetBytes: 3000, maxBody: 1000 }), async (c) => {
    reading++;
    most = Math.max(most, reading);
    const body = await c.req.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 5));
    reading--;
    return c.text(String(body.byteLength));
  });
  const sizes = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 1000 : 400));
  const answers = await Promise.all(
    sizes.map(async (size) => await (await app.request("/", { method: "POST", body: "x".repeat(size) })).text()),
  );
  assert.deepEqual(answers, sizes.map(String), "every request is served");
  assert.ok(most >= 2 && most <= 7, `at most 3000 bytes in flight (${most} bodies at once)`);
  // Declared beyond the largest body: not held in the queue (the body limit refuses it).
  const big = await app.request("/", { method: "POST", body: "x".repeat(5000) });
  assert.equal(await big.text(), "5000");
});
